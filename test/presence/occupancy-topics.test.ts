import { describe, expect, it } from "vitest";
import { MemoryTagBindings } from "../../src/presence/bindings.js";
import { locationMessage, messagesForDrafts, occupancyMessage, snapshotMessages, subjectLevel, topicLevel } from "../../src/presence/topics.js";
import { coord, harness, read, T0, testSite } from "./fixtures.js";

const scope = { base: "edc", gatewayId: "gw-1" };

function placed() {
  const bindings = new MemoryTagBindings([
    ["hf-1", { personId: "p-1", role: "detainee", sessionId: "s-1" }],
    ["lf-1", { personId: "p-1", role: "detainee", sessionId: "s-1" }],
    ["b-2", { personId: "o-2", role: "officer" }],
  ]);
  const h = harness(testSite(), { bindings });
  const inHall = (tagId: string, from: number) => {
    for (const t of [0, 500, 1000]) h.engine.ingest(coord(tagId, 8, 5), T0 + from + t);
  };
  inHall("hf-1", 0);
  for (const t of [200, 1200, 2200, 3200]) h.engine.ingest(read("lf-1", "lf-hall"), T0 + t); // the same person's LF tag
  inHall("b-2", 2000);
  inHall("unknown-tag", 4000);
  for (const t of [5000, 6000, 7000, 8000]) h.engine.ingest(coord("b-2", 16, 7), T0 + t); // officer to the booth
  return { ...h, bindings };
}

describe("occupancy", () => {
  it("lists who is in a room and in an area, by role, one entry per person", () => {
    const { engine } = placed();
    expect(engine.occupancy("hall")).toEqual({
      zoneId: "hall",
      kind: "room",
      areaId: "secure",
      count: 2,
      byRole: { detainee: 1, unbound: 1 },
      changedAt: T0 + 8000,
      occupants: [
        { subject: { kind: "person", id: "p-1" }, role: "detainee", sessionId: "s-1", tagIds: ["hf-1", "lf-1"], zoneId: "hall", since: T0, online: true },
        { subject: { kind: "tag", id: "unknown-tag" }, tagIds: ["unknown-tag"], zoneId: "hall", since: T0 + 4000, online: true },
      ],
    });
    const area = engine.occupancy("secure");
    expect(area).toMatchObject({ kind: "area", count: 3, byRole: { detainee: 1, officer: 1, unbound: 1 } });
    expect(area.occupants.map((o) => [o.subject.id, o.zoneId])).toEqual([
      ["p-1", "hall"],
      ["unknown-tag", "hall"],
      ["o-2", "booth"],
    ]);
    expect(engine.occupancy("reg")).toMatchObject({ count: 0, occupants: [], changedAt: null });
  });

  it("shows a tag bound after it entered as its person at once, and keeps offline tags as last known", () => {
    const { engine, bindings } = placed();
    bindings.bind("unknown-tag", { personId: "v-9", role: "visitor" });
    expect(engine.occupancy("hall").byRole).toEqual({ detainee: 1, visitor: 1 });
    engine.tick(T0 + 60_000);
    expect(engine.occupancy("hall").occupants.every((o) => !o.online)).toBe(true);
  });

  it("sums dwell per person per room, the open visit included", () => {
    const { engine } = placed();
    const officer = { kind: "person", id: "o-2" } as const;
    expect(engine.dwellMs(officer, "hall", T0 + 10_000)).toBe(3000); // 2000 → 5000
    expect(engine.dwellMs(officer, "booth", T0 + 10_000)).toBe(5000); // 5000 → now
    expect(engine.dwellMs(officer, "secure", T0 + 10_000)).toBe(8000);
    engine.forgetDwell(officer);
    expect(engine.dwellMs(officer, "hall", T0 + 10_000)).toBe(0);
  });
});

describe("retained local topics", () => {
  it("makes topic levels safe", () => {
    expect(topicLevel("TAG:0A/1B#")).toBe("tag-0a-1b");
    expect(topicLevel("--")).toBe("unknown");
    expect(subjectLevel({ kind: "tag", id: "E2 00" })).toBe("tag-e2-00");
    expect(subjectLevel({ kind: "person", id: "p-1" })).toBe("p-1");
  });

  it("publishes a subject's location and a zone's occupancy", () => {
    const { engine } = placed();
    expect(locationMessage(scope, engine.location("b-2")!)).toEqual({
      topic: "edc/gw-1/subject/o-2/location",
      retain: true,
      payload: { zone: "booth", room: "booth", area: "secure", since: T0 + 5000, confidence: "confirmed", online: true, lastSeenAt: T0 + 8000, tagId: "b-2", personId: "o-2", role: "officer" },
    });
    expect(occupancyMessage(scope, engine.occupancy("booth"))).toEqual({
      topic: "edc/gw-1/zone/booth/occupancy",
      retain: true,
      payload: {
        zone: "booth",
        kind: "room",
        area: "secure",
        count: 1,
        byRole: { officer: 1 },
        since: T0 + 8000,
        subjects: [{ id: "o-2", kind: "person", role: "officer", room: "booth", since: T0 + 5000, online: true, tagIds: ["b-2"] }],
      },
    });
    engine.tick(T0 + 60_000);
    expect(locationMessage(scope, engine.location("unknown-tag")!).payload).toMatchObject({ confidence: "lost", online: false });
  });

  it("derives from a batch of drafts exactly the retained messages it changed", () => {
    const { engine, batches } = placed();
    const move = batches.find((b) => b[0]!.type === "ZONE_EXIT")!;
    expect(messagesForDrafts(engine, move, scope).map((m) => m.topic)).toEqual([
      "edc/gw-1/subject/o-2/location",
      "edc/gw-1/zone/hall/occupancy",
      "edc/gw-1/zone/booth/occupancy",
      "edc/gw-1/zone/secure/occupancy",
    ]);
    expect(snapshotMessages(engine, scope)).toHaveLength(4 + engine.occupancyAll().length);
  });
});
