/** Plane geometry for the simulator: floor-plan points in metres, rings as in the site config. */
export type Point = readonly [number, number];
export type Ring = readonly Point[];

export interface Shape {
  readonly polygon: Ring;
  readonly holes: readonly Ring[];
}

/** Even-odd ray casting; points exactly on an edge may fall either way. */
export function pointInRing(p: Point, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInShape(p: Point, s: Shape): boolean {
  return pointInRing(p, s.polygon) && !s.holes.some((h) => pointInRing(p, h));
}

export function bounds(ring: Ring): { minX: number; minY: number; maxX: number; maxY: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of ring) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { minX, minY, maxX, maxY };
}

/** Area-weighted centroid (shoelace); falls back to the vertex mean for degenerate rings. */
export function centroid(ring: Ring): Point {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j]!;
    const [x1, y1] = ring[i]!;
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (Math.abs(a) < 1e-9) {
    const n = ring.length || 1;
    return [ring.reduce((s, p) => s + p[0], 0) / n, ring.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/**
 * A random point inside the shape, at least `margin` metres from its outer edges where the shape
 * allows it (people stand in rooms, not in walls). Rejection sampling in the bounding box.
 */
export function samplePoint(s: Shape, random: () => number, margin = 0.3): Point {
  const b = bounds(s.polygon);
  for (let i = 0; i < 200; i++) {
    const p: Point = [b.minX + random() * (b.maxX - b.minX), b.minY + random() * (b.maxY - b.minY)];
    if (pointInShape(p, s) && distanceToRing(p, s.polygon) >= margin) return p;
  }
  for (let i = 0; i < 200; i++) {
    const p: Point = [b.minX + random() * (b.maxX - b.minX), b.minY + random() * (b.maxY - b.minY)];
    if (pointInShape(p, s)) return p;
  }
  return centroid(s.polygon);
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

function closestOnSegment(p: Point, a: Point, b: Point): Point {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return [a[0] + t * dx, a[1] + t * dy];
}

export function closestOnRing(p: Point, ring: Ring): Point {
  let best: Point = ring[0]!;
  let bestD = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const q = closestOnSegment(p, ring[j]!, ring[i]!);
    const d = distance(p, q);
    if (d < bestD) {
      bestD = d;
      best = q;
    }
  }
  return best;
}

export function distanceToRing(p: Point, ring: Ring): number {
  return distance(p, closestOnRing(p, ring));
}

/**
 * The point of the shape nearest to `p`, moved `inset` metres past the edge so it is clearly
 * inside: where a person leaving a room steps into the corridor.
 */
export function nearestInside(s: Shape, p: Point, inset = 0.5): Point {
  if (pointInShape(p, s)) return p;
  const edge = closestOnRing(p, s.polygon);
  const d = distance(p, edge) || 1;
  const dir: Point = [(edge[0] - p[0]) / d, (edge[1] - p[1]) / d];
  for (let k = inset; k > 0.01; k /= 2) {
    const q: Point = [edge[0] + dir[0] * k, edge[1] + dir[1] * k];
    if (pointInShape(q, s)) return q;
  }
  const c = centroid(s.polygon);
  return pointInShape(c, s) ? c : edge;
}

/**
 * A doorway between two shapes that share a wall: the middle of the shared stretch of `a`'s
 * outline, with a standing point just inside each shape. Undefined when they do not touch.
 */
export function doorway(a: Shape, b: Shape, step = 0.25, inset = 0.4): { inA: Point; inB: Point } | undefined {
  const shared: Array<{ q: Point; n: Point }> = [];
  const ring = a.polygon;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p0 = ring[j]!;
    const p1 = ring[i]!;
    const len = distance(p0, p1);
    if (len === 0) continue;
    const n: Point = [-(p1[1] - p0[1]) / len, (p1[0] - p0[0]) / len];
    const count = Math.max(1, Math.ceil(len / step));
    for (let k = 0; k < count; k++) {
      const q = lerp(p0, p1, (k + 0.5) / count);
      if (distanceToRing(q, b.polygon) < 0.05) shared.push({ q, n });
    }
  }
  const mid = shared[Math.floor(shared.length / 2)];
  if (!mid) return undefined;
  const plus: Point = [mid.q[0] + mid.n[0] * inset, mid.q[1] + mid.n[1] * inset];
  const minus: Point = [mid.q[0] - mid.n[0] * inset, mid.q[1] - mid.n[1] * inset];
  if (pointInShape(plus, b) && pointInShape(minus, a)) return { inA: minus, inB: plus };
  if (pointInShape(minus, b) && pointInShape(plus, a)) return { inA: plus, inB: minus };
  return undefined;
}

/** Whether the straight walk from a to b stays inside the shape (checked every 0.25 m). */
export function segmentInside(s: Shape, a: Point, b: Point): boolean {
  const n = Math.max(1, Math.ceil(distance(a, b) / 0.25));
  for (let i = 0; i <= n; i++) if (!pointInShape(lerp(a, b, i / n), s)) return false;
  return true;
}

/**
 * A corner to walk around when the straight line from a to b would leave the shape (an
 * L-shaped corridor, a column in a room): the inside point next to a vertex of the outline or
 * of a hole that gives the shortest clear detour.
 */
export function detourVia(s: Shape, a: Point, b: Point, offset = 0.5): Point | undefined {
  let best: Point | undefined;
  let bestLen = Infinity;
  for (const [vx, vy] of [...s.polygon, ...s.holes.flat()]) {
    for (const [dx, dy] of [[1, 1], [1, -1], [-1, 1], [-1, -1]] as const) {
      const c: Point = [vx + dx * offset, vy + dy * offset];
      if (!pointInShape(c, s)) continue;
      const len = distance(a, c) + distance(c, b);
      if (len < bestLen && segmentInside(s, a, c) && segmentInside(s, c, b)) {
        bestLen = len;
        best = c;
      }
    }
  }
  return best;
}

/** Point at `t` (0…1) from a to b. */
export function lerp(a: Point, b: Point, t: number): Point {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}
