import { Dwm1001Options, dwm1001 } from "../../devices/dwm1001/definition.js";
import { modbusRelay, ModbusRelayOptions } from "../../devices/modbus-relay/definition.js";
import { osdp } from "../../devices/osdp/definition.js";
import { startOsdpSimulation, type OsdpSimulation } from "../../devices/osdp/sim/demo.js";
import { pelco, PelcoOptions } from "../../devices/pelco/definition.js";
import type { Device, SiteConfig } from "../config/schema.js";
import type { Logger } from "../core/logger.js";
import { isVirtualSerialPath, virtualSerialPorts } from "../transports/virtual-serial.js";
import { ModuleSim } from "./devices/dwm1001-module.js";
import { BoardSim } from "./devices/modbus-board.js";
import { CameraSim } from "./devices/pelco-camera.js";
import { deskWalk, doorsOnRelayBoard } from "./devices/wiring.js";

/** One simulator on one `sim:` line, serving the configured devices of one driver there. */
export type DeviceSimulator =
  | { readonly kind: "dwm1001"; readonly path: string; readonly devices: readonly string[]; readonly sim: ModuleSim }
  | { readonly kind: "modbus-relay"; readonly path: string; readonly devices: readonly string[]; readonly sim: BoardSim }
  | { readonly kind: "pelco"; readonly path: string; readonly devices: readonly string[]; readonly sim: CameraSim }
  | { readonly kind: "osdp"; readonly path: string; readonly devices: readonly string[]; readonly sim: OsdpSimulation };

export interface RunningDeviceSimulators {
  readonly simulators: readonly DeviceSimulator[];
  /** Detach every simulator: their lines look unplugged to the daemon. */
  stop(): Promise<void>;
}

type SerialDevice = Device & { transport: { kind: "serial"; path: string } };

/**
 * Demo mode for serial devices: every enabled device whose serial path is `sim:<name>` gets a
 * simulated device on that in-process line, chosen by its driver id. Devices of one driver on
 * one line share a simulator (two cameras, two boards on one RS-485 bus); different drivers on
 * one line each get theirs (multi-drop). Nothing runs while `simulation.enabled` is false: a
 * `sim:` device then stays offline, like an unplugged adapter.
 */
export async function startDeviceSimulators(config: SiteConfig, log: Logger): Promise<RunningDeviceSimulators> {
  const groups = new Map<string, SerialDevice[]>();
  for (const d of config.devices) {
    if (!d.enabled || d.transport.kind !== "serial" || !isVirtualSerialPath(d.transport.path)) continue;
    const key = `${d.transport.path}\u0000${d.driver}`;
    groups.set(key, [...(groups.get(key) ?? []), d as SerialDevice]);
  }
  if (groups.size > 0 && !config.simulation.enabled) {
    log.warn({ paths: [...new Set([...groups.values()].map((g) => g[0]!.transport.path))] }, "simulation is disabled: devices on sim: paths stay offline");
    groups.clear();
  }

  const simulators: DeviceSimulator[] = [];
  for (const group of groups.values()) {
    const path = group[0]!.transport.path;
    const driver = group[0]!.driver;
    const devices = group.map((d) => d.id);
    const sim = await startSimulator(config, driver, path, group, log);
    if (!sim) {
      log.warn({ path, driver, devices }, "no simulator for this driver: its sim: line stays absent");
      continue;
    }
    simulators.push(sim);
    log.info({ path, driver, devices }, "serial device simulated");
  }

  return {
    simulators,
    async stop() {
      for (const s of simulators.splice(0)) await (s.kind === "osdp" ? s.sim.stop() : s.sim.close());
    },
  };
}

/** The simulator for one driver's devices on one line, attached and running; null for a driver without one. */
async function startSimulator(config: SiteConfig, driver: string, path: string, group: SerialDevice[], log: Logger): Promise<DeviceSimulator | null> {
  const devices = group.map((d) => d.id);
  const opened = async <S extends DeviceSimulator>(s: S): Promise<S> => {
    if (s.kind !== "osdp") await s.sim.open();
    return s;
  };
  switch (driver) {
    case dwm1001.id: {
      const sim = new ModuleSim(path);
      const options = Dwm1001Options.safeParse(group[0]!.options);
      const walk = deskWalk(config, options.success ? options.data.floor : undefined);
      if (walk) sim.walk(walk.loop, walk.speedMmPerS);
      return opened({ kind: "dwm1001", path, devices, sim });
    }
    case modbusRelay.id: {
      const wiring = group.map((d) => ({ device: d, doors: doorsOnRelayBoard(config, d) }));
      const units = [...new Set(group.map((d) => ModbusRelayOptions.safeParse(d.options)).map((r) => (r.success ? r.data.slaveId : 1)))];
      const sim = new BoardSim(path, units);
      for (const w of wiring) {
        for (const door of w.doors) sim.wireDoor(door);
        log.debug({ device: w.device.id, doors: w.doors.length }, "simulated doors wired to the relay board");
      }
      return opened({ kind: "modbus-relay", path, devices, sim });
    }
    case pelco.id: {
      const protocols = new Set(group.map((d) => PelcoOptions.safeParse(d.options)).map((r) => (r.success ? r.data.protocol : "d")));
      if (protocols.size > 1) log.warn({ path, devices }, "Pelco-D and Pelco-P cameras on one line; simulating the first protocol only");
      return opened({ kind: "pelco", path, devices, sim: new CameraSim(path, [...protocols][0]!) });
    }
    case osdp.id: {
      // The OSDP bus simulator (PDs with doors and card readers) comes with its driver; it is handed our line.
      const sim = await startOsdpSimulation({ config: { devices: group }, attach: (p, receive) => virtualSerialPorts.attach(p, receive), log });
      return { kind: "osdp", path, devices, sim };
    }
    default:
      return null;
  }
}
