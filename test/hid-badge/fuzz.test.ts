import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CARD_FORMATS, parseCard } from "../../devices/hid-badge/card-format.js";
import { KeyReportDecoder } from "../../devices/hid-badge/key-decoder.js";
import { typeReports } from "../../devices/hid-badge/keymap.js";
import { FUZZ_RUNS, FUZZ_SEED, mutated, noise } from "../helpers/frame-fuzz.js";

const TIMEOUT_MS = 150;
const MAX_LENGTH = 32;
const CARD = "0012345678";
const cardReports = typeReports(`${CARD}\n`);

/** Mostly plausible 8-byte reports (random modifiers and keys), some torn, some mutated card reports. */
const report: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 8, maxLength: 8 }) },
  { weight: 3, arbitrary: fc.tuple(fc.nat(0xff), fc.integer({ min: 0, max: 0x65 })).map(([m, k]) => Uint8Array.of(m, 0, k, 0, 0, 0, 0, 0)) },
  { weight: 1, arbitrary: noise(24) },
  { weight: 2, arbitrary: mutated(fc.constantFrom(...cardReports.map((r) => Uint8Array.from(r)))) },
);
/** Reports with the gap before each, mostly reader-fast, sometimes past the timeout. */
const stream = fc.array(fc.tuple(report, fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 400 }))), { minLength: 1, maxLength: 12 });

describe("hid-badge decoders: fuzzing", () => {
  it(`${FUZZ_RUNS} random report streams: no exception, reads bounded, and a card after a pause always decodes`, () => {
    let reports = 0;
    fc.assert(
      fc.property(stream, (garbage) => {
        const d = new KeyReportDecoder({ interKeyTimeoutMs: TIMEOUT_MS, maxLength: MAX_LENGTH, terminators: new Set(["enter"]) });
        let t = 0;
        for (const [r, gap] of garbage) {
          t += gap;
          for (const line of d.push(r, t)) {
            const text = line.kind === "line" ? line.text : line.partial;
            if (text.length > MAX_LENGTH) return false;
            if (line.kind === "line" && text.length === 0) return false;
          }
        }
        reports += garbage.length;
        t += TIMEOUT_MS + 1;
        const out = cardReports.flatMap((r, i) => d.push(r, t + i * 3));
        // Whatever the garbage left behind is rejected first; the card itself comes through whole.
        return out.at(-1)?.kind === "line" && (out.at(-1) as { text: string }).text === CARD && out.slice(0, -1).every((l) => l.kind === "rejected");
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
    expect(reports).toBeGreaterThanOrEqual(100_000);
  });

  it("card parsing never throws and only accepts what it can print back", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom(...CARD_FORMATS), (text, format) => {
        const r = parseCard(text, { format, hexDigits: [8, 14] });
        return !r.ok || (r.card.card.length > 0 && r.card.format === format);
      }),
      { numRuns: 20_000, seed: FUZZ_SEED },
    );
  });
});
