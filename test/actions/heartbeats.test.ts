import { afterEach, describe, expect, it } from "vitest";
import { simDoor } from "../../devices/sim-door/definition.js";
import { Heartbeats } from "../../src/actions/heartbeats.js";
import { systemClock } from "../../src/core/clock.js";
import { createLogger } from "../../src/core/logger.js";
import type { DeviceMessage } from "../../src/drivers/contract.js";
import { DriverRegistry } from "../../src/drivers/registry.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import { until } from "../helpers/driver-context.js";

/**
 * A board with a deadman (sim-door with heartbeatTimeoutMs) kept alive through the real
 * supervisor: its maglock stays locked while heartbeats flow, and drops to its power-loss
 * state (unlocked) once they stop, as it would if the daemon died.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("relay-board heartbeats", () => {
  it("keep a deadman board's outputs while the daemon runs; the board reverts when they stop", async () => {
    const states: Record<string, unknown> = {};
    const supervisor = new DriverSupervisor({
      registry: DriverRegistry.of(simDoor),
      clock: systemClock,
      log: createLogger({ level: "silent" }),
      acquire: () => null,
      storeFor: () => ({ get: () => undefined, set: () => {} }),
      onMessage: (_id, _def, msg: DeviceMessage) => {
        if (msg.type === "state") Object.assign(states, msg.values);
      },
    });
    const options = simDoor.optionsSchema.parse({ doors: [{ lock: "mag-1", contact: "c-1" }], heartbeatTimeoutMs: 150, latencyMs: 0 });
    await supervisor.startAll([{ id: "board", driver: "sim-door", transport: { kind: "none" }, options, enabled: true }]);
    cleanups.push(() => supervisor.stopAll(1000));

    const beats = new Heartbeats([{ device: "board", everyS: 0.05 }], systemClock, (id, cmd) => supervisor.command(id, cmd));
    beats.start();
    cleanups.push(() => beats.stop());
    await new Promise((r) => setTimeout(r, 500));
    expect(states["mag-1"]).toBe("locked");
    const [status] = beats.statuses();
    expect(status!.sent).toBeGreaterThanOrEqual(5);
    expect(status!.failed).toBe(0);

    beats.stop();
    await until(() => states["mag-1"] === "unlocked", "board reverted to its power-loss state", 1000);
  });

  it("counts failures while the board is away and keeps trying", async () => {
    let answer = false;
    const beats = new Heartbeats([{ device: "x", everyS: 0.02, values: { watchdog: "kick" } }], systemClock, async (_id, cmd) => {
      expect(cmd.values).toEqual({ watchdog: "kick" });
      expect(cmd.deadline - Date.now()).toBeLessThanOrEqual(50);
      return answer ? { status: "ok" } : { status: "error", code: "offline", message: "away" };
    });
    beats.start();
    cleanups.push(() => beats.stop());
    await until(() => beats.statuses()[0]!.failed >= 3, "failures counted");
    answer = true;
    await until(() => beats.statuses()[0]!.lastOkAt !== null, "answered again");
  });
});
