import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FakeClock } from "../../src/core/clock.js";
import { NotReadyError, FatalDriverError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import { Device } from "../../src/config/schema.js";
import { defineDriver, type DeviceMessage, type DriverDefinition } from "../../src/drivers/contract.js";
import { DriverRegistry } from "../../src/drivers/registry.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";

const silent = createLogger({ level: "silent" });
const flush = () => new Promise((r) => setImmediate(r));

function fixture(behaviour: { failTimes: number; error: () => Error }) {
  let starts = 0;
  let stops = 0;
  const flaky = defineDriver({
    id: "flaky",
    vendor: "test",
    model: "flaky",
    description: "fails its first starts",
    version: "1.0.0",
    transport: "none",
    protocol: "test",
    optionsSchema: z.object({}),
    capabilities: () => [],
    create: (ctx) => ({
      async start() {
        starts++;
        if (starts <= behaviour.failTimes) throw behaviour.error();
        ctx.emit({ type: "state", values: { started: starts } });
      },
      async stop() {
        stops++;
      },
    }),
  });
  const steady = defineDriver({
    id: "steady",
    vendor: "test",
    model: "steady",
    description: "always starts",
    version: "1.0.0",
    transport: "none",
    protocol: "test",
    optionsSchema: z.object({}),
    capabilities: () => [],
    create: (ctx) => ({
      async start() {
        ctx.emit({ type: "event", name: "hello" });
      },
      async stop() {},
    }),
  });
  return { defs: [flaky, steady] as DriverDefinition<unknown>[], counts: () => ({ starts, stops }) };
}

function setup(failTimes: number, error: () => Error) {
  const clock = new FakeClock();
  const fx = fixture({ failTimes, error });
  const messages: Array<{ deviceId: string; msg: DeviceMessage }> = [];
  const sup = new DriverSupervisor({
    registry: DriverRegistry.of(...fx.defs),
    clock,
    log: silent,
    acquire: () => null,
    storeFor: () => ({ get: () => undefined, set: () => {} }),
    onMessage: (deviceId, _def, msg) => messages.push({ deviceId, msg }),
    backoff: { baseMs: 1000, capMs: 8000, fatalMs: 300_000 },
  });
  const devices = [Device.parse({ id: "flaky-1", driver: "flaky" }), Device.parse({ id: "steady-1", driver: "steady" })];
  return { clock, fx, messages, sup, devices };
}

describe("driver supervisor", () => {
  it("keeps other devices running when one driver throws at start, and retries the failing one with backoff", async () => {
    const { clock, fx, messages, sup, devices } = setup(2, () => new NotReadyError("bus not ready"));
    await sup.startAll(devices);

    const byId = Object.fromEntries(sup.status().map((s) => [s.deviceId, s]));
    expect(byId["steady-1"]).toMatchObject({ state: "running", online: true });
    expect(byId["flaky-1"]).toMatchObject({ state: "retrying", online: false, lastError: "NotReadyError: bus not ready" });
    expect(messages.filter((m) => m.deviceId === "steady-1").map((m) => m.msg.type)).toEqual(["event", "availability"]);

    // First retry fails again, second succeeds; backoff never exceeds the cap (8 s) per attempt.
    clock.advance(8000);
    await flush();
    expect(fx.counts().starts).toBe(2);
    clock.advance(8000);
    await flush();
    expect(fx.counts().starts).toBe(3);
    const flaky = sup.status().find((s) => s.deviceId === "flaky-1")!;
    expect(flaky).toMatchObject({ state: "running", online: true });
    expect(messages.filter((m) => m.deviceId === "flaky-1").map((m) => m.msg)).toEqual([
      { type: "state", values: { started: 3 } },
      { type: "availability", online: true },
    ]);
    expect(sup.status().find((s) => s.deviceId === "steady-1")!.state).toBe("running");
    await sup.stopAll(1000);
  });

  it("retries a fatal failure only at the slow fatal interval", async () => {
    const { clock, fx, sup, devices } = setup(1, () => new FatalDriverError("wrong firmware"));
    await sup.startAll(devices);
    clock.advance(299_000);
    await flush();
    expect(fx.counts().starts).toBe(1);
    clock.advance(1000);
    await flush();
    expect(fx.counts().starts).toBe(2);
    expect(sup.status().find((s) => s.deviceId === "flaky-1")!.state).toBe("running");
    await sup.stopAll(1000);
  });

  it("stops pending retries and reports every device offline on shutdown", async () => {
    const { clock, fx, messages, sup, devices } = setup(100, () => new Error("boom"));
    await sup.startAll(devices);
    await sup.stopAll(1000);
    clock.advance(3_600_000);
    await flush();
    expect(fx.counts().starts).toBe(1);
    expect(sup.status().every((s) => s.state === "stopped" && !s.online)).toBe(true);
    const last = messages.filter((m) => m.deviceId === "steady-1").at(-1)!.msg;
    expect(last).toEqual({ type: "availability", online: false, reason: "shutdown" });
  });

  it("refuses commands to a device that is not running, and to one whose deadline passed", async () => {
    const { clock, sup, devices } = setup(100, () => new Error("boom"));
    await sup.startAll(devices);
    const base = { id: "c1", values: { x: 1 }, origin: "operator" as const, requestedBy: "op-1", reason: "test" };
    expect(await sup.command("flaky-1", { ...base, deadline: clock.now() + 1000 })).toMatchObject({ status: "error", code: "offline" });
    expect(await sup.command("steady-1", { ...base, deadline: clock.now() + 1000 })).toMatchObject({ status: "error", code: "unsupported" });
    expect(await sup.command("nope", { ...base, deadline: clock.now() + 1000 })).toMatchObject({ status: "error", code: "invalid" });
    await sup.stopAll(1000);
  });
});
