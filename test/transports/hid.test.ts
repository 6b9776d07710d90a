import { afterEach, describe, expect, it } from "vitest";
import { NotReadyError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import { MemoryGpioBackend } from "../../src/transports/gpio-memory.js";
import { hidLoadError, nodeHid, type NodeHidModule } from "../../src/transports/hid.js";
import { lazyModule } from "../../src/transports/lazy-module.js";
import { TransportPool } from "../../src/transports/pool.js";
import { whenState } from "../../src/transports/when-state.js";

const log = createLogger({ level: "silent" });
const reopen = { initialMs: 10, maxMs: 20 };

const pools: TransportPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.closeAll(1_000);
});

function newPool(extra: Partial<ConstructorParameters<typeof TransportPool>[0]> = {}): TransportPool {
  const pool = new TransportPool({ log, reopen, gpioBackend: () => new MemoryGpioBackend(), ...extra });
  pools.push(pool);
  return pool;
}

// Order matters in this file: the first test proves node-hid was never imported before.
describe("HID transport: node-hid is loaded lazily", () => {
  it("does not import node-hid while no HID device is configured", async () => {
    const pool = newPool();
    expect(pool.acquire("sim", { kind: "none" })).toBeNull();
    const gpio = pool.acquire("door", { kind: "gpio", chip: "gpiochip0" });
    await whenState(gpio, "open", { timeoutMs: 1_000 });
    await pool.closeAll(1_000);
    expect(nodeHid.loadCount).toBe(0);
  });

  it("imports node-hid once, on the first HID lease, and retries a missing reader with backoff", async () => {
    const pool = newPool();
    const a = pool.acquire("badge-1", { kind: "hid", vendorId: 0xffff, productId: 0x0035 });
    const b = pool.acquire("badge-2", { kind: "hid", vendorId: 0xffff, productId: 0x0035 });
    expect(a.key).toBe("hid:ffff:0035");
    expect(b.handle).toBe(a.handle);
    await expect.poll(() => a.lastError?.message).toMatch(/HID device hid:ffff:0035 cannot be opened/);
    expect(a.state).toBe("reopening");
    expect(nodeHid.loadCount).toBe(1);
    await expect(a.handle!.write([0, 1])).rejects.toThrow(/not open \(state reopening/);
    pool.acquire("badge-3", { kind: "hid", vendorId: 0x1234, productId: 0x5678, path: "/dev/hidraw9" });
    await new Promise((r) => setTimeout(r, 60)); // several reopen attempts
    expect(nodeHid.loadCount).toBe(1);
  });

  it("a host without libusb gets a NotReadyError naming the install command; nothing else is affected", async () => {
    let imports = 0;
    const broken = lazyModule<NodeHidModule>(async () => {
      imports++;
      throw new Error("libusb-1.0.so.0: cannot open shared object file: No such file or directory");
    }, hidLoadError);
    const pool = newPool({ hidLoader: () => broken.load() });
    const reader = pool.acquire("badge", { kind: "hid", vendorId: 1, productId: 2 });
    const door = pool.acquire("door", { kind: "gpio", chip: "gpiochip0" });
    await whenState(door, "open", { timeoutMs: 1_000 });
    await expect.poll(() => reader.lastError).toBeInstanceOf(NotReadyError);
    expect(reader.state).toBe("reopening");
    expect(reader.lastError!.message).toContain("apt-get install -y libusb-1.0-0");
    expect(reader.lastError!.message).toContain("libusb-1.0.so.0");
    await new Promise((r) => setTimeout(r, 60));
    expect(imports).toBe(1); // a failed import is final for the process; retries do not re-import
    const err = await whenState(reader, "open", { timeoutMs: 20 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/not open after 20 ms \(state reopening\): node-hid cannot be loaded/);
  });
});
