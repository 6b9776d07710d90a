import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, requireTool } from "./tools.js";

const CONF = resolve(import.meta.dirname, "../../systemd/mosquitto-custody-edge.conf");

describe("systemd/mosquitto-custody-edge.conf", () => {
  let dir: string;
  let broker: ChildProcess;
  let port: number;
  let output = "";

  beforeAll(async () => {
    requireTool("mosquitto", "mosquitto");
    dir = mkdtempSync(join(tmpdir(), "edc-mosquitto-"));
    port = await freePort();
    const text = readFileSync(CONF, "utf8");
    expect(text).toMatch(/^listener 1883 127\.0\.0\.1$/m);
    // Only the port changes, so every other line is checked by the real broker.
    writeFileSync(join(dir, "custody-edge.conf"), text.replace(/^listener 1883 /m, `listener ${port} `));
    broker = spawn("mosquitto", ["-c", join(dir, "custody-edge.conf"), "-v"], { stdio: ["ignore", "pipe", "pipe"] });
    broker.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    broker.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    // A rejected configuration makes mosquitto exit at once: report its words, not a refusal.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (!/ running/.test(output)) return;
        clearInterval(poll);
        resolve();
      }, 10);
      broker.once("exit", (code) => {
        clearInterval(poll);
        reject(new Error(`mosquitto rejected the configuration (exit ${code}):\n${output}`));
      });
    });
  });

  afterAll(() => {
    broker?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is accepted by mosquitto and serves a QoS 1 round trip on loopback", async () => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { connectTimeout: 5000 });
    try {
      await client.subscribeAsync("edc/test/#", { qos: 1 });
      const got = new Promise<string>((r) => client.once("message", (_t, payload) => r(payload.toString())));
      await client.publishAsync("edc/test/door", '{"state":"locked"}', { qos: 1 });
      expect(await got).toBe('{"state":"locked"}');
    } finally {
      await client.endAsync();
    }
    expect(output).not.toMatch(/error/i);
    expect(output).toMatch(new RegExp(`Opening ipv4 listen socket on port ${port}`));
  });
});
