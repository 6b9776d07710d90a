import { describe, expect, it } from "vitest";
import { TransportNotOpenError } from "../../src/transports/connection.js";
import type { LeaseState } from "../../src/transports/lease.js";
import { RequestTimeoutError } from "../../src/transports/request-bus.js";
import { whenState } from "../../src/transports/when-state.js";
import { devicePeer as peer, ptyAndPool as setup, serialConfig as serial } from "./serial-fixture.js";

/** Collects what arrives through a lease's onData until `n` bytes are there. */
function collector(lease: { onData?: (cb: (b: Buffer) => void) => () => void }) {
  let got = Buffer.alloc(0);
  lease.onData!((chunk) => (got = Buffer.concat([got, chunk])));
  return {
    async take(n: number): Promise<Buffer> {
      const until = Date.now() + 2_000;
      while (got.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      const out = got.subarray(0, n);
      got = got.subarray(n);
      return out;
    },
  };
}

describe("serial transport over a socat PTY pair", () => {
  it("carries data both ways", async () => {
    const { pair, pool } = await setup();
    const lease = pool.acquire("reader-1", serial(pair.a));
    await whenState(lease, "open", { timeoutMs: 2_000 });
    const device = await peer(pair.b);
    const inbound = collector(lease);

    await lease.handle!.write(Buffer.from("PING\r\n"));
    expect((await device.read(6)).toString()).toBe("PING\r\n");
    await device.write(Buffer.from([0x53, 0x00, 0xff, 0x7e]));
    expect(await inbound.take(4)).toEqual(Buffer.from([0x53, 0x00, 0xff, 0x7e]));
  });

  it("request() writes a frame and returns the device's complete reply", async () => {
    const { pair, pool } = await setup();
    const lease = pool.acquire("relay-1", serial(pair.a));
    await whenState(lease, "open", { timeoutMs: 2_000 });
    const device = await peer(pair.b);
    const answered = (async () => {
      const q = await device.read(3);
      await device.write(Buffer.from([q[0]!, 2]));
      await device.write(Buffer.from([0x10, 0x20, 0xee])); // 0xee: noise after the frame
    })();
    const lengthPrefixedAfterAddr = (b: Buffer) => (b.length >= 2 && b.length >= 2 + b[1]! ? 2 + b[1]! : null);
    const reply = await lease.exclusive((h) => h.request(Buffer.from([7, 1, 0]), lengthPrefixedAfterAddr, 1_000));
    await answered;
    expect(reply).toEqual(Buffer.from([7, 2, 0x10, 0x20]));
  });

  it("request() times out when the device stays silent", async () => {
    const { pair, pool } = await setup();
    const lease = pool.acquire("relay-2", serial(pair.a));
    await whenState(lease, "open", { timeoutMs: 2_000 });
    await peer(pair.b);
    await expect(lease.exclusive((h) => h.request(Buffer.from([1]), () => null, 50))).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it("keeps trying while the port does not exist, and opens when it appears", async () => {
    const { pair, pool } = await setup();
    await pair.kill();
    const lease = pool.acquire("late-device", serial(pair.a));
    await new Promise((r) => setTimeout(r, 100));
    expect(lease.state).toBe("reopening");
    expect(lease.lastError?.message).toContain(`serial port ${pair.a} cannot be opened`);
    await expect(lease.handle!.write(Buffer.from("x"))).rejects.toBeInstanceOf(TransportNotOpenError);
    await pair.start();
    await whenState(lease, "open", { timeoutMs: 2_000 });
    expect(lease.lastError).toBeUndefined();
  });

  it("reopens the same path after the device is unplugged, without re-acquiring", async () => {
    const { pair, pool } = await setup();
    const lease = pool.acquire("wristband-gw", serial(pair.a));
    const states: LeaseState[] = [];
    lease.onStateChange((s) => states.push(s));
    await whenState(lease, "open", { timeoutMs: 2_000 });
    const inbound = collector(lease); // registered once, before the unplug
    let device = await peer(pair.b);
    await device.write("before");
    expect((await inbound.take(6)).toString()).toBe("before");

    await pair.kill(); // both links vanish, like a USB adapter pulled out
    await whenState(lease, "reopening", { timeoutMs: 2_000 });
    expect(lease.lastError?.message).toContain("lost");
    const writeWhileGone = lease.handle!.write(Buffer.from("lost?"));
    await expect(writeWhileGone).rejects.toThrow(/not open \(state reopening/);

    await pair.start(); // plugged back: same link names, new PTYs behind them
    await whenState(lease, "open", { timeoutMs: 3_000 });
    device = await peer(pair.b);
    await device.write("after");
    expect((await inbound.take(5)).toString()).toBe("after");
    await lease.handle!.write(Buffer.from("back"));
    expect((await device.read(4)).toString()).toBe("back");
    expect(states).toEqual(["open", "reopening", "open"]);
    expect(pool.status()).toEqual([{ key: pair.a, kind: "serial", state: "open", holders: ["wristband-gw"] }]);
  });
});
