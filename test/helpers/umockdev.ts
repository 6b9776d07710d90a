import { spawn, spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Driving real node-hid / onoff against devices faked by umockdev (PROTOCOLS.md §6, §7). The
 * LD_PRELOAD testbed must be in place at process start, so the code under test runs in a child
 * (`node --import tsx <child> …`) that prints its result as the last line of stdout, in JSON.
 */
export const UMOCKDEV_INSTALL = "apt-get install -y umockdev libusb-1.0-0";

/** Fails (never skips) on a host without umockdev, naming the install command. */
export function requireUmockdev(): void {
  if (spawnSync("umockdev-run", ["--help"], { stdio: "ignore" }).error) throw new Error(`umockdev-run not found: ${UMOCKDEV_INSTALL}`);
}

/** A umockdev script byte: below 0x20 as a caret escape (^@ = 0x00), '^' itself as ^`. */
const escape = (b: number): string => (b < 0x20 ? `^${String.fromCharCode(b + 0x40)}` : b === 0x5e ? "^`" : String.fromCharCode(b));

/**
 * A script of one `r` read per report on `dev`. umockdev feeds a stream: reads the client has not
 * collected yet arrive coalesced, and delays are not kept exactly, so tests must not depend on timing.
 */
export function readScript(dev: string, reports: readonly Uint8Array[]): string {
  return [`d 0 ${dev}`, ...reports.map((r) => `r 3 ${[...r].map(escape).join("")}`)].join("\n") + "\n";
}

/** Runs `child` under `umockdev-run <umockdevArgs>` and resolves with its JSON result line. */
export function runUnderUmockdev<T = Record<string, unknown>>(umockdevArgs: readonly string[], child: string, childArgs: readonly string[], timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn("umockdev-run", [...umockdevArgs, "--", process.execPath, "--import", "tsx", child, ...childArgs], { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on("data", (d: Buffer) => out.push(d));
    proc.stderr.on("data", (d: Buffer) => err.push(d));
    const killer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    proc.on("error", reject);
    proc.on("close", (code) => {
      clearTimeout(killer);
      const text = Buffer.concat(out).toString();
      try {
        resolve(JSON.parse(text.trim().split("\n").pop() ?? "") as T);
      } catch {
        reject(new Error(`umockdev child exited ${code} without a JSON result:\n${text}${Buffer.concat(err).toString()}`));
      }
    });
  });
}

/**
 * Sysfs GPIO files as a kernel ≥ 6.6 shows them (global numbering: `chip` starts at `base`, e.g.
 * gpiochip0 at 512 on a Pi), written under umockdev's testbed root (`$UMOCKDEV_DIR`), which the
 * child sees as /sys. Lines appear already exported: writing `export` cannot create them there.
 * Returns the path of `class/gpio` inside the testbed.
 */
export async function fakeGpioSysfs(root: string, chip: { name: string; base: number; label: string; lines: readonly number[] }): Promise<string> {
  const cls = join(root, "sys/class/gpio");
  const entry = `gpiochip${chip.base}`;
  for (const dir of [join(cls, entry), join(root, "sys/bus/gpio/devices", chip.name, "gpio", entry)]) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "base"), `${chip.base}\n`);
    await writeFile(join(dir, "label"), `${chip.label}\n`);
  }
  await writeFile(join(cls, "export"), "");
  await writeFile(join(cls, "unexport"), "");
  for (const line of chip.lines) {
    const dir = join(cls, `gpio${chip.base + line}`);
    await mkdir(dir, { recursive: true });
    for (const [file, value] of [["direction", "in"], ["value", "0"], ["edge", "none"], ["active_low", "0"]] as const) await writeFile(join(dir, file), `${value}\n`);
  }
  return cls;
}
