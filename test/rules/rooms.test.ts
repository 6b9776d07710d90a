import { describe, expect, it } from "vitest";
import { MIN } from "./fixtures/fake-center.js";
import { harness } from "./fixtures/harness.js";

describe("R21 crowding", () => {
  it("raises after 5 min over the room's capacity", () => {
    const h = harness();
    for (const id of ["a", "b", "c", "d"]) {
      h.center.detainee(id);
      h.move(id, "holding-1");
    }
    h.advance(5 * MIN - 1000);
    expect(h.open("OVERCROWDING")).toEqual([]);
    h.advance(1000);
    expect(h.open("OVERCROWDING")[0]!.data).toMatchObject({ count: 4, capacity: 3 });
  });

  it("stays quiet at capacity (officers do not count against a detainee capacity) and in rooms without one", () => {
    const h = harness();
    for (const id of ["a", "b", "c"]) {
      h.center.detainee(id);
      h.move(id, "holding-1");
    }
    h.center.officer("o1");
    h.move("o1", "holding-1");
    for (const id of ["d", "e", "f", "g"]) {
      h.center.detainee(id);
      h.move(id, "corridor");
    }
    h.advance(10 * MIN, 5000);
    expect(h.open("OVERCROWDING")).toEqual([]);
  });
});

describe("R25 patrol", () => {
  it("raises PATROL_MISSED when an occupied holding room gets no check for 60 min, and resolves on a punch", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "holding-1");
    h.advance(60 * MIN, MIN);
    expect(h.open("PATROL_MISSED")).toEqual([]);
    h.advance(MIN, MIN);
    expect(h.open("PATROL_MISSED")[0]!.data).toMatchObject({ roomId: "holding-1", intervalMin: 60, lastCheckAt: null });
    h.event("PATROL_PUNCH", { officerId: "o1", roomId: "holding-1" });
    expect(h.open("PATROL_MISSED")).toEqual([]);
  });

  it("uses 30 min for a drunk person and 15 min for suicide risk", () => {
    const h = harness();
    h.center.detainee("drunk", { vulnerable: ["drunk"] });
    h.center.detainee("risk", { vulnerable: ["suicide_risk"] });
    h.move("drunk", "holding-1");
    h.move("risk", "holding-2");
    h.advance(16 * MIN, MIN);
    expect(h.open("PATROL_MISSED").map((a) => a.zoneId)).toEqual(["holding-2"]);
    h.advance(15 * MIN, MIN);
    expect(h.open("PATROL_MISSED").map((a) => a.data.intervalMin).sort()).toEqual([15, 30]);
  });

  it("stays quiet when an officer looks in within the interval, and takes a per-person interval", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.detainee("p2");
    h.center.officer("o1");
    h.center.overrides.set("p2:R25", { intervalMin: 20 });
    h.move("p1", "holding-1");
    h.move("p2", "holding-2");
    for (let i = 0; i < 3; i++) {
      h.advance(50 * MIN, MIN);
      h.move("o1", "holding-1");
      h.advance(MIN, MIN);
      h.move("o1", "corridor");
    }
    expect(h.open("PATROL_MISSED").map((a) => a.zoneId)).toEqual(["holding-2"]);
    expect(h.open("PATROL_MISSED")[0]!.params).toMatchObject({ personOverrides: { p2: { intervalMin: 20 } } });
  });
});
