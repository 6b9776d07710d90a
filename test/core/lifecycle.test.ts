import { describe, expect, it } from "vitest";
import { Lifecycle, type Component } from "../../src/core/lifecycle.js";
import { createLogger } from "../../src/core/logger.js";

const log = createLogger({ level: "silent" });

function recorder() {
  const calls: string[] = [];
  const make = (name: string, opts: { failStart?: boolean; hangStop?: boolean } = {}): Component => ({
    name,
    async start() {
      calls.push(`start ${name}`);
      if (opts.failStart) throw new Error(`${name} broke`);
    },
    stop() {
      calls.push(`stop ${name}`);
      return opts.hangStop ? new Promise(() => {}) : Promise.resolve();
    },
  });
  return { calls, make };
}

describe("lifecycle", () => {
  it("starts in order and stops in reverse, once", async () => {
    const { calls, make } = recorder();
    const lc = new Lifecycle([make("store"), make("transports"), make("drivers")], log);
    await lc.start();
    const [a, b] = await Promise.all([lc.stop(1000), lc.stop(1000)]);
    expect(a && b).toBe(true);
    expect(calls).toEqual(["start store", "start transports", "start drivers", "stop drivers", "stop transports", "stop store"]);
  });

  it("stops what started when a later component fails to start", async () => {
    const { calls, make } = recorder();
    const lc = new Lifecycle([make("store"), make("transports", { failStart: true }), make("drivers")], log);
    await expect(lc.start()).rejects.toThrow("transports broke");
    expect(calls).toEqual(["start store", "start transports", "stop store"]);
  });

  it("abandons a component that hangs on stop, keeps stopping the rest, and reports unclean", async () => {
    const { calls, make } = recorder();
    const lc = new Lifecycle([make("store"), make("drivers", { hangStop: true })], log);
    await lc.start();
    const t0 = performance.now();
    expect(await lc.stop(200)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(calls.slice(-2)).toEqual(["stop drivers", "stop store"]);
  });
});
