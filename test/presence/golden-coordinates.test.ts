import { describe, expect, it } from "vitest";
import { SiteConfig } from "../../src/config/schema.js";
import { compileSite } from "../../src/presence/site.js";
import { MemoryTagBindings } from "../../src/presence/bindings.js";
import { brief, coord, harness, siteConfig, T0, testSite } from "./fixtures.js";

describe("floor plan: concave shapes, holes, nesting, floors", () => {
  const site = testSite();
  const at = (x: number, y: number, floor = 1) => site.plan.zoneAt(x, y, floor);

  it("maps points by even-odd over the outer ring and its holes", () => {
    expect(at(5, 5)).toBe("hall");
    expect(at(3, 3)).toBeNull(); // pillar hole
    expect(at(1.9, 3)).toBe("hall"); // just beside the hole
    expect(at(16, 7)).toBe("booth"); // drawn inside the hall: the smaller shape wins
    expect(at(13.9, 7)).toBe("hall");
  });

  it("handles the concave L: arms inside, notch outside", () => {
    expect(at(22, 8)).toBe("office-l");
    expect(at(28, 2)).toBe("office-l");
    expect(at(27, 7)).toBeNull();
  });

  it("keeps floors apart and lets one room span two floors", () => {
    expect(at(5, 5, 2)).toBe("cell-2");
    expect(at(8, 7, 2)).toBe("cell-2");
    expect(at(16, 7, 2)).toBeNull(); // the booth is on floor 1 only
    expect(at(31, 5, 1)).toBe("stairs");
    expect(at(31, 5, 2)).toBe("stairs");
    expect(at(5, 5, 3)).toBeNull();
  });

  it("puts a point on an edge shared by two rooms in exactly one of them", () => {
    const cfg = siteConfig();
    cfg.areas = [
      {
        id: "a",
        type: "secure_area",
        rooms: [
          { id: "west", type: "holding", shapes: [{ polygon: [[0, 0], [5, 0], [5, 5], [0, 5]] }] },
          { id: "east", type: "holding", shapes: [{ polygon: [[5, 0], [10, 0], [10, 5], [5, 5]] }] },
        ],
      },
    ];
    cfg.presence = {};
    const plan = compileSite(SiteConfig.parse(cfg)).plan;
    for (const y of [0.5, 1, 2.5, 4.99]) {
      const hits = ["west", "east"].filter((id) => plan.zoneAt(5, y, 1) === id);
      expect(hits).toHaveLength(1);
    }
  });
});

describe("golden: coordinate observations", () => {
  it("moves through hall, booth and the L-shaped office; ignores the pillar, low quality and the notch", () => {
    const bindings = new MemoryTagBindings([["t1", { personId: "p-1", role: "officer", sessionId: "s-9" }]]);
    const { engine, drafts } = harness(testSite(), { bindings });
    const feed: [number, number, number, number?][] = [
      [0, 5, 5],
      [500, 5.2, 5],
      [1000, 5.1, 5.1],
      [1500, 3, 3], // pillar
      [2000, 16, 7, 30], // low quality
      [3000, 16, 7],
      [4000, 16.2, 7.1],
      [5000, 16.1, 7],
      [6000, 16, 7.2],
      [7000, 27, 7], // notch of the L
      [8000, 22, 8],
      [9000, 22.5, 8],
      [10000, 22, 8.5],
      [11000, 21, 2],
    ];
    for (const [t, x, y, quality] of feed) engine.ingest(coord("t1", x, y, quality === undefined ? {} : { quality }), T0 + t);

    expect(drafts.map(brief)).toEqual([
      "ZONE_ENTER t1 ->hall @1000 moved@0",
      "ZONE_EXIT t1 hall>booth @6000 moved@3000 dwell=3000",
      "ZONE_ENTER t1 hall>booth @6000 moved@3000",
      "ZONE_EXIT t1 booth>office-l @11000 moved@8000 dwell=5000",
      "ZONE_ENTER t1 booth>office-l @11000 moved@8000",
    ]);
    expect(engine.stats().ignored).toEqual({ unmapped: 2, low_quality: 1 });
  });

  it("produces the full envelope draft for a move", () => {
    const bindings = new MemoryTagBindings([["t1", { personId: "p-1", role: "officer", sessionId: "s-9" }]]);
    const { engine, batches } = harness(testSite(), { bindings });
    const source = { deviceId: "rtls-1", driver: "rtls-mqtt", protocol: "dwm-gateway-json" };
    for (const t of [0, 500, 1000]) engine.ingest(coord("t1", 5, 5, { deviceTime: T0 + t - 40 }), T0 + t, source);
    for (const t of [3000, 4000, 5000, 6000]) engine.ingest(coord("t1", 16, 7, { deviceTime: T0 + t - 40 }), T0 + t, source);

    const person = { personId: "p-1", role: "officer", sessionId: "s-9" };
    const subjects = [{ kind: "tag", id: "t1" }, { kind: "person", id: "p-1", role: "officer" }];
    expect(batches[1]).toEqual([
      {
        type: "ZONE_EXIT",
        category: "location",
        receivedAt: T0 + 6000,
        occurredAt: T0 + 5960,
        subjects,
        ...person,
        zoneId: "secure",
        roomId: "hall",
        source,
        payload: { tagId: "t1", personId: "p-1", fromZoneId: "hall", toZoneId: "booth", method: "uwb", inferred: false, movedAt: T0 + 3000, dwellMs: 3000 },
      },
      {
        type: "ZONE_ENTER",
        category: "location",
        receivedAt: T0 + 6000,
        occurredAt: T0 + 5960,
        subjects,
        ...person,
        zoneId: "secure",
        roomId: "booth",
        source,
        payload: { tagId: "t1", personId: "p-1", fromZoneId: "hall", toZoneId: "booth", method: "uwb", inferred: false, movedAt: T0 + 3000 },
      },
    ]);
  });

  it("follows a tag across floors and through a room that spans both", () => {
    const { engine, drafts } = harness(testSite());
    const feed: [number, number, number, number | undefined][] = [
      [0, 5, 5, 2],
      [2500, 5.5, 5, 2],
      [5000, 5, 5.5, 2],
      [6000, 31, 5, 2],
      [7000, 31, 6, 2],
      [8000, 31, 5, 1], // same room, other floor
      [8500, 31, 4, 1],
      [9000, 5, 5, undefined], // no floor: the default floor (1)
      [10000, 5, 6, undefined],
    ];
    for (const [t, x, y, floor] of feed) engine.ingest(coord("t2", x, y, floor === undefined ? {} : { floor }), T0 + t);
    expect(drafts.map(brief)).toEqual([
      "ZONE_ENTER t2 ->cell-2 @5000 moved@0",
      "ZONE_EXIT t2 cell-2>stairs @7000 moved@6000 dwell=6000",
      "ZONE_ENTER t2 cell-2>stairs @7000 moved@6000",
      "ZONE_EXIT t2 stairs>hall @10000 moved@9000 dwell=3000",
      "ZONE_ENTER t2 stairs>hall @10000 moved@9000",
    ]);
  });
});
