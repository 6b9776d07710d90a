import { SerialPort } from "serialport";
import { describe, expect, it } from "vitest";
import { FatalDriverError } from "../../src/core/errors.js";
import { MemoryGpioBackend } from "../../src/transports/gpio-memory.js";
import { TransportPool } from "../../src/transports/pool.js";
import { whenState } from "../../src/transports/when-state.js";
import { freePort, startMosquitto } from "../helpers/mosquitto.js";
import { devicePeer, onCleanup, ptyAndPool as setup, serialConfig as serial, silentLog } from "./serial-fixture.js";

const log = silentLog;

/** serialport locks the port it opens; a second opener fails while anyone holds it. */
async function canOpenExclusively(path: string): Promise<boolean> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  const err = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e)));
  if (err) return false;
  await new Promise((r) => port.close(r));
  return true;
}

/** Live libuv handles and timers by type (Timeout, TCPSocketWrap …). */
function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

describe("TransportPool", () => {
  it("shares one port between two leases and closes it on the last release", async () => {
    const { pair, pool } = await setup();
    const a = pool.acquire("osdp-reader-1", serial(pair.a));
    const b = pool.acquire("osdp-reader-2", serial(pair.a));
    expect(a.handle).toBe(b.handle);
    await whenState(a, "open", { timeoutMs: 2_000 });
    expect(b.state).toBe("open");
    expect(pool.status()).toEqual([{ key: pair.a, kind: "serial", state: "open", holders: ["osdp-reader-1", "osdp-reader-2"] }]);

    const device = await devicePeer(pair.b);
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    a.onData!((c) => seenByA.push(c.toString()));
    b.onData!((c) => seenByB.push(c.toString()));
    await device.write("x");
    await expect.poll(() => seenByA.join("") + seenByB.join("")).toBe("xx");

    await a.release();
    expect(a.state).toBe("closed");
    expect(b.state).toBe("open");
    expect(await canOpenExclusively(pair.a)).toBe(false); // b still holds it
    await device.write("y");
    await expect.poll(() => seenByB.join("")).toBe("xy");
    expect(seenByA.join("")).toBe("x"); // a's listener went with its release

    await b.release();
    await b.release(); // idempotent
    expect(pool.status()).toEqual([]);
    expect(await canOpenExclusively(pair.a)).toBe(true);
  });

  it("opens a fresh connection when acquired again after the last release", async () => {
    const { pair, pool } = await setup();
    const first = pool.acquire("dev", serial(pair.a));
    await whenState(first, "open", { timeoutMs: 2_000 });
    const releasing = first.release();
    const again = pool.acquire("dev", serial(pair.a)); // before the old close finished
    await releasing;
    await whenState(again, "open", { timeoutMs: 2_000 });
    const device = await devicePeer(pair.b);
    await again.handle!.write(Buffer.from("hello"));
    expect((await device.read(5)).toString()).toBe("hello");
  });

  it("refuses a second device that wants other line settings on the same port", async () => {
    const { pair, pool } = await setup();
    pool.acquire("modbus-1", serial(pair.a, 9600));
    expect(() => pool.acquire("modbus-2", serial(pair.a, 19200))).toThrow(FatalDriverError);
    expect(() => pool.acquire("modbus-2", serial(pair.a, 19200))).toThrow(/wants .* at 19200 8N1, but it is open at 9600 8N1 for modbus-1/);
  });

  it("returns null for transport none and needs a broker URL for mqtt", () => {
    const pool = new TransportPool({ log });
    expect(pool.acquire("sim-1", { kind: "none" })).toBeNull();
    expect(() => pool.acquire("mqtt-dev", { kind: "mqtt" })).toThrow(/local broker URL/);
  });

  it("leases of one bus share one request queue; a release drops only its own queued requests", async () => {
    const gpio = new MemoryGpioBackend();
    const pool = new TransportPool({ log, gpioBackend: () => gpio });
    onCleanup(() => pool.closeAll(1_000));
    const a = pool.acquire("door-1", { kind: "gpio", chip: "gpiochip0" });
    const b = pool.acquire("door-2", { kind: "gpio", chip: "gpiochip0" });
    await whenState(a, "open", { timeoutMs: 1_000 });
    let unblock!: () => void;
    const order: string[] = [];
    const first = a.exclusive(() => new Promise<void>((r) => (unblock = r)).then(() => void order.push("a1")));
    const dropped = b.exclusive(async () => void order.push("b1"));
    const kept = a.exclusive(async () => void order.push("a2"));
    await new Promise((r) => setImmediate(r));
    await b.release();
    await expect(dropped).rejects.toThrow(/not open \(state closed/);
    unblock();
    await Promise.all([first, kept]);
    expect(order).toEqual(["a1", "a2"]);
    await expect(b.exclusive(async () => 1)).rejects.toThrow(/closed/);
  });

  it("closeAll closes everything, even leases nobody released, and refuses new ones", async () => {
    const { pair, pool } = await setup();
    const lease = pool.acquire("dev", serial(pair.a));
    const states: string[] = [];
    lease.onStateChange((s) => states.push(s));
    await whenState(lease, "open", { timeoutMs: 2_000 });
    expect(await pool.closeAll(2_000)).toEqual({ timedOut: [] });
    expect(states).toEqual(["open", "closed"]);
    expect(await canOpenExclusively(pair.a)).toBe(true);
    expect(() => pool.acquire("dev", serial(pair.a))).toThrow(/shut down/);
    await lease.release(); // late release after shutdown is harmless
  });

  it("closeAll stops a port that is still waiting to reopen", async () => {
    const { pair, pool } = await setup();
    await pair.kill();
    const lease = pool.acquire("dev", serial(pair.a));
    await new Promise((r) => setTimeout(r, 50));
    expect(lease.state).toBe("reopening");
    expect(await pool.closeAll(1_000)).toEqual({ timedOut: [] });
    expect(lease.state).toBe("closed");
  });

  it("closeAll leaves no timer or socket behind, whatever state each transport was in", async () => {
    const { pair } = await setup();
    const broker = await startMosquitto();
    onCleanup(() => broker.stop());
    const deadBrokerUrl = `mqtt://127.0.0.1:${await freePort()}`;
    await new Promise((r) => setTimeout(r, 20));
    const before = resourceCounts();

    const pool = new TransportPool({ log, mqttUrl: broker.url, mqttReconnectPeriodMs: 50, reopen: { initialMs: 10, maxMs: 20 }, gpioBackend: () => new MemoryGpioBackend(), hidLoader: async () => { throw new Error("no libusb here"); } });
    const reconnecting = new TransportPool({ log, mqttUrl: deadBrokerUrl, mqttReconnectPeriodMs: 50 });
    const open = pool.acquire("serial-open", serial(pair.a));
    const missing = pool.acquire("serial-missing", serial(`${pair.a}-absent`));
    const mqtt = pool.acquire("mqtt-dev", { kind: "mqtt" });
    pool.acquire("badge", { kind: "hid", vendorId: 1, productId: 2 });
    pool.acquire("door", { kind: "gpio", chip: "gpiochip0" });
    const dead = reconnecting.acquire("mqtt-dead", { kind: "mqtt" });
    await Promise.all([whenState(open, "open", { timeoutMs: 2_000 }), whenState(mqtt, "open", { timeoutMs: 2_000 })]);
    mqtt.handle!.subscribe("a/#", () => {});
    await new Promise((r) => setTimeout(r, 120)); // retries and reconnects are under way
    expect(missing.state).toBe("reopening");
    expect(dead.state).toBe("reopening");

    expect(await pool.closeAll(2_000)).toEqual({ timedOut: [] });
    expect(await reconnecting.closeAll(2_000)).toEqual({ timedOut: [] });
    await new Promise((r) => setTimeout(r, 20));
    const after = resourceCounts();
    for (const [kind, n] of Object.entries(after)) expect({ kind, n }).toEqual({ kind, n: Math.min(n, before[kind] ?? 0) });
  });
});
