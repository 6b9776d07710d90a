import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { SiteConfig } from "../../src/config/schema.js";
import { systemClock } from "../../src/core/clock.js";
import { createLogger } from "../../src/core/logger.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import type { Command, DeviceMessage } from "../../src/drivers/contract.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import { startDeviceSimulators, type DeviceSimulator, type RunningDeviceSimulators } from "../../src/sim/device-simulators.js";
import { TransportPool } from "../../src/transports/pool.js";
import { isVirtualSerialPath } from "../../src/transports/virtual-serial.js";
import { until } from "../helpers/driver-context.js";

/**
 * The demo's serial devices end to end without the daemon around them: the demo config, the
 * transport pool opening sim: lines, the driver supervisor running the real drivers, and the
 * device simulators on the other end of each line.
 */
const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const config: SiteConfig = loadConfig("config/demo-center.yaml", builtinDrivers());
const serialDevices = config.devices.filter((d) => d.transport.kind === "serial" && isVirtualSerialPath(d.transport.path));

const messages: Array<{ deviceId: string; msg: DeviceMessage }> = [];
let sims: RunningDeviceSimulators;
let pool: TransportPool;
let supervisor: DriverSupervisor;

beforeAll(async () => {
  sims = await startDeviceSimulators(config, log);
  pool = new TransportPool({ log, reopen: { initialMs: 20, maxMs: 200 } });
  supervisor = new DriverSupervisor({
    registry: builtinDrivers(),
    clock: systemClock,
    log,
    acquire: (d) => pool.acquire(d.id, d.transport),
    storeFor: () => ({ get: () => undefined, set: () => {} }),
    onMessage: (deviceId, _def, msg) => messages.push({ deviceId, msg }),
  });
  await supervisor.startAll(serialDevices);
});

afterAll(async () => {
  await supervisor?.stopAll(2_000);
  await pool?.closeAll(2_000);
  await sims?.stop();
});

const of = (deviceId: string) => messages.filter((m) => m.deviceId === deviceId).map((m) => m.msg);
const state = (deviceId: string): Record<string, unknown> => Object.assign({}, ...of(deviceId).flatMap((m) => (m.type === "state" ? [m.values] : [])));
const simulator = <K extends DeviceSimulator["kind"]>(kind: K) => sims.simulators.find((s): s is Extract<DeviceSimulator, { kind: K }> => s.kind === kind)!;
const command = (values: Record<string, unknown>): Command => ({
  id: `cmd-${Math.random().toString(36).slice(2)}`,
  values,
  origin: "operator",
  requestedBy: "test",
  reason: "demo devices test",
  deadline: Date.now() + 2_000,
});

describe("demo serial devices on virtual lines", () => {
  it("the demo config has serial devices on sim: paths, and every one gets a simulator", () => {
    expect(serialDevices.map((d) => d.id)).toEqual(["uwb-desk", "door-io-1", "cam-corridor", "cam-sally-port", "osdp-sally"]);
    expect(sims.simulators.map((s) => [s.kind, s.path, s.devices])).toEqual([
      ["dwm1001", "sim:dwm1001", ["uwb-desk"]],
      ["modbus-relay", "sim:rs485-doors", ["door-io-1"]],
      ["pelco", "sim:rs485-ptz", ["cam-corridor", "cam-sally-port"]],
      ["osdp", "sim:rs485-osdp", ["osdp-sally"]],
    ]);
  });

  it("every device goes online", async () => {
    await until(() => supervisor.status().every((s) => s.online), "all serial devices online", 3_000);
    expect(supervisor.status().map((s) => [s.deviceId, s.state, s.online])).toEqual(serialDevices.map((d) => [d.id, "running", true]));
  });

  it("the DWM1001 module reports its tag walking through the registration room", async () => {
    const coords = () => of("uwb-desk").flatMap((m) => (m.type === "observation" && m.observation.kind === "coordinates" ? [m.observation] : []));
    await until(() => new Set(coords().map((c) => `${c.x},${c.y}`)).size >= 3, "three different positions", 3_000);
    for (const c of coords()) {
      expect(c).toMatchObject({ tagId: "0f07", floor: 1, method: "uwb" });
      // registration: x 0–8 m, y 8–20 m
      expect(c.x).toBeGreaterThan(0);
      expect(c.x).toBeLessThan(8);
      expect(c.y).toBeGreaterThan(8);
      expect(c.y).toBeLessThan(20);
    }
  });

  it("the relay board reports its door contacts closed, and a door opens after its strike is pulsed and closes after", async () => {
    await until(() => state("door-io-1")["holding-1-contact"] !== undefined, "contact inputs read", 3_000);
    expect(state("door-io-1")).toMatchObject({ "holding-1-contact": true, "exit-outer-contact": true, "holding-1-strike": "off" });

    // Door movements take seconds; move the board's clock instead of waiting for them.
    const board = simulator("modbus-relay").sim;
    let skew = 0;
    board.now = () => Date.now() + skew;
    expect(await supervisor.command("door-io-1", command({ "holding-1-strike": "pulse", ms: 300 }))).toMatchObject({ status: "ok" });
    skew += 1_500; // someone pushes the released door
    await until(() => state("door-io-1")["holding-1-contact"] === false, "holding-1 door open", 2_000);
    await until(() => state("door-io-1")["holding-1-strike"] === "off", "strike re-engaged after the pulse", 2_000);
    skew += 2_500; // the door closer shuts it
    await until(() => state("door-io-1")["holding-1-contact"] === true, "holding-1 door closed", 2_000);
    expect(state("door-io-1")["holding-juvenile-contact"]).toBe(true);
  });

  it("a PTZ command reaches the camera simulator, addressed to the right camera on the shared line", async () => {
    const camera = simulator("pelco").sim;
    expect(await supervisor.command("cam-sally-port", command({ goto_preset: 3 }))).toEqual({ status: "ok", state: { preset: 3 } });
    expect(await supervisor.command("cam-corridor", command({ goto_preset: 7 }))).toEqual({ status: "ok", state: { preset: 7 } });
    await until(() => camera.frames.length >= 2, "two frames at the camera", 2_000);
    expect(camera.frames.map((f) => [f.address, ...f.payload])).toEqual([
      [2, 0x00, 0x07, 0x00, 3],
      [1, 0x00, 0x07, 0x00, 7],
    ]);
    expect(camera.skipped).toBe(0);
  });

  it("the OSDP readers come up on the secure channel, and a released strike opens the sally-port door", async () => {
    await until(() => state("osdp-sally")["sally-inner.secure"] === true && state("osdp-sally")["sally-outer.secure"] === true, "both PDs secure", 3_000);
    expect(state("osdp-sally")).toMatchObject({ "sally-inner.online": true, "sally-inner.contact": false });
    expect(await supervisor.command("osdp-sally", command({ output: "sally-outer.strike", action: "pulse", ms: 200 }))).toMatchObject({ status: "ok" });
    await until(() => state("osdp-sally")["sally-outer.contact"] === true, "sally-outer door open", 2_000);
    await until(() => state("osdp-sally")["sally-outer.contact"] === false, "sally-outer door closed again", 5_000);
  });
});

describe("startDeviceSimulators with simulation disabled", () => {
  it("starts nothing: the sim: devices stay offline like unplugged adapters", async () => {
    const off = await startDeviceSimulators({ ...config, simulation: { ...config.simulation, enabled: false } }, log);
    expect(off.simulators).toEqual([]);
    await off.stop();
  });
});
