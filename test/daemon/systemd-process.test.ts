import { afterAll, describe, expect, it } from "vitest";
import { NotifyReceiver } from "../systemd/notify-receiver.js";
import { demoConfigCopy, spawnDaemon } from "../helpers/cli.js";

/**
 * The daemon as systemd runs it: READY=1 once started, WATCHDOG=1 at WATCHDOG_USEC/2 while
 * healthy, STOPPING=1 on SIGTERM, then exit 0 on its own — the process ends only if no handle
 * (port, socket, timer) was left open.
 */
const receiver = new NotifyReceiver();
afterAll(() => receiver.close());

describe("daemon under systemd notify", () => {
  it("sends READY, WATCHDOG pings and STOPPING on a real datagram socket and exits 0 with nothing left open", async () => {
    const { file } = demoConfigCopy({ simulation: true });
    const d = spawnDaemon(file, { NOTIFY_SOCKET: receiver.path, WATCHDOG_USEC: "400000", LOG_LEVEL: "warn" });
    try {
      await receiver.waitFor(() => receiver.texts().includes("READY=1"), "READY=1", 15_000);
      const readyAt = receiver.messages.find((m) => m.text === "READY=1")!.at;
      await receiver.waitFor(() => receiver.count("WATCHDOG=1", readyAt) >= 3, "three WATCHDOG=1 after READY", 5000);
      expect(receiver.texts().some((t) => t.startsWith("STATUS=running"))).toBe(true);

      d.child.kill("SIGTERM");
      const code = await Promise.race([d.exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 5000))]);
      expect(code, d.out()).toBe(0);
      const texts = receiver.texts();
      expect(texts).toContain("STOPPING=1");
      expect(texts.indexOf("READY=1")).toBeLessThan(texts.indexOf("STOPPING=1"));
      const stoppingAt = receiver.messages.find((m) => m.text === "STOPPING=1")!.at;
      expect(receiver.count("WATCHDOG=1", stoppingAt + 1)).toBe(0);
    } finally {
      if (d.child.exitCode === null) d.child.kill("SIGKILL");
    }
  }, 30_000);
});
