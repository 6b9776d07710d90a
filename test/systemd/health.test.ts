import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import { HealthMonitor } from "../../src/systemd/health.js";
import { EventLoopLagProbe } from "../../src/systemd/loop-lag.js";

describe("HealthMonitor heartbeats", () => {
  it("is healthy while every engine beats within its max age", () => {
    const clock = new FakeClock();
    const monitor = new HealthMonitor({ clock, loopLag: null });
    const rules = monitor.register("rules", 1000);
    const outbox = monitor.register("outbox", 5000);
    for (let i = 0; i < 10; i++) {
      clock.advance(900);
      rules();
      outbox();
      expect(monitor.check()).toEqual({ healthy: true, reasons: [] });
    }
  });

  it("gives a freshly registered engine its max age for the first beat", () => {
    const clock = new FakeClock();
    const monitor = new HealthMonitor({ clock, loopLag: null });
    monitor.register("zones", 1000);
    clock.advance(1000);
    expect(monitor.check().healthy).toBe(true);
    clock.advance(1);
    expect(monitor.check()).toEqual({ healthy: false, reasons: ['heartbeat "zones" stale: 1001 ms > 1000 ms'] });
  });

  it("names only the stale engine, and recovers on its next beat", () => {
    const clock = new FakeClock();
    const monitor = new HealthMonitor({ clock, loopLag: null });
    const rules = monitor.register("rules", 1000);
    const serial = monitor.register("serial", 1000);
    clock.advance(800);
    serial();
    clock.advance(800);
    serial();
    const verdict = monitor.check();
    expect(verdict.healthy).toBe(false);
    expect(verdict.reasons).toEqual(['heartbeat "rules" stale: 1600 ms > 1000 ms']);
    rules();
    expect(monitor.check().healthy).toBe(true);
  });

  it("ignores the wall clock: an NTP jump neither ages nor refreshes a heartbeat", () => {
    const clock = new FakeClock();
    const monitor = new HealthMonitor({ clock, loopLag: null });
    monitor.register("rules", 1000);
    clock.jumpWall(3_600_000);
    expect(monitor.check().healthy).toBe(true);
  });

  it("rejects duplicate names and forgets unregistered engines", () => {
    const clock = new FakeClock();
    const monitor = new HealthMonitor({ clock, loopLag: null });
    monitor.register("rules", 1000);
    expect(() => monitor.register("rules", 1000)).toThrow(/already registered/);
    expect(() => monitor.register("bad", 0)).toThrow(/maxAgeMs/);
    clock.advance(5000);
    monitor.unregister("rules");
    expect(monitor.check().healthy).toBe(true);
    monitor.register("rules", 1000); // a restarted engine may register again
  });
});

describe("HealthMonitor event-loop lag", () => {
  it("reports a stall longer than the threshold, measured on the real event loop", async () => {
    const monitor = new HealthMonitor({ maxLoopLagMs: 200 });
    try {
      await new Promise((r) => setTimeout(r, 60));
      expect(monitor.check().healthy).toBe(true);
      const until = performance.now() + 400;
      while (performance.now() < until); // a synchronous stall, like a blocking fsync
      await new Promise((r) => setTimeout(r, 60)); // let the histogram record it
      const verdict = monitor.check();
      expect(verdict.healthy).toBe(false);
      expect(verdict.reasons[0]).toMatch(/^event loop lag \d+ ms > 200 ms$/);
    } finally {
      monitor.close();
    }
  });

  it("forgets a stall after two rotation windows", async () => {
    const probe = new EventLoopLagProbe({ windowMs: 50, resolutionMs: 10 });
    try {
      await new Promise((r) => setTimeout(r, 30)); // the first histogram tick only sets its baseline
      const until = performance.now() + 400;
      while (performance.now() < until);
      await new Promise((r) => setTimeout(r, 20));
      expect(probe.maxLagMs()).toBeGreaterThan(300);
      await new Promise((r) => setTimeout(r, 200));
      expect(probe.maxLagMs()).toBeLessThan(300);
    } finally {
      probe.close();
    }
  });
});
