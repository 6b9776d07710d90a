import { describe, expect, it } from "vitest";
import { centroid, detourVia, distanceToRing, doorway, nearestInside, pointInShape, samplePoint, segmentInside, type Shape } from "../../src/sim/geometry.js";
import { createRng } from "../../src/sim/random.js";

const L: Shape = {
  // An L-shaped room with a pillar (hole) in its long arm.
  polygon: [
    [0, 0],
    [10, 0],
    [10, 2],
    [2, 2],
    [2, 8],
    [0, 8],
  ],
  holes: [
    [
      [5, 0.5],
      [6, 0.5],
      [6, 1.5],
      [5, 1.5],
    ],
  ],
};

describe("simulator geometry", () => {
  it("knows inside, outside and holes of a non-convex room", () => {
    expect(pointInShape([1, 7], L)).toBe(true);
    expect(pointInShape([8, 1.8], L)).toBe(true);
    expect(pointInShape([5, 5], L)).toBe(false);
    expect(pointInShape([5.5, 1], L)).toBe(false);
  });

  it("samples points inside, away from walls, the same for the same seed", () => {
    const a = createRng(1);
    const pts = Array.from({ length: 500 }, () => samplePoint(L, () => a.next()));
    for (const p of pts) {
      expect(pointInShape(p, L)).toBe(true);
      expect(distanceToRing(p, L.polygon)).toBeGreaterThanOrEqual(0.3);
    }
    const b = createRng(1);
    expect(samplePoint(L, () => b.next())).toEqual(pts[0]);
  });

  it("steps into the nearest part of a shape from outside", () => {
    const q = nearestInside(L, [3.5, 3]);
    expect(pointInShape(q, L)).toBe(true);
    expect(q[0]).toBeCloseTo(3.5);
    expect(q[1]).toBeCloseTo(1.5);
    expect(nearestInside(L, [1, 1])).toEqual([1, 1]);
    expect(centroid([[0, 0], [4, 0], [4, 2], [0, 2]])).toEqual([2, 1]);
  });

  it("finds the doorway in a shared wall and the corner around a concave corridor or a column", () => {
    const room: Shape = { polygon: [[2, 2], [6, 2], [6, 6], [2, 6]], holes: [] };
    const door = doorway(room, L)!;
    expect(door.inA[1]).toBeCloseTo(2.4);
    expect(door.inB[1]).toBeCloseTo(1.6);
    expect(pointInShape(door.inA, room) && pointInShape(door.inB, L)).toBe(true);
    expect(doorway({ polygon: [[20, 20], [21, 20], [21, 21]], holes: [] }, L)).toBeUndefined();

    // Across the inner corner of the L, and past the pillar.
    expect(segmentInside(L, [1, 7], [9, 1.8])).toBe(false);
    const corner = detourVia(L, [1, 7], [9, 1.8])!;
    expect(segmentInside(L, [1, 7], corner) && segmentInside(L, corner, [9, 1.8])).toBe(true);
    expect(segmentInside(L, [4.5, 0.2], [6.5, 1.8])).toBe(false);
    const pillar = detourVia(L, [4.5, 0.2], [6.5, 1.8], 0.25)!;
    expect(segmentInside(L, [4.5, 0.2], pillar) && segmentInside(L, pillar, [6.5, 1.8])).toBe(true);
  });
});
