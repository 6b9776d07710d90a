import { describe, expect, it } from "vitest";
import { ble, brief, harness, read, T0, testSite } from "./fixtures.js";

describe("golden: room-level reader observations", () => {
  it("maps readers to rooms and areas; an exit exciter moves the tag at once", () => {
    const { engine, drafts } = harness(testSite());
    const feed: [number, string][] = [
      [0, "lf-reg"],
      [1000, "lf-reg"],
      [2000, "lf-reg"],
      [3000, "lf-reg"],
      [4000, "gate-secure"], // knows only the area
      [5000, "gate-secure"],
      [6000, "gate-secure"],
      [7000, "gate-secure"],
      [7500, "lf-unknown"],
      [8000, "exit-1"],
      [8500, "exit-1"],
    ];
    for (const [t, readerId] of feed) engine.ingest(read("t3", readerId), T0 + t);
    expect(drafts.map(brief)).toEqual([
      "ZONE_ENTER t3 ->reg @3000 moved@0",
      "ZONE_EXIT t3 reg>secure @7000 moved@4000 dwell=4000",
      "ZONE_ENTER t3 reg>secure @7000 moved@4000",
      "ZONE_EXIT t3 secure>sally @8000 moved@8000 dwell=4000 exit-reader",
      "ZONE_ENTER t3 secure>sally @8000 moved@8000 exit-reader",
    ]);
    expect(drafts[2]).toMatchObject({ zoneId: "secure" });
    expect(drafts[2]!.roomId).toBeUndefined();
    expect(drafts[4]).toMatchObject({ zoneId: "perimeter", roomId: "sally", payload: { readerId: "exit-1", exitReader: true, method: "lf_exciter" } });
    expect(engine.stats().ignored).toEqual({ unknown_reader: 1 });
  });
});

describe("golden: BLE room sightings", () => {
  it("lets the nearest room win only by the margin, per node, within the window", () => {
    const { engine, drafts } = harness(testSite({ bleMarginM: 1, bleWindowS: 5 }));
    const feed: [number, string, number][] = [
      [0, "ble-reg-1", 2.0], // only reg heard: reg
      [100, "ble-hall", 2.5], // reg 2.0 vs hall 2.5: within the margin, no vote
      [200, "ble-reg-2", 1.0], // reg 1.0 vs hall 2.5: reg
      [1000, "ble-hall", 6.0], // reg
      [2000, "ble-reg-1", 1.5], // reg (nearest of reg's two nodes still 1.0)
      [3000, "ble-reg-2", 1.2], // reg, 3 s since the first vote
      [9000, "ble-booth", 4.0], // every other reading is older than 5 s: booth
      [10000, "ble-booth", 4.1],
      [11000, "ble-booth", 3.9],
      [12000, "ble-booth", 4.0],
    ];
    for (const [t, node, d] of feed) engine.ingest(ble("t4", node, d), T0 + t);
    expect(drafts.map(brief)).toEqual([
      "ZONE_ENTER t4 ->reg @3000 moved@0",
      "ZONE_EXIT t4 reg>booth @12000 moved@9000 dwell=9000",
      "ZONE_ENTER t4 reg>booth @12000 moved@9000",
    ]);
    expect(engine.stats().ignored).toEqual({ ambiguous: 1 });
    expect(drafts[0]!.payload.method).toBe("ble");
  });

  it("ignores readings beyond the maximum distance and nodes it does not know", () => {
    const { engine, drafts } = harness(testSite({ bleMaxDistanceM: 3 }));
    for (const t of [0, 1000, 2000, 3000]) engine.ingest(ble("t5", "ble-reg-1", 4), T0 + t);
    engine.ingest(ble("t5", "ble-nowhere", 1), T0 + 3500);
    expect(drafts).toEqual([]);
    expect(engine.stats().ignored).toEqual({ too_far: 4, unknown_node: 1 });
    // Not a room vote, but the tag is alive: no offline 25 s after the last of them.
    engine.tick(T0 + 3500 + 25_000);
    expect(drafts).toEqual([]);
  });

  it("counts one BLE scan reported by two nodes (same device time) as one sample", () => {
    const { engine, drafts } = harness(testSite());
    for (const t of [0, 1000, 2000]) {
      engine.ingest(ble("t6", "ble-reg-1", 1, T0 + t), T0 + t + 10);
      engine.ingest(ble("t6", "ble-reg-2", 1.2, T0 + t), T0 + t + 20);
    }
    // 3 distinct device times span 2 s only: registration needs 3 s.
    expect(drafts).toEqual([]);
    engine.ingest(ble("t6", "ble-reg-1", 1, T0 + 3000), T0 + 3010);
    expect(drafts.map(brief)).toEqual(["ZONE_ENTER t6 ->reg @3010 moved@10"]);
    expect(engine.stats().ignored).toEqual({ duplicate: 3 });
  });
});
