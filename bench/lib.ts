/**
 * What the benchmarks share: CPU and wall time of one synchronous pass, medians, where results
 * go, and "am I the script being run".
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Wall time and this process's CPU time (user + system), in seconds: on a shared box the CPU figure is the steadier one. */
export interface Timing {
  wall: number;
  cpu: number;
}

export function measure(fn: () => void): Timing {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  fn();
  const cpu = process.cpuUsage(cpu0);
  return { wall: Number(process.hrtime.bigint() - wall0) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** The middle value (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "results");

/** Writes `bench/results/<name>`: objects as indented JSON, strings as they are. */
export function writeResult(name: string, content: object | string): string {
  const file = join(RESULTS_DIR, name);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(file, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

/** True when the module at `moduleUrl` is the script node was started with (not imported by another). */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}
