import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";

export const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = ["--import", "tsx", join(ROOT, "src/cli/main.ts")];

/** Runs the CLI to completion, as an installer would from a shell. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `custody-edge run` in the background; output is collected in `out()`. */
export function spawnDaemon(configFile: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; out(): string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...CLI, "run", "--config", configFile], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, out: () => out, exited };
}

/**
 * A copy of the demo site for a test: free ports, its own store, simulation as asked.
 * Returns the path of the written YAML.
 */
export function demoConfigCopy(overrides: { simulation?: boolean; devices?: boolean } = {}): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "edc-site-"));
  const doc = parse(readFileSync(join(ROOT, "config/demo-center.yaml"), "utf8")) as Record<string, any>;
  doc.localBroker = { ...(doc.localBroker ?? {}), port: 0 };
  doc.store = { path: join(dir, "state.db") };
  doc.simulation = { ...(doc.simulation ?? {}), enabled: overrides.simulation ?? false };
  if (overrides.devices === false) doc.devices = [];
  const file = join(dir, "site.yaml");
  writeFileSync(file, stringify(doc));
  return { file, dir };
}
