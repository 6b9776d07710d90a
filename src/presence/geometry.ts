/**
 * Floor-plan geometry for coordinate observations. A room shape is an outer ring plus holes;
 * all rings are tested together with the even–odd rule, so a point inside a hole is outside
 * the room, and concave outlines need no special handling.
 */
export type Point = readonly [number, number];

export interface Shape {
  readonly zoneId: string;
  readonly floor: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  /** Flat [x0, y0, x1, y1, …] per ring; the outer ring first. */
  readonly rings: readonly Float64Array[];
  /** Outer area minus holes (m²); smaller shapes are tested first. */
  readonly area: number;
}

export function makeShape(zoneId: string, floor: number, outer: readonly Point[], holes: readonly (readonly Point[])[]): Shape {
  const rings = [outer, ...holes].map(flatten);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of outer) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const area = ringArea(rings[0]!) - rings.slice(1).reduce((sum, r) => sum + ringArea(r), 0);
  return { zoneId, floor, minX, minY, maxX, maxY, rings, area };
}

function flatten(ring: readonly Point[]): Float64Array {
  const out = new Float64Array(ring.length * 2);
  ring.forEach(([x, y], i) => {
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  return out;
}

/** Shoelace formula, absolute value (ring orientation does not matter). */
export function ringArea(ring: Float64Array): number {
  let twice = 0;
  const n = ring.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) twice += ring[j]! * ring[i + 1]! - ring[i]! * ring[j + 1]!;
  return Math.abs(twice) / 2;
}

/**
 * Crossing-number test over every ring of the shape. Edges are half-open in y, so a point on
 * an edge shared by two adjacent rooms lands in exactly one of them.
 */
export function containsPoint(shape: Shape, x: number, y: number): boolean {
  if (x < shape.minX || x > shape.maxX || y < shape.minY || y > shape.maxY) return false;
  let inside = false;
  for (const ring of shape.rings) {
    const n = ring.length;
    for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
      const yi = ring[i + 1]!;
      const yj = ring[j + 1]!;
      if (yi > y !== yj > y) {
        const xi = ring[i]!;
        const xCross = xi + ((y - yi) * (ring[j]! - xi)) / (yj - yi);
        if (x < xCross) inside = !inside;
      }
    }
  }
  return inside;
}

/**
 * Shapes of one site grouped by floor, smallest first: when shapes overlap (a cell drawn
 * inside a hall) the most specific one wins, whatever order the config lists them in.
 */
export class FloorPlan {
  private readonly byFloor = new Map<number, Shape[]>();

  constructor(shapes: readonly Shape[]) {
    for (const s of shapes) {
      const list = this.byFloor.get(s.floor) ?? [];
      list.push(s);
      this.byFloor.set(s.floor, list);
    }
    // Array.prototype.sort is stable: equal areas keep config order.
    for (const list of this.byFloor.values()) list.sort((a, b) => a.area - b.area);
  }

  zoneAt(x: number, y: number, floor: number): string | null {
    const list = this.byFloor.get(floor);
    if (!list) return null;
    for (const s of list) if (containsPoint(s, x, y)) return s.zoneId;
    return null;
  }

  floors(): number[] {
    return [...this.byFloor.keys()].sort((a, b) => a - b);
  }
}
