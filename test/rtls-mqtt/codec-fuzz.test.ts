import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRtls, type RtlsDecoded, type RtlsFormat } from "../../devices/rtls-mqtt/codec.js";

/**
 * Garbage in, never an exception out: random bytes, random JSON, and valid payloads with bytes
 * flipped, cut or repeated. After each burst of garbage a valid message must still decode, so
 * no state leaks between calls.
 */
const VALID: Array<[RtlsFormat, string, string]> = [
  ["dwm", "dwm/node/0f07/uplink/location", '{"position":{"x":1.23,"y":4.56,"z":0.78,"quality":95},"superFrameNumber":1234}'],
  ["dwm", "dwm/node/0f07/uplink/status", '{"present":true,"downlink":true,"batt":100,"temp":25,"timestamp":"2026-01-01T08:00:00Z"}'],
  ["espresense", "espresense/devices/1001/holding_1", '{"id":"1001","rssi@1m":-59,"rssi":-81.1,"distance":2.25,"int":2028}'],
  ["espresense", "espresense/rooms/holding_1/status", "online"],
];
const TOPICS = [...VALID.map((v) => v[1]), "dwm/node//uplink/location", "/", "", "espresense/devices/x", "a/b/c/d/e/f/g"];

function mutate(base: Buffer, ops: Array<{ at: number; kind: number; byte: number }>): Buffer {
  let b = Buffer.from(base);
  for (const op of ops) {
    const at = b.length === 0 ? 0 : op.at % b.length;
    if (op.kind === 0) b[at] = op.byte;
    else if (op.kind === 1) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    else if (op.kind === 2) b = Buffer.concat([b.subarray(0, at), Buffer.from([op.byte]), b.subarray(at)]);
    else b = b.subarray(0, at);
  }
  return b;
}

const garbagePayload = fc.oneof(
  fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
  fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
  fc.anything({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify({ position: v, distance: v, id: v, present: v }) ?? "")),
  fc
    .tuple(fc.constantFrom(...VALID.map((v) => Buffer.from(v[2]))), fc.array(fc.record({ at: fc.nat(), kind: fc.nat(3), byte: fc.nat(255) }), { maxLength: 6 }))
    .map(([b, ops]) => mutate(b, ops)),
);

const KINDS = new Set(["observation", "event", "node-status", "ignored", "error"]);

/** Plain checks (not expect) in the hot loop: 100,000 calls must stay fast. */
function check(d: RtlsDecoded): void {
  if (!KINDS.has(d.kind)) throw new Error(`unknown result kind ${d.kind}`);
  if (d.kind !== "observation") return;
  const o = d.observation;
  const finite = o.kind === "coordinates" ? Number.isFinite(o.x) && Number.isFinite(o.y) : o.kind === "ble" ? Number.isFinite(o.distance) : true;
  if (!finite) throw new Error(`non-finite observation ${JSON.stringify(o)}`);
}

describe("rtls-mqtt codec fuzz", () => {
  it("survives 100,000 random and mutated payloads; valid messages still decode afterwards", () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<RtlsFormat>("dwm", "espresense"),
        fc.constantFrom(...TOPICS),
        fc.array(garbagePayload, { minLength: 5, maxLength: 10 }),
        fc.nat(VALID.length - 1),
        (format, topic, payloads, validIdx) => {
          for (const p of payloads) {
            check(decodeRtls(format, topic, p));
            runs++;
          }
          const [vf, vt, vp] = VALID[validIdx]!;
          const d = decodeRtls(vf, vt, Buffer.from(vp));
          if (d.kind === "error" || d.kind === "ignored") throw new Error(`valid message not decoded after garbage: ${JSON.stringify(d)}`);
        },
      ),
      { numRuns: 20_000, seed: 20260101 },
    );
    expect(runs).toBeGreaterThanOrEqual(100_000);
  });

  it("handles deeply nested and oversized JSON without a stack overflow", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(decodeRtls("dwm", "dwm/node/0f07/uplink/location", deep, 1_048_576).kind).toBe("error");
    expect(decodeRtls("espresense", "espresense/devices/a/b", Buffer.alloc(5_000_000, 0x20)).kind).toBe("error");
  });
});
