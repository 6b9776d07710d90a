import type { SiteConfig } from "../../../src/config/schema.js";
import type { Logger } from "../../../src/core/logger.js";
import { OsdpOptions, type OsdpPdOptions } from "../definition.js";
import { resolveScbk } from "../scbk.js";
import { encodeWiegand } from "../wiegand.js";
import { PdBus } from "./pd-bus.js";
import { PdSimulator } from "./pd-simulator.js";

/** The device end of a serial line, as a simulator holds it (e.g. an in-process virtual line). */
export interface SimulatedLineEnd {
  write(data: Buffer): void;
  detach(): void | Promise<void>;
}

/** Connects a simulator to the serial path a device is configured with; `receive` gets the host's bytes. */
export type AttachLine = (path: string, receive: (chunk: Buffer) => void) => SimulatedLineEnd | Promise<SimulatedLineEnd>;

export interface OsdpSimulationOptions {
  config: Pick<SiteConfig, "devices">;
  attach: AttachLine;
  /** Simulate only devices whose serial path passes (default: all). */
  accept?: (path: string) => boolean;
  log: Logger;
  /** Mean time between simulated card reads per bus (default 30 s). */
  cardEveryMs?: number;
  /** How long a door stays open after its strike was released (default 3 s). */
  doorOpenMs?: number;
  random?: () => number;
}

export interface OsdpSimulation {
  /** The serial paths now served by simulated buses. */
  readonly paths: readonly string[];
  stop(): Promise<void>;
}

const TICK_MS = 200;

/**
 * Demo mode: every enabled `osdp` device on a serial path gets a simulated bus attached to that
 * path, with PDs shaped after its options (addresses, keys, inputs, outputs, readers). A door
 * opens for a few seconds after its strike is released, and now and then a card is read.
 */
export async function startOsdpSimulation(opts: OsdpSimulationOptions): Promise<OsdpSimulation> {
  const random = opts.random ?? Math.random;
  const byPath = new Map<string, OsdpPdOptions[]>();
  for (const d of opts.config.devices) {
    if (!d.enabled || d.driver !== "osdp" || d.transport.kind !== "serial" || !(opts.accept?.(d.transport.path) ?? true)) continue;
    const parsed = OsdpOptions.safeParse(d.options);
    if (!parsed.success) continue; // the config loader reports it
    byPath.set(d.transport.path, [...(byPath.get(d.transport.path) ?? []), ...parsed.data.pds]);
  }
  const running: { path: string; end: SimulatedLineEnd; timers: NodeJS.Timeout[] }[] = [];
  for (const [path, pds] of byPath) {
    const sims = pds.map((pd) => simulatorFor(pd, opts.doorOpenMs ?? 3000));
    let end: SimulatedLineEnd | null = null;
    const bus = new PdBus(sims.map((s) => s.sim), (data) => end?.write(data));
    end = await opts.attach(path, (chunk) => bus.receive(chunk));
    const timers = [setInterval(() => sims.forEach((s) => s.tick(Date.now())), TICK_MS)];
    const withReader = sims.filter((s) => s.pd.readers.length > 0);
    if (withReader.length) {
      timers.push(setInterval(() => withReader[Math.floor(random() * withReader.length)]!.swipe(1 + Math.floor(random() * 60000)), opts.cardEveryMs ?? 30_000));
    }
    running.push({ path, end, timers });
    opts.log.info({ path, pds: pds.map((p) => `${p.name}@${p.address}`) }, "OSDP bus simulated");
  }
  return {
    paths: running.map((r) => r.path),
    async stop() {
      for (const r of running.splice(0)) {
        r.timers.forEach(clearInterval);
        await r.end.detach();
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
