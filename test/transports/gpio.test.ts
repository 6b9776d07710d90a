import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { NotReadyError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import type { GpioValue } from "../../src/transports/gpio.js";
import { MemoryGpioBackend } from "../../src/transports/gpio-memory.js";
import { onoff, sysfsChipBase } from "../../src/transports/gpio-onoff.js";
import { TransportPool } from "../../src/transports/pool.js";
import { whenState } from "../../src/transports/when-state.js";

const log = createLogger({ level: "silent" });
const pools: TransportPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.closeAll(1_000);
});

function poolWith(backend: MemoryGpioBackend): TransportPool {
  const pool = new TransportPool({ log, gpioBackend: () => backend, reopen: { initialMs: 10, maxMs: 20 } });
  pools.push(pool);
  return pool;
}

describe("GPIO lease on the in-memory backend", () => {
  it("drives an output and reads it back", async () => {
    const chip = new MemoryGpioBackend();
    const lease = poolWith(chip).acquire("door-1-strike", { kind: "gpio", chip: "gpiochip0" });
    await whenState(lease, "open", { timeoutMs: 1_000 });
    const relay = await lease.handle!.open(17, "out");
    await relay.write(1);
    expect(chip.get(17)).toBe(1);
    expect(await relay.read()).toBe(1);
    await relay.write(0);
    expect(chip.get(17)).toBe(0);
  });

  it("watchers fire on their edge only", async () => {
    const chip = new MemoryGpioBackend();
    const lease = poolWith(chip).acquire("door-1-contact", { kind: "gpio", chip: "gpiochip0" });
    await whenState(lease, "open", { timeoutMs: 1_000 });
    const both: GpioValue[] = [];
    const rising: GpioValue[] = [];
    (await lease.handle!.open(22, "in", "both")).watch((v) => both.push(v));
    const stopRising = (await lease.handle!.open(22, "in", "rising")).watch((v) => rising.push(v));
    chip.set(22, 1); // door opens
    chip.set(22, 1); // no edge: same level
    chip.set(22, 0);
    stopRising();
    chip.set(22, 1);
    expect(both).toEqual([1, 0, 1]);
    expect(rising).toEqual([1]);
  });

  it("refuses to write an input line", async () => {
    const chip = new MemoryGpioBackend();
    const lease = poolWith(chip).acquire("rex", { kind: "gpio", chip: "gpiochip0" });
    await whenState(lease, "open", { timeoutMs: 1_000 });
    const button = await lease.handle!.open(5, "in", "falling");
    await expect(button.write(1)).rejects.toThrow(/input/);
  });

  it("closes the lines a driver left open when the chip's last lease goes", async () => {
    const chip = new MemoryGpioBackend();
    const lease = poolWith(chip).acquire("door-2", { kind: "gpio", chip: "gpiochip0" });
    await whenState(lease, "open", { timeoutMs: 1_000 });
    const seen: GpioValue[] = [];
    (await lease.handle!.open(4, "in", "both")).watch((v) => seen.push(v));
    await lease.release();
    chip.set(4, 1);
    expect(seen).toEqual([]);
    await expect(lease.handle!.open(4, "in")).rejects.toThrow(/not open/);
  });
});

describe("sysfs GPIO (onoff backend)", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  /** A /sys tree as a Raspberry Pi 5 on kernel 6.6 shows it: gpiochip0 is sysfs gpiochip512. */
  async function fakeSys(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), "fake-sys-"));
    dirs.push(root);
    const chips = [
      { dev: "gpiochip0", base: 512, label: "pinctrl-rp1" },
      { dev: "gpiochip10", base: 566, label: "gpio-brcmstb@107d508500" },
    ];
    for (const c of chips) {
      const classDir = join(root, "class/gpio", `gpiochip${c.base}`);
      await mkdir(classDir, { recursive: true });
      await writeFile(join(classDir, "base"), `${c.base}\n`);
      await writeFile(join(classDir, "label"), `${c.label}\n`);
      const devDir = join(root, "devices/platform", c.dev);
      await mkdir(join(devDir, "gpio"), { recursive: true });
      await symlink(classDir, join(devDir, "gpio", `gpiochip${c.base}`));
      await mkdir(join(root, "bus/gpio/devices"), { recursive: true });
      await symlink(devDir, join(root, "bus/gpio/devices", c.dev));
    }
    return root;
  }

  it("finds a chip's global base by /dev name or by label, never assuming 0", async () => {
    const sys = await fakeSys();
    expect(await sysfsChipBase("gpiochip0", sys)).toBe(512);
    expect(await sysfsChipBase("gpiochip10", sys)).toBe(566);
    expect(await sysfsChipBase("pinctrl-rp1", sys)).toBe(512);
    await expect(sysfsChipBase("gpiochip4", sys)).rejects.toThrow(/GPIO chip "gpiochip4" not found .*pinctrl-rp1/);
  });

  it("without sysfs GPIO the lease stays reopening with a reason; onoff loads only then", async () => {
    expect(onoff.loadCount).toBe(0);
    const pool = new TransportPool({ log, reopen: { initialMs: 10, maxMs: 20 } });
    pools.push(pool);
    // A chip no host has: on a board with sysfs GPIO the failure is the lookup, elsewhere access.
    const lease = pool.acquire("relay-board", { kind: "gpio", chip: "no-such-chip" });
    await expect.poll(() => lease.lastError).toBeInstanceOf(NotReadyError);
    expect(onoff.loadCount).toBe(1);
    expect(lease.state).toBe("reopening");
    expect(lease.lastError!.message).toMatch(/sysfs GPIO is not accessible|GPIO chip "no-such-chip" not found/);
  });
});
