/**
 * Runs inside `umockdev-run` and prints one JSON line for umockdev.test.ts: the gpio-io driver
 * from the built-in registry, started by the supervisor on a pooled lease whose backend is the
 * real onoff over a faked sysfs (Pi kernel ≥ 6.6: gpiochip0 at base 512).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fakeGpioSysfs } from "../helpers/umockdev.js";
import { supervisedDevices } from "../helpers/supervised.js";

const STRIKE = 17;
const SIREN = 22;
const CONTACT = 27;

const { pool, supervisor, messages, device: configured } = supervisedDevices();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const end = Date.now() + 3_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

try {
  const cls = await fakeGpioSysfs(process.env.UMOCKDEV_DIR!, { name: "gpiochip0", base: 512, label: "pinctrl-rp1", lines: [STRIKE, SIREN, CONTACT] });
  const file = (line: number, name: string) => join(cls, `gpio${512 + line}`, name);
  const files = async (line: number) => Object.fromEntries(await Promise.all(["direction", "value", "edge"].map(async (n) => [n, (await readFile(file(line, n), "utf8")).trim()])));
  await writeFile(file(CONTACT, "value"), "1\n"); // door closed: the reed contact pulls the line high

  const options = {
    outputs: { strike: { line: STRIKE }, siren: { line: SIREN, activeLow: true } },
    inputs: { contact: { line: CONTACT, debounceMs: 20 } },
    pollMs: 50,
  };
  const device = configured({ id: "io-1", driver: "gpio-io", transport: { kind: "gpio", chip: "gpiochip0" }, options });
  await supervisor.startAll([device]);
  await until(() => supervisor.status()[0]!.state === "running", "the driver running");
  const afterStart = { strike: await files(STRIKE), siren: await files(SIREN), contact: await files(CONTACT) };

  const command = await supervisor.command("io-1", { id: "c1", values: { strike: "pulse", ms: 200 }, origin: "operator", requestedBy: "op-1", reason: "release", deadline: Date.now() + 1_000 });
  const strikeDuringPulse = (await files(STRIKE)).value;
  await until(async () => (await files(STRIKE)).value === "0", "the pulse to end");

  await writeFile(file(CONTACT, "value"), "0\n"); // door opened
  await until(() => messages.some((m) => m.type === "event" && m.name === "input_changed"), "the contact change");

  await supervisor.command("io-1", { id: "c2", values: { siren: "on" }, origin: "rule", requestedBy: "R17", reason: "escape", deadline: Date.now() + 1_000 });
  const sirenOn = (await files(SIREN)).value;
  await supervisor.stopAll(1_000);
  const afterStop = { strike: (await files(STRIKE)).value, siren: (await files(SIREN)).value, unexport: (await readFile(join(cls, "unexport"), "utf8")).trim() };
  process.stdout.write(JSON.stringify({ afterStart, command, strikeDuringPulse, sirenOn, afterStop, messages }) + "\n");
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + "\n");
} finally {
  await pool.closeAll(2_000);
}
