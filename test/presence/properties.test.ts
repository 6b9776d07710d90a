import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Observation } from "../../src/drivers/contract.js";
import type { PresenceParamsInput } from "../../src/presence/params.js";
import type { PresenceSite } from "../../src/presence/site.js";
import { harness, T0, testSite } from "./fixtures.js";
import { checkAll } from "./invariants.js";
import { buildWalk, WALK_ROOMS, type StaySpec, type Walk } from "./walks.js";

/**
 * Property tests over random walks (jitter, re-deliveries, swapped deliveries, gaps) and over
 * arbitrary garbage streams. Seeds are fixed so a failure replays; fast-check prints the
 * counterexample and its path.
 */
const WALK_PARAMS: PresenceParamsInput = { offlineTimeoutS: 5, onlineSamples: 3, bleWindowS: 1.5, bleMarginM: 1 };
const TIMING = { t0: T0, offlineTimeoutMs: 5_000, maxIntervalMs: 800 };
/** Latest a move may be dated after the stay began: BLE ambiguity, a dropped swap, delay. */
const START_SLACK_MS = 1_500 + 2 * 800 + 300;

const oneIn = (n: number) => fc.integer({ min: 1, max: n }).map((k) => k === 1);
const staySpec: fc.Arbitrary<StaySpec> = fc.record({
  room: fc.constantFrom(...WALK_ROOMS),
  pass: oneIn(4),
  durMs: fc.integer({ min: 12_000, max: 25_000 }),
  gapBefore: oneIn(5),
  midGap: oneIn(6),
});
const scenario = fc.record({
  plans: fc.array(fc.array(staySpec, { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

function runWalks(site: PresenceSite, plans: readonly StaySpec[][], seed: number) {
  const walks: Walk[] = plans.map((plan, i) => buildWalk(site, `tag-${i}`, plan, seed + i, TIMING));
  // Per tag gateway time strictly increases, so a stable sort keeps each tag's order.
  const deliveries = walks.flatMap((w) => w.deliveries).sort((a, b) => a.receivedAt - b.receivedAt);
  // Tick until the first walk ends: afterwards silence is just the end of the test, not a gap.
  const tickUntil = Math.min(...walks.map((w) => w.deliveries[w.deliveries.length - 1]!.receivedAt));
  const h = harness(site);
  let nextTick = T0 + 1_000;
  for (const d of deliveries) {
    for (; nextTick < d.receivedAt && nextTick <= tickUntil; nextTick += 1_000) h.engine.tick(nextTick);
    h.engine.ingest(d.observation, d.receivedAt);
  }
  return { walks, ...h };
}

function checkWalks(site: PresenceSite, plans: readonly StaySpec[][], seed: number): void {
  const { walks, drafts, batches } = runWalks(site, plans, seed);
  const broken = checkAll({ batches }, site);
  if (broken) throw new Error(broken);
  walks.forEach((walk, i) => {
    const mine = drafts.filter((d) => d.payload.tagId === `tag-${i}`);
    const enters = mine.filter((d) => d.type === "ZONE_ENTER");
    // Every real room change reported exactly once, in order, flagged inferred exactly across gaps.
    expect(enters.map((d) => d.payload.toZoneId)).toEqual(walk.moves.map((m) => m.to));
    expect(enters.map((d) => d.payload.inferred)).toEqual(walk.moves.map((m) => m.inferred));
    enters.forEach((d, k) => {
      const movedAt = d.payload.movedAt as number;
      expect(movedAt).toBeGreaterThanOrEqual(walk.moves[k]!.startedAt);
      expect(movedAt).toBeLessThanOrEqual(walk.moves[k]!.startedAt + START_SLACK_MS);
    });
    expect(mine.filter((d) => d.type === "TAG_OFFLINE")).toHaveLength(walk.gaps);
    expect(mine.filter((d) => d.type === "TAG_ONLINE")).toHaveLength(walk.gaps);
  });
}

describe("presence properties over random walks", () => {
  it("reports every real move exactly once, never a pass or jitter, with gaps inferred (no reorder window)", () => {
    const site = testSite(WALK_PARAMS);
    fc.assert(fc.property(scenario, ({ plans, seed }) => checkWalks(site, plans, seed)), { seed: 20260101, numRuns: 120 });
  });

  it("does the same with a reorder window", () => {
    const site = testSite({ ...WALK_PARAMS, reorderWindowS: 1 });
    fc.assert(fc.property(scenario, ({ plans, seed }) => checkWalks(site, plans, seed)), { seed: 20260102, numRuns: 80 });
  });
});

/** Anything a broken or hostile feed can send: any place, any reader, time going back and forth. */
const garbage = fc.record({
  tag: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom("coordinates", "reader", "ble", "tick"),
  x: fc.double({ min: -5, max: 35, noNaN: true }),
  y: fc.double({ min: -2, max: 12, noNaN: true }),
  floor: fc.constantFrom(1, 2, undefined),
  quality: fc.integer({ min: 0, max: 100 }),
  reader: fc.constantFrom("lf-reg", "lf-booth", "lf-hall", "exit-1", "gate-secure", "nobody"),
  node: fc.constantFrom("ble-reg-1", "ble-reg-2", "ble-hall", "ble-booth", "nobody"),
  distance: fc.double({ min: -1, max: 12, noNaN: true }),
  step: fc.integer({ min: -800, max: 9_000 }),
  deviceSkew: fc.option(fc.integer({ min: -3_000, max: 3_000 }), { nil: undefined }),
  repeat: oneIn(6),
});
const params: fc.Arbitrary<PresenceParamsInput> = fc.record({
  offlineTimeoutS: fc.integer({ min: 1, max: 10 }),
  onlineSamples: fc.integer({ min: 1, max: 4 }),
  reorderWindowS: fc.constantFrom(0, 0, 0.5, 2),
  bleWindowS: fc.constantFrom(1, 5),
  bleMarginM: fc.constantFrom(0, 1),
  default: fc.record({ dwellS: fc.constantFrom(0, 0.5, 2, 3), minSamples: fc.integer({ min: 1, max: 4 }), maxMisses: fc.integer({ min: 0, max: 3 }) }),
});

describe("presence invariants over arbitrary streams", () => {
  it("keeps exit-before-enter pairing, hysteresis, per-tag order and liveness alternation whatever comes in", () => {
    fc.assert(
      fc.property(params, fc.array(garbage, { maxLength: 250 }), (p, items) => {
        const site = testSite(p);
        const { engine, batches } = harness(site);
        let now = T0;
        for (const g of items) {
          now += g.step;
          if (g.kind === "tick") {
            engine.tick(now);
            continue;
          }
          const tagId = `t${g.tag}`;
          const deviceTime = g.deviceSkew === undefined ? {} : { deviceTime: now + g.deviceSkew };
          const o: Observation =
            g.kind === "coordinates"
              ? { kind: "coordinates", tagId, x: g.x, y: g.y, quality: g.quality, method: "uwb", ...(g.floor === undefined ? {} : { floor: g.floor }), ...deviceTime }
              : g.kind === "reader"
                ? { kind: "reader", tagId, readerId: g.reader, method: "lf_exciter", ...deviceTime }
                : { kind: "ble", tagId, nodeId: g.node, distance: g.distance, method: "ble", ...deviceTime };
          engine.ingest(o, now);
          if (g.repeat) engine.ingest(o, now + 1);
        }
        const broken = checkAll({ batches }, site);
        if (broken) throw new Error(broken);
      }),
      { seed: 20260103, numRuns: 300 },
    );
  });
});
