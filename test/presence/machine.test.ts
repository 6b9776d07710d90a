import { describe, expect, it } from "vitest";
import { MemoryTagBindings } from "../../src/presence/bindings.js";
import { PresenceEngine } from "../../src/presence/engine.js";
import { newTagState, step } from "../../src/presence/tag-machine.js";
import type { TagState } from "../../src/presence/types.js";
import { brief, coord, harness, read, T0, testSite } from "./fixtures.js";

const HALL = [5, 5] as const;
const BOOTH = [16, 7] as const;
const OFFICE = [22, 8] as const;

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

describe("tag machine", () => {
  const site = testSite({ offlineTimeoutS: 30 });

  it("is pure: the given state is never changed", () => {
    let s: TagState = newTagState("t", T0);
    for (const t of [0, 500, 1000, 2000]) {
      const frozen = deepFreeze(structuredClone(s));
      const r = step(frozen, { kind: "observation", observation: coord("t", ...HALL), receivedAt: T0 + t }, site);
      expect(r.state).not.toBe(frozen);
      s = r.state;
    }
    expect(s.zoneId).toBe("hall");
    const again = step(deepFreeze(structuredClone(s)), { kind: "tick", now: T0 + 60_000 }, site);
    expect(again.events.map((e) => e.type)).toEqual(["TAG_OFFLINE"]);
  });

  it("drops samples older than the last one and re-deliveries of the same one", () => {
    const { engine, drafts } = harness(site);
    const at = (t: number, [x, y]: readonly [number, number], dt = t) => engine.ingest(coord("t", x, y, { deviceTime: T0 + dt }), T0 + t);
    at(0, HALL);
    at(1000, HALL);
    at(1001, HALL, 1000); // duplicate
    at(1500, BOOTH, 200); // late buffered report from long ago
    expect(drafts.map(brief)).toEqual(["ZONE_ENTER t ->hall @1000 moved@0"]);
    for (const t of [2000, 3000, 4000]) at(t, BOOTH);
    for (const t of [4001, 4002]) at(t, BOOTH, 4000); // re-deliveries do not make up samples
    expect(drafts).toHaveLength(1);
    at(5000, BOOTH);
    expect(drafts.map(brief).slice(1)).toEqual(["ZONE_EXIT t hall>booth @5000 moved@2000 dwell=2000", "ZONE_ENTER t hall>booth @5000 moved@2000"]);
    expect(engine.stats().ignored).toEqual({ duplicate: 3, stale: 1 });
  });

  it("tolerates one stray sample, not two in a row, and restarts from the first of the new room's", () => {
    const { engine, drafts } = harness(site);
    const feed: [number, readonly [number, number]][] = [
      [0, HALL], [500, HALL], [1000, HALL], // in the hall
      [2000, BOOTH], [2500, HALL], [3000, BOOTH], [3500, BOOTH], [4000, BOOTH], [5000, BOOTH], // one stray hall sample
      [6000, OFFICE], [6500, HALL], [7000, OFFICE], // office pending; the hall stray is tolerated
    ];
    for (const [t, [x, y]] of feed) engine.ingest(coord("t", x, y), T0 + t);
    expect(drafts.map(brief)).toEqual([
      "ZONE_ENTER t ->hall @1000 moved@0",
      "ZONE_EXIT t hall>booth @5000 moved@2000 dwell=2000",
      "ZONE_ENTER t hall>booth @5000 moved@2000",
    ]);
    // Booth confirmed; office pending from 6000, a hall stray at 6500 is tolerated.
    for (const t of [8000, 9000]) engine.ingest(coord("t", ...OFFICE), T0 + t);
    expect(drafts.map(brief).slice(3)).toEqual(["ZONE_EXIT t booth>office-l @9000 moved@6000 dwell=4000", "ZONE_ENTER t booth>office-l @9000 moved@6000"]);

    const b = harness(site);
    for (const [t, [x, y]] of [[0, HALL], [500, HALL], [1000, HALL], [2000, BOOTH], [2500, OFFICE], [3000, OFFICE], [4000, OFFICE], [5500, OFFICE]] as const) {
      b.engine.ingest(coord("u", x, y), T0 + t);
    }
    // Booth pending, then office twice: office pending since its first sample (2500).
    expect(b.drafts.map(brief).slice(1)).toEqual(["ZONE_EXIT u hall>office-l @5500 moved@2500 dwell=2500", "ZONE_ENTER u hall>office-l @5500 moved@2500"]);
  });

  it("goes offline after the timeout, with hysteresis on the way back, and infers a move made while silent", () => {
    const { engine, drafts } = harness(site);
    for (const t of [0, 500, 1000]) engine.ingest(coord("t", ...HALL), T0 + t);
    engine.tick(T0 + 31_000); // exactly 30 s of silence: not yet
    expect(drafts).toHaveLength(1);
    engine.tick(T0 + 32_000);
    expect(drafts.map(brief).slice(1)).toEqual(["TAG_OFFLINE t in=hall @31000 last@1000"]);
    expect(engine.location("t")).toMatchObject({ zoneId: "hall", online: false });
    expect(engine.occupancy("hall").occupants[0]).toMatchObject({ online: false });

    // Back in the booth: online after 3 samples, the move after the booth's dwell.
    for (const t of [90_000, 91_000, 92_000]) engine.ingest(coord("t", ...BOOTH), T0 + t);
    expect(drafts.map(brief).slice(2)).toEqual(["TAG_ONLINE t in=hall @92000 off=61000"]);
    engine.ingest(coord("t", ...BOOTH), T0 + 93_000);
    expect(drafts.map(brief).slice(3)).toEqual([
      "ZONE_EXIT t hall>booth @93000 moved@90000 inferred dwell=1000",
      "ZONE_ENTER t hall>booth @93000 moved@90000 inferred",
    ]);
    expect(engine.location("t")).toMatchObject({ zoneId: "booth", online: true, inferred: true });
  });

  it("comes back in the same room without any move", () => {
    const { engine, drafts } = harness(site);
    for (const t of [0, 500, 1000]) engine.ingest(coord("t", ...HALL), T0 + t);
    engine.tick(T0 + 40_000);
    for (const t of [50_000, 50_500, 51_000, 60_000]) engine.ingest(coord("t", ...HALL), T0 + t);
    expect(drafts.map(brief)).toEqual(["ZONE_ENTER t ->hall @1000 moved@0", "TAG_OFFLINE t in=hall @31000 last@1000", "TAG_ONLINE t in=hall @51000 off=20000"]);
  });

  it("does not flap for a tag heard only now and then, and needs no tick to see a gap", () => {
    const { engine, drafts } = harness(site);
    for (const t of [0, 500, 1000]) engine.ingest(coord("t", ...HALL), T0 + t);
    for (let t = 36_000; t < 400_000; t += 35_000) engine.ingest(coord("t", ...HALL), T0 + t);
    expect(drafts.map(brief)).toEqual(["ZONE_ENTER t ->hall @1000 moved@0", "TAG_OFFLINE t in=hall @31000 last@1000"]);
  });

  it("brings an offline tag back at once on an exit exciter read", () => {
    const { engine, drafts } = harness(site);
    for (const t of [0, 500, 1000]) engine.ingest(coord("t", ...HALL), T0 + t);
    engine.tick(T0 + 40_000);
    engine.ingest(read("t", "exit-1"), T0 + 45_000);
    expect(drafts.map(brief).slice(2)).toEqual([
      "TAG_ONLINE t in=hall @45000 off=14000",
      "ZONE_EXIT t hall>sally @45000 moved@45000 inferred dwell=1000 exit-reader",
      "ZONE_ENTER t hall>sally @45000 moved@45000 inferred exit-reader",
    ]);
  });

  it("ignores a replayed burst of old samples but follows a device clock that stepped back", () => {
    const { engine, drafts } = harness(site);
    const at = (t: number, [x, y]: readonly [number, number], dt: number) => engine.ingest(coord("t", x, y, { deviceTime: T0 + dt }), T0 + t);
    for (const t of [0, 500, 1000]) at(t, HALL, t);
    // A gateway reconnects and replays 20 s of buffered booth positions in 200 ms: all dropped.
    for (let i = 0; i < 40; i++) at(1100 + i * 5, BOOTH, -20_000 + i * 500);
    expect(drafts).toHaveLength(1);
    // Now the tag's clock is an hour behind, sending every 500 ms from the booth.
    for (let t = 2000; t <= 40_000; t += 500) at(t, BOOTH, t - 3_600_000);
    expect(drafts.map(brief).slice(1)).toEqual([
      // 15 s (half the offline timeout) since the first old sample (the burst at 1100), then
      // the new clock is taken: the booth counts from 16500 and needs its 3 s.
      "ZONE_EXIT t hall>booth @19500 moved@16500 dwell=16500",
      "ZONE_ENTER t hall>booth @19500 moved@16500",
    ]);
    expect(engine.stats().ignored.stale).toBe(40 + 29);
    expect(engine.location("t")!.online).toBe(true);
  });

  it("never dates a move before the previous one when the gateway clock steps back", () => {
    const { engine, drafts } = harness(site);
    for (const t of [0, 500, 1000]) engine.ingest(coord("t", ...HALL), T0 + t);
    for (const t of [-5000, -4000, -3000, -2000]) engine.ingest(coord("t", ...BOOTH), T0 + t);
    // Time held at 1000 until the clock passes it: the booth samples all count at 1000.
    for (const t of [2000, 3000, 4000]) engine.ingest(coord("t", ...BOOTH), T0 + t);
    expect(drafts.map(brief).slice(1)).toEqual(["ZONE_EXIT t hall>booth @4000 moved@1000 dwell=1000", "ZONE_ENTER t hall>booth @4000 moved@1000"]);
  });
});

describe("reorder window", () => {
  it("puts late samples back in device-time order instead of dropping them", () => {
    const site = testSite({ reorderWindowS: 2 });
    const { engine, drafts } = harness(site);
    const send = (dt: number, rt: number) => engine.ingest(coord("t", ...HALL, { deviceTime: T0 + dt }), T0 + rt);
    send(0, 100);
    send(1000, 1100);
    send(500, 1200); // late but within the window
    engine.tick(T0 + 2500);
    expect(drafts.map(brief)).toEqual([]); // sample 1000 not yet released
    engine.tick(T0 + 3200);
    // Released in device order 0, 500, 1000; gateway time never goes back, so 1000 counts at 1200.
    expect(drafts.map(brief)).toEqual(["ZONE_ENTER t ->hall @1200 moved@100"]);
    expect(engine.stats().ignored).toEqual({});
  });
});

describe("sink failure", () => {
  it("keeps nothing of a step whose events the sink refused, and retries on the next sample", () => {
    const site = testSite();
    const seen: string[] = [];
    let fail = true;
    const engine = new PresenceEngine({
      site,
      bindings: new MemoryTagBindings(),
      sink: (d) => {
        if (fail) throw new Error("disk full");
        seen.push(...d.map((x) => x.type));
      },
    });
    engine.ingest(coord("t", ...HALL), T0);
    engine.ingest(coord("t", ...HALL), T0 + 500);
    expect(() => engine.ingest(coord("t", ...HALL), T0 + 1000)).toThrow("disk full");
    expect(engine.location("t")!.zoneId).toBeNull();
    fail = false;
    engine.ingest(coord("t", ...HALL), T0 + 1500);
    expect(seen).toEqual(["ZONE_ENTER"]);
    expect(engine.location("t")).toMatchObject({ zoneId: "hall", since: T0 });
  });
});
