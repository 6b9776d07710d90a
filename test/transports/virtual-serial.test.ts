import { describe, expect, it } from "vitest";
import type { LeaseState } from "../../src/transports/lease.js";
import { TransportPool } from "../../src/transports/pool.js";
import { virtualSerialPorts, type VirtualSerialDevice } from "../../src/transports/virtual-serial.js";
import { whenState } from "../../src/transports/when-state.js";
import { onCleanup, serialConfig as serial, silentLog } from "./serial-fixture.js";

/** `sim:<name>` paths: the pool opens an in-process line through the same SerialConnection as a real port. */

function pool(): TransportPool {
  const p = new TransportPool({ log: silentLog, reopen: { initialMs: 20, maxMs: 100 } });
  onCleanup(() => p.closeAll(2_000));
  return p;
}

/** A device end that records what the host wrote. */
function device(path: string): { end: VirtualSerialDevice; received: () => Buffer } {
  const chunks: Buffer[] = [];
  const end = virtualSerialPorts.attach(path, (c) => chunks.push(c));
  onCleanup(async () => end.detach());
  return { end, received: () => Buffer.concat(chunks) };
}

async function until(cond: () => boolean, what: string, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("virtual serial ports (sim:<name>)", () => {
  it("carries bytes both ways, and request() gets the device's reply frame", async () => {
    const dev = device("sim:echo");
    const lease = pool().acquire("dev-1", serial("sim:echo"));
    await whenState(lease, "open", { timeoutMs: 2_000 });
    const inbound: Buffer[] = [];
    lease.onData!((c) => inbound.push(c));

    await lease.handle!.write(Buffer.from("PING"));
    await until(() => dev.received().toString() === "PING", "PING at the device");
    dev.end.write(Buffer.from([0x53, 0x00]));
    await until(() => Buffer.concat(inbound).equals(Buffer.from([0x53, 0x00])), "bytes at the host");

    // A device that answers every byte with [byte, 1, byte+1]; extra noise after the frame is dropped.
    const answering = virtualSerialPorts.attach("sim:answer", (c) => answering.write(Buffer.from([c[0]!, 1, c[0]! + 1, 0xee])));
    onCleanup(async () => answering.detach());
    const l2 = pool().acquire("dev-2", serial("sim:answer"));
    await whenState(l2, "open", { timeoutMs: 2_000 });
    const reply = await l2.exclusive((h) => h.request(Buffer.from([7]), (b) => (b.length >= 2 && b.length >= 2 + b[1]! ? 2 + b[1]! : null), 500));
    expect(reply).toEqual(Buffer.from([7, 1, 8]));
  });

  it("a path with no device attached is an absent port: reopening, retried, open once a device attaches", async () => {
    const lease = pool().acquire("late", serial("sim:late"));
    await new Promise((r) => setTimeout(r, 80));
    expect(lease.state).toBe("reopening");
    expect(lease.lastError?.message).toContain("no simulated device is attached to sim:late");
    device("sim:late");
    await whenState(lease, "open", { timeoutMs: 2_000 });
    expect(lease.lastError).toBeUndefined();
  });

  it("detaching the device unplugs the port; attaching again plugs it back without re-acquiring", async () => {
    const p = pool();
    let dev = device("sim:plug");
    const lease = p.acquire("plugged", serial("sim:plug"));
    const states: LeaseState[] = [];
    lease.onStateChange((s) => states.push(s));
    await whenState(lease, "open", { timeoutMs: 2_000 });

    dev.end.detach();
    await whenState(lease, "reopening", { timeoutMs: 2_000 });
    expect(lease.lastError?.message).toMatch(/lost: .*detached/);
    await new Promise((r) => setTimeout(r, 60)); // a few failed reopens
    expect(lease.state).toBe("reopening");

    dev = device("sim:plug");
    await whenState(lease, "open", { timeoutMs: 2_000 });
    await lease.handle!.write(Buffer.from("back"));
    await until(() => dev.received().toString() === "back", "bytes after replug");
    expect(states).toEqual(["open", "reopening", "open"]);
    expect(p.status()).toEqual([{ key: "sim:plug", kind: "serial", state: "open", holders: ["plugged"] }]);
  });

  it("several devices on one line all hear the host (RS-485 multi-drop), and one leaving does not unplug the line", async () => {
    const a = device("sim:bus");
    const b = device("sim:bus");
    const lease = pool().acquire("master", serial("sim:bus"));
    await whenState(lease, "open", { timeoutMs: 2_000 });
    await lease.handle!.write(Buffer.from("all"));
    await until(() => a.received().toString() === "all" && b.received().toString() === "all", "both devices");
    a.end.detach();
    await new Promise((r) => setTimeout(r, 30));
    expect(lease.state).toBe("open");
    expect(virtualSerialPorts.paths()).toContain("sim:bus");
  });

  it("rejects attaching to a path that is not sim:<name>", () => {
    expect(() => virtualSerialPorts.attach("/dev/ttyUSB0", () => {})).toThrow(/not a virtual serial path/);
    expect(() => virtualSerialPorts.attach("sim:", () => {})).toThrow(/not a virtual serial path/);
  });
});
