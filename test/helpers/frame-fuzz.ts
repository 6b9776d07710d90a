import fc from "fast-check";

/**
 * Shared arbitraries for decoder fuzzing: random line noise and mutated copies of valid
 * frames (bit flips, inserted, deleted and overwritten bytes, truncation). Seeded through
 * fast-check, so a failure names the seed and replays exactly.
 */
export const FUZZ_SEED = 0x5eed;
export const FUZZ_RUNS = 100_000;

export const noise = (maxLength = 64): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });

type Mutation =
  | { op: "flip"; at: number; bit: number }
  | { op: "set"; at: number; value: number }
  | { op: "insert"; at: number; value: number }
  | { op: "delete"; at: number }
  | { op: "truncate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
);

function apply(frame: Uint8Array, ops: readonly Mutation[]): Uint8Array {
  const b = [...frame];
  for (const m of ops) {
    if (b.length === 0 && m.op !== "insert") continue;
    const at = m.at % Math.max(1, b.length + (m.op === "insert" ? 1 : 0));
    if (m.op === "flip") b[at] = b[at]! ^ (1 << m.bit);
    else if (m.op === "set") b[at] = m.value;
    else if (m.op === "insert") b.splice(at, 0, m.value);
    else if (m.op === "delete") b.splice(at, 1);
    else b.length = at;
  }
  return Uint8Array.from(b);
}

/** A valid frame with 1–4 mutations applied. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([f, ops]) => apply(f, ops));
}

/** Half noise, half mutated frames. */
export function damaged(valid: fc.Arbitrary<Uint8Array>, maxNoise = 64): fc.Arbitrary<Uint8Array> {
  return fc.oneof(noise(maxNoise), mutated(valid));
}

/** Cut a byte string into 1–n chunks at random places (serial reads split frames anywhere). */
export function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  out.push(bytes.subarray(from));
  return out;
}
