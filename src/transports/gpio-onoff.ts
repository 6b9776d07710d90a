import { opendir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { NotReadyError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { GpioBackend, GpioDirection, GpioEdge, GpioLine, GpioValue } from "./gpio.js";
import { lazyModule, type LazyModule } from "./lazy-module.js";

export type OnoffModule = Pick<typeof import("onoff"), "Gpio">;

/** onoff pulls in the native epoll addon; import it only when a GPIO lease opens. */
export const onoff: LazyModule<OnoffModule> = lazyModule<OnoffModule>(
  () => import("onoff"),
  (why) => new NotReadyError(`onoff cannot be loaded (${why}); it needs the epoll addon built (python3, make, g++)`),
);

/**
 * Global sysfs number of line 0 of `chip`. Since kernel 6.6 the Raspberry Pi header chip
 * starts at 512 (571 on early Pi 5 kernels), so `echo 17 > export` fails with EINVAL; the base
 * has to be read, never assumed. `chip` is a /dev name ("gpiochip0") or a label ("pinctrl-rp1").
 */
export async function sysfsChipBase(chip: string, sysRoot = "/sys"): Promise<number> {
  const classDir = join(sysRoot, "class/gpio");
  const readNum = async (dir: string) => Number((await readFile(join(dir, "base"), "utf8")).trim());
  // The chip device lists its sysfs class entry (gpiochip<base>) under gpio/.
  const devGpio = join(sysRoot, "bus/gpio/devices", chip, "gpio");
  const viaDevice = (await listDir(devGpio)).find((n) => n.startsWith("gpiochip"));
  if (viaDevice) return readNum(join(devGpio, viaDevice));
  const labels: string[] = [];
  for (const entry of await listDir(classDir)) {
    if (!entry.startsWith("gpiochip")) continue;
    const label = (await readFile(join(classDir, entry, "label"), "utf8").catch(() => "")).trim();
    if (label === chip) return readNum(join(classDir, entry));
    labels.push(label || entry);
  }
  throw new NotReadyError(`GPIO chip "${chip}" not found in ${classDir} (chips: ${labels.join(", ") || "none"})`);
}

/** Directory names, or [] when it is missing. opendir, not scandir: umockdev's fake /sys only wraps the former. */
async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of await opendir(path)) names.push(entry.name);
  } catch {
    return [];
  }
  return names.sort();
}

/**
 * The sysfs GPIO backend through onoff. sysfs is deprecated; this stays until a libgpiod
 * backend replaces it behind the same GpioBackend interface.
 */
export class OnoffGpioBackend implements GpioBackend {
  readonly name = "onoff";
  private base: number | null = null;
  private mod: OnoffModule | null = null;

  constructor(
    readonly chip: string,
    private readonly log: Logger,
    private readonly opts: { sysRoot?: string; load?: () => Promise<OnoffModule> } = {},
  ) {}

  async ready(): Promise<void> {
    const mod = await (this.opts.load ?? (() => onoff.load()))();
    if (!mod.Gpio.accessible) {
      throw new NotReadyError("sysfs GPIO is not accessible (/sys/class/gpio/export cannot be opened): run on a kernel with GPIO sysfs, as a member of group gpio");
    }
    this.base = await sysfsChipBase(this.chip, this.opts.sysRoot);
    this.mod = mod;
  }

  async open(line: number, direction: GpioDirection, edge: GpioEdge): Promise<GpioLine> {
    if (!this.mod || this.base === null) await this.ready();
    const gpio = new this.mod!.Gpio(this.base! + line, direction, edge);
    return {
      read: () => gpio.read(),
      write: (v) => gpio.write(v),
      watch: (cb) => {
        const w = (err: Error | null | undefined, v: GpioValue) => {
          if (err) this.log.warn({ err, line }, "GPIO watch error");
          else cb(v);
        };
        gpio.watch(w);
        return () => gpio.unwatch(w);
      },
      close: async () => {
        gpio.unwatchAll();
        gpio.unexport();
      },
    };
  }
}
