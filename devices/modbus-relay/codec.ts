/**
 * Relay/IO board points ⇄ messages (PROTOCOLS.md §4). The RTU bytes themselves are modbus-serial's
 * job (see modbus-turn.ts); this file maps named points to coil and discrete-input addresses,
 * plans the reads, turns bit arrays into named state and change events, and checks commands.
 */

/** Largest bit count one FC01/FC02 request may ask for (Modbus application protocol §6.1/6.2). */
export const MAX_BITS_PER_READ = 2000;

export type PointMap = Readonly<Record<string, number>>;

export interface BitBlock {
  start: number;
  count: number;
}

/** One contiguous read covering every mapped address, or null when nothing is mapped. */
export function blockFor(points: PointMap): BitBlock | null {
  const addrs = Object.values(points);
  if (addrs.length === 0) return null;
  const start = Math.min(...addrs);
  const count = Math.max(...addrs) - start + 1;
  if (count > MAX_BITS_PER_READ) throw new RangeError(`points span ${count} addresses; one read covers at most ${MAX_BITS_PER_READ}`);
  return { start, count };
}

/** Named values out of the bits a read of `block` returned. Missing bits (short reply) are left out. */
export function namedBits(points: PointMap, block: BitBlock, bits: readonly boolean[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [name, addr] of Object.entries(points)) {
    const bit = bits[addr - block.start];
    if (bit !== undefined) out[name] = bit;
  }
  return out;
}

export interface InputChange {
  input: string;
  value: boolean;
  previous: boolean;
}

/** What changed between two reads; the first read after (re)connecting has no previous, so no changes. */
export function inputChanges(previous: Readonly<Record<string, boolean>> | null, next: Readonly<Record<string, boolean>>): InputChange[] {
  if (!previous) return [];
  const out: InputChange[] = [];
  for (const [input, value] of Object.entries(next)) {
    const before = previous[input];
    if (before !== undefined && before !== value) out.push({ input, value, previous: before });
  }
  return out;
}

export type CoilAction =
  | { name: string; address: number; action: "on" | "off" }
  | { name: string; address: number; action: "pulse"; ms: number };

export const MAX_PULSE_MS = 60_000;

export type ParsedCommand = { ok: true; actions: CoilAction[] } | { ok: false; message: string };

/**
 * `{ "strike-1": "pulse", ms: 3000 }`, `{ "relay-2": "on" }`, `{ "strike-1": true }`: every key is a
 * coil name, except `ms` (pulse length, else `defaultPulseMs`). Nothing is accepted unless all is.
 */
export function parseCommand(values: Readonly<Record<string, unknown>>, coils: PointMap, defaultPulseMs: number): ParsedCommand {
  let ms = defaultPulseMs;
  if ("ms" in values) {
    const v = values.ms;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > MAX_PULSE_MS) return { ok: false, message: `ms must be an integer 1–${MAX_PULSE_MS}` };
    ms = v;
  }
  const actions: CoilAction[] = [];
  for (const [name, raw] of Object.entries(values)) {
    if (name === "ms") continue;
    const address = Object.hasOwn(coils, name) ? coils[name] : undefined;
    if (address === undefined) return { ok: false, message: `unknown output "${name}" (known: ${Object.keys(coils).join(", ") || "none"})` };
    const action = raw === true ? "on" : raw === false ? "off" : raw;
    if (action === "on" || action === "off") actions.push({ name, address, action });
    else if (action === "pulse") actions.push({ name, address, action, ms });
    else return { ok: false, message: `"${name}" takes "on", "off" or "pulse", not ${JSON.stringify(raw)}` };
  }
  if (actions.length === 0) return { ok: false, message: "no output named in the command" };
  return { ok: true, actions };
}

export const coilWord = (on: boolean): "on" | "off" => (on ? "on" : "off");
