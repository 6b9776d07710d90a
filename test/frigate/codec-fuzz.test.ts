import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFrigate, type FrigateDecoded } from "../../devices/frigate/codec.js";
import { mutated } from "../helpers/frame-fuzz.js";
import { EVENT_END, EVENT_NEW, EVENT_NEW_012, EVENT_UPDATE, REVIEW_UPDATE } from "./payloads.js";

/**
 * Garbage in, never an exception out: random bytes, random JSON, documented payloads with
 * fields replaced by anything, and valid payloads mutated byte-wise, on every topic the driver
 * subscribes to. After each burst a valid message must still decode (no state between calls).
 */
const VALID: Array<[string, string]> = [
  ["frigate/available", "online"],
  ["frigate/i1/person", "2"],
  ["frigate/i1/recordings/state", "ON"],
  ["frigate/i1/status/record", "offline"],
  ["frigate/events", EVENT_UPDATE],
  ["frigate/events", EVENT_NEW],
  ["frigate/events", EVENT_END],
  ["frigate/events", EVENT_NEW_012],
  ["frigate/reviews", REVIEW_UPDATE],
];
const TOPICS = [...new Set(VALID.map((v) => v[0])), "frigate", "frigate/", "frigate//person", "frigate/i1/", "frigate/i 1/person", "other/events", "frigate/a/b/c/d"];

/** A documented object or review with one field (or the whole side) replaced by anything. */
const fieldSwap = fc
  .tuple(fc.constantFrom(EVENT_UPDATE, EVENT_END, REVIEW_UPDATE), fc.constantFrom("after", "before"), fc.string({ maxLength: 20 }), fc.anything({ maxDepth: 3 }))
  .map(([json, sideName, key, value]) => {
    const msg = JSON.parse(json) as Record<string, Record<string, unknown>>;
    const side = msg[sideName]!;
    const keys = Object.keys(side);
    const k = keys.includes(key) ? key : keys[key.length % keys.length]!;
    side[k] = value;
    if (key.length === 0) msg[sideName] = value as Record<string, unknown>;
    return Buffer.from(JSON.stringify(msg) ?? "");
  });

const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 128 }).map((a) => Buffer.from(a)),
  fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
  fieldSwap,
  mutated(fc.constantFrom(...VALID.map((v) => new Uint8Array(Buffer.from(v[1]))))).map((a) => Buffer.from(a)),
);

const KINDS = new Set(["available", "count", "recordings", "stream", "object", "review", "ignored", "error"]);

/** Plain checks (not expect) in the hot loop: 100,000 calls must stay fast. */
function check(r: FrigateDecoded): void {
  if (!KINDS.has(r.kind)) throw new Error(`unknown result kind ${r.kind}`);
  if (r.kind === "count" && !(Number.isInteger(r.count) && r.count >= 0)) throw new Error(`bad count ${r.count}`);
  if (r.kind === "object" || r.kind === "review") {
    for (const s of [r.after, r.before]) if (s && !(Number.isFinite(s.startTime) && typeof s.id === "string" && typeof s.camera === "string")) throw new Error(`bad tracked item ${JSON.stringify(s)}`);
  }
}

describe("frigate codec fuzz", () => {
  it("survives 100,000 random and mutated payloads; valid messages still decode afterwards", () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.constantFrom(...TOPICS), fc.array(garbage, { minLength: 5, maxLength: 10 }), fc.nat(VALID.length - 1), (topic, payloads, validIdx) => {
        for (const p of payloads) {
          check(decodeFrigate("frigate", topic, p));
          runs++;
        }
        const [vt, vp] = VALID[validIdx]!;
        const r = decodeFrigate("frigate", vt, Buffer.from(vp));
        if (r.kind === "error" || r.kind === "ignored") throw new Error(`valid message not decoded after garbage: ${JSON.stringify(r)}`);
      }),
      { numRuns: 15_000, seed: 20260723 },
    );
    expect(runs).toBeGreaterThanOrEqual(100_000);
  });

  it("handles deeply nested and oversized JSON without a stack overflow", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(decodeFrigate("frigate", "frigate/events", deep, 1_048_576).kind).toBe("error");
    expect(decodeFrigate("frigate", "frigate/reviews", Buffer.alloc(5_000_000, 0x20)).kind).toBe("error");
    expect(decodeFrigate("frigate", "frigate/i1/person", Buffer.alloc(1_000_000, 0x31)).kind).toBe("error");
  });
});
