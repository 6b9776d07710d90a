import { describe, expect, it } from "vitest";
import { modbusRelay } from "../../devices/modbus-relay/definition.js";
import { AlarmActions } from "../../src/actions/alarm-actions.js";
import { capabilityLookup } from "../../src/actions/capabilities.js";
import { DoorController } from "../../src/actions/door-controller.js";
import { compileDoorSite } from "../../src/actions/door-site.js";
import { SiteConfig } from "../../src/config/schema.js";
import { systemClock } from "../../src/core/clock.js";
import { DriverRegistry } from "../../src/drivers/registry.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import type { AuditInput } from "../../src/store/audit-log.js";
import { until } from "../helpers/driver-context.js";
import { BoardSim } from "../../src/sim/devices/modbus-board.js";
import { onCleanup, ptyAndPool, silentLog } from "../transports/serial-fixture.js";

/**
 * An escape alarm through to a real serial line: the alarm binding locks the exit door (a
 * fail-secure strike on coil 0 of a Modbus relay board) through the door controller, and runs
 * the siren (coil 3) for its time. The board is simulated at the far end of a socat PTY pair.
 */
async function setup() {
  const { pair, pool } = await ptyAndPool();
  const sim = new BoardSim(pair.b);
  await sim.open();
  onCleanup(() => sim.close());
  sim.unit().inputs[0] = true; // contact closed
  sim.unit().coils[0] = true; // strike energised: unlocked

  const config = SiteConfig.parse({
    version: 1,
    center: { id: "c1", name: "t" },
    gateway: { id: "gw" },
    areas: [{ id: "secure", type: "secure_area", rooms: [{ id: "exit", type: "exit" }] }, { id: "outside", type: "outside" }],
    doors: [{ id: "exit-outer", between: ["exit", "outside"], failMode: "secure", openPulseS: 0.5, lock: { device: "io-1", point: "strike-1" }, contact: { device: "io-1", point: "contact-1" } }],
    devices: [{ id: "io-1", driver: "modbus-relay", transport: { kind: "serial", path: pair.a } }],
    actions: { bindings: [{ alarm: "ESCAPE_ATTEMPT", actions: [{ kind: "lock_doors", doors: ["exit-outer"] }, { kind: "relay", device: "io-1", point: "siren", forS: 0.3 }] }] },
  });
  config.devices[0]!.options = modbusRelay.optionsSchema.parse({ coils: { "strike-1": 0, siren: 3 }, inputs: { "contact-1": 0 }, pollMs: 40, timeoutMs: 100 }) as Record<string, unknown>;
  const registry = DriverRegistry.of(modbusRelay);
  const capabilities = capabilityLookup(config.devices, registry);
  const audits: AuditInput[] = [];
  const sinks = { events: () => {}, alarms: () => {}, audit: { record: (a: AuditInput) => void audits.push(a) } };

  let doors!: DoorController;
  const supervisor = new DriverSupervisor({
    registry,
    clock: systemClock,
    log: silentLog,
    acquire: (device) => pool.acquire(device.id, device.transport as Parameters<typeof pool.acquire>[1]),
    storeFor: () => ({ get: () => undefined, set: () => {} }),
    onMessage: (deviceId, _def, msg) => doors.onDeviceMessage(deviceId, msg),
  });
  const send = (deviceId: string, cmd: Parameters<DriverSupervisor["command"]>[1]) => supervisor.command(deviceId, cmd);
  const readBack = (deviceId: string, points: readonly string[]) => supervisor.read(deviceId, points);
  doors = new DoorController({ site: compileDoorSite(config, capabilities), clock: systemClock, send, sinks, readBack, log: silentLog });
  const actions = new AlarmActions({ bindings: config.actions!.bindings!, clock: systemClock, send, doors, audit: sinks.audit, capabilityOf: capabilities });
  doors.start();
  await supervisor.startAll(config.devices);
  onCleanup(async () => {
    doors.stop();
    await actions.stop();
    await supervisor.stopAll(1000);
  });
  await until(() => doors.view("exit-outer")!.known, "exit door read back", 3000);
  return { sim, doors, actions, audits };
}

describe("alarm actions over a Modbus relay board (socat PTY)", () => {
  it("reads the strike back from the coil, locks it on an escape alarm and runs the siren for its time", async () => {
    const { sim, doors, actions, audits } = await setup();
    expect(doors.view("exit-outer")).toMatchObject({ locked: false, open: false, online: true });

    actions.onAlarm({ kind: "raise", type: "ESCAPE_ATTEMPT", ruleId: "R17", severity: 4, dedupKey: "ESCAPE_ATTEMPT|p-1|", subjects: ["p-1"], message: "leaving", params: {} });
    await until(() => sim.writes.some((w) => w.address === 0 && !w.on) && sim.writes.some((w) => w.address === 3 && w.on), "strike off and siren on written");
    await until(() => doors.view("exit-outer")!.locked === true, "strike read back locked");
    await until(() => sim.writes.some((w) => w.address === 3 && !w.on), "siren off after 0.3 s", 3000);
    const on = sim.writes.find((w) => w.address === 3 && w.on)!;
    const off = sim.writes.find((w) => w.address === 3 && !w.on)!;
    expect(off.at - on.at).toBeGreaterThanOrEqual(280);
    expect(audits.filter((a) => a.target === "door:exit-outer").map((a) => [a.actor, a.action, (a.data as { result: string }).result])).toEqual([
      ["rule:R17", "door.lock", "sent"],
      ["rule:R17", "door.lock", "executed"],
    ]);
  });

  it("reads the door back from the board after it was silent (the driver reports only changes)", async () => {
    const { sim, doors } = await setup();
    sim.silent = true;
    await until(() => doors.view("exit-outer")!.online === false, "board seen offline", 3000);
    expect(doors.view("exit-outer")).toMatchObject({ known: false, locked: null, open: null });
    sim.silent = false;
    await until(() => doors.view("exit-outer")!.known, "read back after the outage", 3000);
    expect(doors.view("exit-outer")).toMatchObject({ locked: false, open: false });
  });

  it("opens the strike with a hardware pulse: the board relocks it even if the daemon does nothing more", async () => {
    const { sim, doors } = await setup();
    await doors.request({ doorId: "exit-outer", action: "lock", origin: "operator", requestedBy: "op", reason: "t" });
    await until(() => doors.view("exit-outer")!.locked === true, "locked");
    const out = await doors.request({ doorId: "exit-outer", action: "open", origin: "operator", requestedBy: "op", reason: "release to transport" });
    expect(out.result).toBe("executed");
    expect(sim.writes.at(-1)).toMatchObject({ address: 0, on: true });
    const pulsedAt = sim.writes.at(-1)!.at;
    await until(() => sim.writes.filter((w) => w.address === 0).at(-1)!.on === false, "board pulse-off", 3000);
    expect(sim.writes.at(-1)!.at - pulsedAt).toBeGreaterThanOrEqual(480);
  });
});
