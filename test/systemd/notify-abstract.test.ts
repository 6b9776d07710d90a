import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifier } from "../../src/systemd/notify.js";
import { captureLogger, sleep } from "./notify-receiver.js";
import { requireTool } from "./tools.js";

function abstractBound(name: string): boolean {
  return readFileSync("/proc/net/unix", "utf8").includes(` @${name}\n`);
}

describe("systemd notifier on an abstract NOTIFY_SOCKET (@name)", () => {
  const name = `edc-notify-test-${process.pid}`;
  let receiver: ChildProcess;
  let received = "";

  beforeAll(async () => {
    requireTool("socat", "socat");
    requireTool("systemd-notify", "systemd");
    // socat writes each datagram to stdout as it arrives, without separators.
    receiver = spawn("socat", ["-u", `ABSTRACT-RECV:${name}`, "-"], { stdio: ["ignore", "pipe", "inherit"] });
    receiver.stdout!.on("data", (chunk: Buffer) => (received += chunk.toString()));
    const end = Date.now() + 3000;
    while (!abstractBound(name)) {
      if (Date.now() > end) throw new Error("socat did not bind the abstract socket");
      await sleep(10);
    }
  });

  afterAll(() => {
    receiver?.kill();
  });

  it("delivers READY=1, STATUS and STOPPING=1 in order without loading the native module", async () => {
    const { log, records } = captureLogger();
    const n = createNotifier({
      env: { NOTIFY_SOCKET: `@${name}` },
      log,
      health: () => ({ healthy: true, reasons: [] }),
      loadDgram: () => {
        throw new Error("abstract names cannot go through unix-dgram");
      },
    });
    n.start();
    n.ready();
    n.status("running");
    n.stopping();
    n.stop();
    const expected = "READY=1STATUS=runningSTOPPING=1";
    const end = Date.now() + 5000;
    while (received.length < expected.length && Date.now() < end) await sleep(20);
    expect(received).toBe(expected);
    expect(records.filter((r) => (r.level as number) >= 40)).toEqual([]);
  });
});
