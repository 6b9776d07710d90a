import { createConnection } from "node:net";
import { connectAsync } from "mqtt";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { startEmbeddedBroker } from "../../src/transports/embedded-broker.js";
import { freePort } from "../helpers/mosquitto.js";

const log = pino({ level: "silent" });
const tcpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;

/** Handles go away a moment after close() settles (libuv closes them on the next loop turn). */
async function settlesTo(expected: number): Promise<number> {
  for (let i = 0; i < 50 && tcpHandles() !== expected; i++) await new Promise((r) => setTimeout(r, 10));
  return tcpHandles();
}

/** The count once earlier closes have finished: unchanged over a few loop turns. */
async function stableCount(): Promise<number> {
  let last = -1;
  for (let same = 0; same < 3; ) {
    await new Promise((r) => setTimeout(r, 10));
    const n = tcpHandles();
    same = n === last ? same + 1 : 0;
    last = n;
  }
  return last;
}

describe("embedded broker (aedes)", () => {
  it("binds a free port on 127.0.0.1, routes messages, and close() releases every handle", async () => {
    const before = await stableCount();
    const broker = await startEmbeddedBroker({ port: 0, log });
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);

    const sub = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const pub = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const got = new Promise<string>((resolve) => sub.on("message", (_t, p) => resolve(p.toString())));
    await sub.subscribeAsync("dwm/node/+/uplink/location");
    await pub.publishAsync("dwm/node/0f07/uplink/location", '{"position":{"x":1,"y":2}}');
    expect(await got).toBe('{"position":{"x":1,"y":2}}');

    // A socket that never sends CONNECT is not an aedes client; close() must still end it.
    const raw = createConnection({ host: "127.0.0.1", port: broker.port });
    await new Promise((r) => raw.once("connect", r));
    const rawClosed = new Promise((r) => raw.once("close", r));
    const subClosed = new Promise<void>((r) => sub.once("close", () => r()));

    await broker.close();
    await broker.close(); // idempotent
    await Promise.all([rawClosed, subClosed]);
    await Promise.all([sub.endAsync(true), pub.endAsync(true)]);
    expect(await settlesTo(before)).toBe(before);

    const refused = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: "127.0.0.1", port: broker.port });
      s.once("connect", () => (s.destroy(), resolve(false)));
      s.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it("reports a taken port as an error and leaves nothing open", async () => {
    const port = await freePort();
    const first = await startEmbeddedBroker({ port, log });
    const before = await stableCount();
    await expect(startEmbeddedBroker({ port, log })).rejects.toMatchObject({ code: "EADDRINUSE" });
    expect(await settlesTo(before)).toBe(before);
    await first.close();
  });
});
