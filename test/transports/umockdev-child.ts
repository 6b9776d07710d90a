/**
 * Runs inside `umockdev-run` (faked /sys and /dev, PROTOCOLS.md §6, §7) and prints one JSON
 * line for umockdev.test.ts: the real node-hid and onoff packages, driven through the pool.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createLogger } from "../../src/core/logger.js";
import { nodeHid } from "../../src/transports/hid.js";
import { onoff } from "../../src/transports/gpio-onoff.js";
import { TransportPool } from "../../src/transports/pool.js";
import { whenState } from "../../src/transports/when-state.js";

const pool = new TransportPool({ log: createLogger({ level: "silent" }), reopen: { initialMs: 20, maxMs: 50 } });

async function badgeReader(expectBytes: number): Promise<Record<string, unknown>> {
  const lease = pool.acquire("badge-reader", { kind: "hid", vendorId: 0xffff, productId: 0x0035 });
  const chunks: Buffer[] = [];
  lease.onData!((c) => chunks.push(c));
  await whenState(lease, "open", { timeoutMs: 3_000 });
  const until = Date.now() + 3_000;
  while (Buffer.concat(chunks).length < expectBytes && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return { state: lease.state, key: lease.key, data: Buffer.concat(chunks).toString("hex"), loads: nodeHid.loadCount };
}

/** The sysfs files a Pi 5 kernel (6.6) would show for gpiochip0 (base 512) with line 17 exported. */
async function fakeGpioSysfs(root: string): Promise<string> {
  const cls = join(root, "sys/class/gpio");
  await mkdir(join(cls, "gpiochip512"), { recursive: true });
  await writeFile(join(cls, "gpiochip512/base"), "512\n");
  await writeFile(join(cls, "gpiochip512/label"), "pinctrl-rp1\n");
  await mkdir(join(root, "sys/bus/gpio/devices/gpiochip0/gpio/gpiochip512"), { recursive: true });
  await writeFile(join(root, "sys/bus/gpio/devices/gpiochip0/gpio/gpiochip512/base"), "512\n");
  await writeFile(join(cls, "export"), "");
  await writeFile(join(cls, "unexport"), "");
  const line = join(cls, "gpio529");
  await mkdir(line, { recursive: true });
  for (const [f, v] of [["direction", "in"], ["value", "0"], ["edge", "none"], ["active_low", "0"]] as const) await writeFile(join(line, f), `${v}\n`);
  return cls;
}

async function relay(): Promise<Record<string, unknown>> {
  const cls = await fakeGpioSysfs(process.env.UMOCKDEV_DIR!);
  const lease = pool.acquire("door-strike", { kind: "gpio", chip: "gpiochip0" });
  await whenState(lease, "open", { timeoutMs: 3_000 });
  const strike = await lease.handle!.open(17, "out");
  await strike.write(1);
  const value = (await readFile(join(cls, "gpio529/value"), "utf8")).trim();
  const direction = (await readFile(join(cls, "gpio529/direction"), "utf8")).trim();
  const readBack = await strike.read();
  await lease.release(); // closes the line: unexport
  const unexported = (await readFile(join(cls, "unexport"), "utf8")).trim();
  return { value, direction, readBack, unexported, loads: onoff.loadCount };
}

const [mode, expectBytes] = process.argv.slice(2);
try {
  const result = mode === "hid" ? await badgeReader(Number(expectBytes)) : await relay();
  process.stdout.write(JSON.stringify(result) + "\n");
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + "\n");
} finally {
  await pool.closeAll(2_000);
}
