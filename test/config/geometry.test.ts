import { describe, expect, it } from "vitest";
import { checkShapes, inRing, selfCrossing, type Pt } from "../../src/config/geometry.js";
import { minimalSite, type RawSite } from "../fixtures/config/minimal-site.js";

const L_SHAPE: Pt[] = [[8, 8], [36, 8], [36, 20], [33, 20], [33, 11], [8, 11]];

function site(rooms: RawSite[]): RawSite {
  const doc = minimalSite();
  doc.areas = [{ id: "a", type: "secure_area", rooms }];
  return doc;
}

const room = (id: string, polygon: number[][], extra: RawSite = {}) => ({ id, type: "other", shapes: [{ polygon, ...extra }] });

describe("polygon helpers", () => {
  it("accept a concave L in either direction", () => {
    expect(selfCrossing(L_SHAPE)).toBeUndefined();
    expect(selfCrossing([...L_SHAPE].reverse())).toBeUndefined();
  });

  it("find a bow-tie crossing and a fold-back spike", () => {
    expect(selfCrossing([[0, 0], [4, 4], [4, 0], [0, 4]])).toEqual([0, 2]);
    expect(selfCrossing([[0, 0], [4, 0], [6, 0], [2, 0], [2, 3]])).toBeDefined();
    // a figure eight touching itself at one corner
    expect(selfCrossing([[0, 0], [2, 2], [4, 0], [4, 4], [2, 2], [0, 4]])).toBeDefined();
  });

  it("tell inside from the boundary", () => {
    expect(inRing([20, 9], L_SHAPE, false)).toBe(true);
    expect(inRing([20, 15], L_SHAPE, false)).toBe(false); // in the notch of the L
    expect(inRing([33, 15], L_SHAPE, false)).toBe(false);
    expect(inRing([33, 15], L_SHAPE, true)).toBe(true);
  });
});

describe("floor plan checks", () => {
  it("allow rooms that share walls and corners, a closing point and a hole", () => {
    const doc = site([
      room("corridor", L_SHAPE as unknown as number[][]),
      room("north", [[8, 11], [33, 11], [33, 20], [8, 20], [8, 11]]),
      room("south", [[8, 0], [36, 0], [36, 8], [8, 8]], { holes: [[[10, 2], [11, 2], [11, 3]]] }),
      room("upstairs", [[0, 0], [40, 0], [40, 20]], { floor: 2 }),
    ]);
    expect(checkShapes(doc)).toEqual([]);
  });

  it("reject a crossed outline and one without area", () => {
    const issues = checkShapes(site([room("bow", [[0, 0], [4, 4], [4, 0], [0, 4]]), room("flat", [[10, 0], [12, 0], [14, 0]])]));
    expect(issues).toEqual([
      { path: "areas.0.rooms.0.shapes.0.polygon", message: "the outline crosses itself: edge [0, 0]→[4, 4] meets edge [4, 0]→[0, 4]" },
      {
        path: "areas.0.rooms.1.shapes.0.polygon",
        message: "the outline has no area (fewer than 3 distinct points, or all on one line)",
      },
    ]);
  });

  it("reject rooms that overlap on the same floor, by crossing or by containment", () => {
    const issues = checkShapes(
      site([
        room("a", [[0, 0], [10, 0], [10, 10], [0, 10]]),
        room("b", [[8, 2], [14, 2], [14, 6], [8, 6]]),
        room("inner", [[2, 2], [3, 2], [3, 3], [2, 3]]),
      ]),
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["areas.0.rooms.1.shapes.0.polygon", 'overlaps room "a" (areas.0.rooms.0.shapes.0) on floor 1: edge [8, 2]→[14, 2] crosses edge [10, 0]→[10, 10]'],
      ["areas.0.rooms.2.shapes.0.polygon", 'overlaps room "a" (areas.0.rooms.0.shapes.0) on floor 1: point [2, 2] lies inside both'],
    ]);
  });

  it("allow a room inside another room's hole", () => {
    const doc = site([
      room("hall", [[0, 0], [10, 0], [10, 10], [0, 10]], { holes: [[[4, 4], [6, 4], [6, 6], [4, 6]]] }),
      room("kiosk", [[4, 4], [6, 4], [6, 6], [4, 6]]),
    ]);
    expect(checkShapes(doc)).toEqual([]);
  });

  it("reject a hole outside its room", () => {
    const doc = site([room("hall", [[0, 0], [10, 0], [10, 10], [0, 10]], { holes: [[[8, 8], [12, 8], [12, 9]]] })]);
    expect(checkShapes(doc)).toEqual([
      { path: "areas.0.rooms.0.shapes.0.holes.0", message: "the hole is not inside the room outline: point [12, 8] lies outside" },
    ]);
  });
});
