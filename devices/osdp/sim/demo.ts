import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { SiteConfig } from "../../../src/config/schema.js";
import type { Logger } from "../../../src/core/logger.js";
import { OsdpOptions, type OsdpPdOptions } from "../definition.js";
import { resolveScbk } from "../scbk.js";
import { encodeWiegand } from "../wiegand.js";
import { PdBus } from "./pd-bus.js";
import { PdSimulator } from "./pd-simulator.js";

export interface OsdpSimulation {
  /** The serial paths now served by simulated buses. */
  readonly paths: readonly string[];
  stop(): Promise<void>;
}

export interface OsdpSimulationOptions {
  config: Pick<SiteConfig, "devices">;
  log: Logger;
  /** Mean time between simulated card reads per bus (default 30 s). */
  cardEveryMs?: number;
  /** How long a door stays open after its strike was released (default 3 s). */
  doorOpenMs?: number;
  random?: () => number;
}

const TICK_MS = 200;

/**
 * Demo mode: every enabled `osdp` device on a serial path gets a simulated bus. socat makes the
 * path one end of a PTY pair (the daemon opens it like a USB RS-485 adapter) and `<path>.pd`
 * the other, where simulated PDs answer with the configured addresses, keys, inputs and
 * outputs. A door opens for a few seconds after its strike is released, and now and then a
 * card is read. Paths that already exist (a real adapter) are left alone.
 */
export async function startOsdpSimulation(opts: OsdpSimulationOptions): Promise<OsdpSimulation> {
  const random = opts.random ?? Math.random;
  const byPath = new Map<string, OsdpPdOptions[]>();
  for (const d of opts.config.devices) {
    if (!d.enabled || d.driver !== "osdp" || d.transport.kind !== "serial") continue;
    const parsed = OsdpOptions.safeParse(d.options);
    if (!parsed.success) continue; // the config loader reports it
    byPath.set(d.transport.path, [...(byPath.get(d.transport.path) ?? []), ...parsed.data.pds]);
  }
  if (byPath.size > 0 && spawnSync("socat", ["-V"], { stdio: "ignore" }).error) throw new Error("socat not found: apt-get install -y socat");
  const running: { path: string; socat: ChildProcess; bus: PdBus; timers: NodeJS.Timeout[] }[] = [];
  for (const [path, pds] of byPath) {
    if (existsSync(path)) {
      opts.log.warn({ path }, "OSDP simulation skipped: the serial path exists (a real adapter?)");
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    const socat = spawn("socat", [`pty,raw,echo=0,link=${path}`, `pty,raw,echo=0,link=${path}.pd`], { stdio: "ignore" });
    await waitForPaths([path, `${path}.pd`], socat);
    const sims = pds.map((pd) => simulatorFor(pd, opts.doorOpenMs ?? 3000));
    const bus = new PdBus(`${path}.pd`, sims.map((s) => s.sim));
    await bus.open();
    const timers = [setInterval(() => sims.forEach((s) => s.tick(Date.now())), TICK_MS)];
    const withReader = sims.filter((s) => s.pd.readers.length > 0);
    if (withReader.length) {
      timers.push(setInterval(() => withReader[Math.floor(random() * withReader.length)]!.swipe(1 + Math.floor(random() * 60000)), opts.cardEveryMs ?? 30_000));
    }
    running.push({ path, socat, bus, timers });
    opts.log.info({ path, pds: pds.map((p) => `${p.name}@${p.address}`) }, "OSDP bus simulated");
  }
  return {
    paths: running.map((r) => r.path),
    async stop() {
      for (const r of running.splice(0)) {
        r.timers.forEach(clearInterval);
        await r.bus.close();
        const exited = new Promise<void>((resolve) => (r.socat.exitCode !== null ? resolve() : r.socat.once("exit", () => resolve())));
        r.socat.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** A PD shaped after its configuration, with a door that opens while the strike is released. */
function simulatorFor(pd: OsdpPdOptions, doorOpenMs: number) {
  const scbk = resolveScbk(pd);
  const sim = new PdSimulator({
    address: pd.address,
    useCrc: pd.crc,
    inputs: Math.max(2, ...pd.inputs.map((i) => i.number + 1)),
    outputs: Math.max(1, ...pd.outputs.map((o) => o.number + 1)),
    ...(pd.installMode ? { installMode: true } : scbk ? { scbk } : {}),
  });
  const strike = pd.outputs.find((o) => o.kind === "strike");
  const contact = pd.inputs.find((i) => i.kind === "door_contact");
  let openedAt: number | null = null;
  return {
    pd,
    sim,
    tick(now: number) {
      if (!strike || !contact) return;
      const released = sim.output(strike.number);
      if (released && openedAt === null) openedAt = now;
      const open = openedAt !== null && (released || now - openedAt < doorOpenMs);
      if (!open) openedAt = null;
      if (sim.inputs[contact.number] !== (open !== contact.invert)) sim.setInput(contact.number, open !== contact.invert);
    },
    swipe(card: number) {
      sim.queueCard({ reader: pd.readers[0]!.number, format: "wiegand", ...encodeWiegand("wiegand26", 1, card) });
    },
  };
}

async function waitForPaths(paths: string[], child: ChildProcess): Promise<void> {
  const until = Date.now() + 5000;
  while (!paths.every((p) => existsSync(p))) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`socat did not create ${paths.join(" and ")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
