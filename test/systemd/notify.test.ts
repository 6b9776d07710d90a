import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HealthMonitor } from "../../src/systemd/health.js";
import { createNotifier, watchdogIntervalMs, type Notifier } from "../../src/systemd/notify.js";
import { captureLogger, NotifyReceiver, sleep } from "./notify-receiver.js";

// WATCHDOG_USEC=200000 → a ping every 100 ms.
const WATCHDOG_USEC = "200000";

describe("systemd notifier over a real AF_UNIX datagram socket", () => {
  let receiver: NotifyReceiver;
  const cleanups: (() => void)[] = [];

  beforeAll(() => {
    receiver = new NotifyReceiver();
  });
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
    receiver.messages.length = 0;
  });
  afterAll(() => {
    expect(receiver.errors).toEqual([]);
    receiver.close();
  });

  function notifier(env: NodeJS.ProcessEnv, monitor = new HealthMonitor({ loopLag: null })): Notifier {
    const { log } = captureLogger();
    const n = createNotifier({ env, log, health: () => monitor.check() });
    cleanups.push(() => n.stop(), () => monitor.close());
    return n;
  }

  it("sends READY=1, STATUS and STOPPING=1 in order", async () => {
    const n = notifier({ NOTIFY_SOCKET: receiver.path });
    n.start();
    n.ready();
    n.status("running: 3 devices\nall online");
    n.stopping();
    await receiver.waitFor(() => receiver.messages.length >= 3, "three messages");
    expect(receiver.texts()).toEqual(["READY=1", "STATUS=running: 3 devices all online", "STOPPING=1"]);
    expect(n.enabled).toBe(true);
    expect(n.watchdogIntervalMs).toBeUndefined();
  });

  it("pings WATCHDOG=1 every WATCHDOG_USEC/2 while healthy, and stops after STOPPING=1", async () => {
    const n = notifier({ NOTIFY_SOCKET: receiver.path, WATCHDOG_USEC });
    expect(n.watchdogIntervalMs).toBe(100);
    n.start();
    n.ready();
    await receiver.waitFor(() => receiver.count("WATCHDOG=1") >= 4, "four watchdog pings");
    const pings = receiver.messages.filter((m) => m.text === "WATCHDOG=1").map((m) => m.at);
    for (let i = 1; i < pings.length; i++) expect(pings[i]! - pings[i - 1]!).toBeGreaterThanOrEqual(90);
    n.stopping();
    const afterStop = performance.now();
    await sleep(350);
    expect(receiver.count("WATCHDOG=1", afterStop)).toBe(0);
    expect(receiver.texts()).toContain("STOPPING=1");
  });

  it("withholds pings while an engine heartbeat is stale, with a live event loop, and resumes on the next beat", async () => {
    const monitor = new HealthMonitor({ loopLag: null });
    const beat = monitor.register("rules", 250);
    let wedged = false;
    const engine = setInterval(() => wedged || beat(), 20); // the loop stays alive throughout
    cleanups.push(() => clearInterval(engine));
    const n = notifier({ NOTIFY_SOCKET: receiver.path, WATCHDOG_USEC }, monitor);
    n.start();
    n.status("running");
    await receiver.waitFor(() => receiver.count("WATCHDOG=1") >= 2, "pings while healthy");

    wedged = true;
    await receiver.waitFor(() => receiver.texts().some((t) => t.startsWith("STATUS=unhealthy")), "unhealthy status");
    const staleSince = performance.now();
    await sleep(500);
    expect(receiver.count("WATCHDOG=1", staleSince)).toBe(0);
    const unhealthy = receiver.texts().find((t) => t.startsWith("STATUS=unhealthy"));
    expect(unhealthy).toMatch(/heartbeat "rules" stale/);

    wedged = false;
    const resumedAt = performance.now();
    await receiver.waitFor(() => receiver.count("WATCHDOG=1", resumedAt) >= 2, "pings after the engine beats again");
    // The operator's status line comes back once the episode is over.
    const texts = receiver.texts();
    expect(texts.lastIndexOf("STATUS=running")).toBeGreaterThan(texts.findIndex((t) => t.startsWith("STATUS=unhealthy")));
  });

  it("does not ping when WATCHDOG_PID names another process", async () => {
    const n = notifier({ NOTIFY_SOCKET: receiver.path, WATCHDOG_USEC, WATCHDOG_PID: String(process.pid + 1) });
    expect(n.watchdogIntervalMs).toBeUndefined();
    n.start();
    n.ready();
    await sleep(300);
    expect(receiver.texts()).toEqual(["READY=1"]);
  });
});

describe("systemd notifier outside systemd", () => {
  function runWholeLifecycle(n: Notifier): void {
    n.start();
    n.ready();
    n.status("x");
    n.extendTimeout(5000);
    n.stopping();
    n.stop();
  }

  it("is a no-op without NOTIFY_SOCKET and never loads the native module", () => {
    let loads = 0;
    const { log, records } = captureLogger();
    const n = createNotifier({
      env: { WATCHDOG_USEC },
      log,
      health: () => ({ healthy: true, reasons: [] }),
      loadDgram: () => {
        loads++;
        throw new Error("must not load");
      },
    });
    runWholeLifecycle(n);
    expect(n.enabled).toBe(false);
    expect(loads).toBe(0);
    expect(records.filter((r) => (r.level as number) >= 40)).toEqual([]);
  });

  it("warns once and becomes a no-op when unix-dgram cannot be loaded", () => {
    const { log, records } = captureLogger();
    const n = createNotifier({
      env: { NOTIFY_SOCKET: "/run/systemd/notify", WATCHDOG_USEC },
      log,
      health: () => ({ healthy: true, reasons: [] }),
      loadDgram: () => {
        throw new Error("Cannot find module 'unix-dgram'");
      },
    });
    runWholeLifecycle(n);
    expect(n.enabled).toBe(false);
    const warnings = records.filter((r) => r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.msg)).toMatch(/unix-dgram/);
  });

  it("derives the ping period from WATCHDOG_USEC and WATCHDOG_PID", () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "10000000" }, 42)).toBe(5000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "10000000", WATCHDOG_PID: "42" }, 42)).toBe(5000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "10000000", WATCHDOG_PID: "7" }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "0" }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "soon" }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({}, 42)).toBeUndefined();
  });
});
