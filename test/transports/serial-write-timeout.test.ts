import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import { SerialConnection, SerialWriteTimeoutError, type SerialSettings } from "../../src/transports/serial.js";
import type { LeaseState } from "../../src/transports/lease.js";
import { virtualSerialPorts } from "../../src/transports/virtual-serial.js";
import { whenState } from "../../src/transports/when-state.js";
import { startPtyPair } from "../helpers/socat.js";
import { onCleanup, silentLog } from "./serial-fixture.js";

/**
 * A write must never hang: when the port goes away during a write, or the line stops taking
 * bytes, write() rejects within its bound and the connection is treated as lost and reopened.
 */

const settings = (path: string): SerialSettings => ({ path, baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 });

function connection(path: string, writeTimeoutMs: number): { conn: SerialConnection; states: LeaseState[] } {
  const conn = new SerialConnection(settings(path), silentLog, undefined, { initialMs: 20, maxMs: 100 }, { writeTimeoutMs });
  const states: LeaseState[] = [];
  conn.onStateChange((s) => states.push(s));
  conn.open();
  onCleanup(() => conn.close());
  return { conn, states };
}

describe("bounded serial writes", () => {
  it("the port going away during a write: the write rejects with a clear error instead of hanging", async () => {
    let dev = virtualSerialPorts.attach("sim:vanishing", () => {});
    const { conn, states } = connection("sim:vanishing", 200);
    await whenState(conn, "open", { timeoutMs: 2_000 });

    const t0 = Date.now();
    const write = conn.write(Buffer.from("frame"));
    dev.detach(); // the port closes while the OS write is in flight; drain would wait for an "open" that never comes
    await expect(write).rejects.toBeInstanceOf(SerialWriteTimeoutError);
    await expect(write).rejects.toThrow(/serial write of 5 byte\(s\) to sim:vanishing did not complete within 200 ms/);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(conn.state).toBe("reopening");

    dev = virtualSerialPorts.attach("sim:vanishing", () => {});
    onCleanup(async () => dev.detach());
    await whenState(conn, "open", { timeoutMs: 2_000 });
    await conn.write(Buffer.from("again"));
    expect(states).toEqual(["open", "reopening", "open"]);
  });

  it("a line that stops taking bytes: the write times out, the connection is marked lost and reopens", async () => {
    const received: Buffer[] = [];
    const dev = virtualSerialPorts.attach("sim:stuck", (c) => received.push(c));
    onCleanup(async () => dev.detach());
    const { conn, states } = connection("sim:stuck", 150);
    await whenState(conn, "open", { timeoutMs: 2_000 });

    dev.stallHostWrites = true;
    await expect(conn.write(Buffer.from("lost"))).rejects.toBeInstanceOf(SerialWriteTimeoutError);
    expect(conn.lastError?.message).toMatch(/serial port sim:stuck lost: serial write of 4 byte\(s\)/);
    dev.stallHostWrites = false;
    await whenState(conn, "open", { timeoutMs: 2_000 });
    await conn.write(Buffer.from("ok"));
    await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.concat(received).toString()).toBe("ok");
    expect(states).toEqual(["open", "reopening", "open"]);
  });

  it("on a PTY whose device end stopped reading: the write times out and the port is reopened", async () => {
    const pair = await startPtyPair();
    onCleanup(() => pair.stop());
    const { conn, states } = connection(pair.a, 300);
    await whenState(conn, "open", { timeoutMs: 2_000 });

    // Nobody reads the other end, so the PTY and socat buffers fill and the write never completes.
    let err: unknown;
    for (let i = 0; i < 64 && err === undefined; i++) await conn.write(Buffer.alloc(4096, 0x55)).catch((e: unknown) => (err = e));
    expect(err).toBeInstanceOf(SerialWriteTimeoutError);
    await whenState(conn, "open", { timeoutMs: 2_000 });
    expect(states).toEqual(["open", "reopening", "open"]);
  });

  it("the default bound grows with the time the bytes take on the line", async () => {
    const dev = virtualSerialPorts.attach("sim:slow", () => {});
    onCleanup(async () => dev.detach());
    const clock = new FakeClock();
    const conn = new SerialConnection({ ...settings("sim:slow"), baudRate: 2400 }, silentLog, clock);
    onCleanup(() => conn.close());
    conn.open();
    await whenState(conn, "open", { timeoutMs: 2_000 });
    dev.stallHostWrites = true;
    // 600 bytes at 2400 8N1 take 2.5 s on the wire: the bound is 1 s + 2 × 2.5 s.
    let outcome: unknown = "pending";
    const write = conn.write(Buffer.alloc(600)).catch((e: unknown) => (outcome = e));
    clock.advance(5_999);
    await new Promise((r) => setTimeout(r, 10));
    expect(outcome).toBe("pending");
    clock.advance(1);
    await write;
    expect(outcome).toBeInstanceOf(SerialWriteTimeoutError);
    expect(String(outcome)).toMatch(/within 6000 ms/);
  });
});
