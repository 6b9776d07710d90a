import type { ConfigIssue } from "../core/errors.js";
import { entries, field, joinPath, num, rooms, text } from "./raw.js";

/**
 * Floor-plan sanity: the presence engine maps coordinates to rooms with these polygons, so a
 * crossed outline or two overlapping rooms would silently put a tag in the wrong room.
 * Shared walls and corners between rooms are fine; only proper crossings and intrusions count.
 */
export type Pt = readonly [number, number];

const EPS = 1e-9;

export function checkShapes(doc: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const placed: Array<{ roomId: string; roomPath: string; path: string; floor: number; outer: Pt[]; holes: Pt[][] }> = [];
  for (const { room, path: roomPath } of rooms(doc)) {
    for (const [shape, s] of entries(field(room, "shapes"))) {
      const path = joinPath(roomPath, "shapes", s);
      const outer = ring(field(shape, "polygon"));
      if (!outer) continue;
      const outerIssue = ringProblem(outer, "outline");
      if (outerIssue) {
        issues.push({ path: joinPath(path, "polygon"), message: outerIssue });
        continue;
      }
      const holes: Pt[][] = [];
      for (const [rawHole, h] of entries(field(shape, "holes"))) {
        const hole = ring(rawHole);
        if (!hole) continue;
        const problem = ringProblem(hole, "hole") ?? holeOutside(hole, outer);
        if (problem) issues.push({ path: joinPath(path, "holes", h), message: problem });
        else holes.push(hole);
      }
      const floor = num(field(shape, "floor")) ?? 1;
      const roomId = text(field(room, "id")) ?? roomPath;
      for (const other of placed) {
        if (other.floor !== floor || other.roomPath === roomPath) continue;
        const overlap = overlapProblem(outer, holes, other.outer, other.holes);
        if (overlap) {
          issues.push({ path: joinPath(path, "polygon"), message: `overlaps room "${other.roomId}" (${other.path}) on floor ${floor}: ${overlap}` });
        }
      }
      placed.push({ roomId, roomPath, path, floor, outer, holes });
    }
  }
  return issues;
}

/** Points of a ring, without repeated consecutive points or a repeated closing point. */
function ring(raw: unknown): Pt[] | undefined {
  const pts: Pt[] = [];
  for (const [p] of entries(raw)) {
    const x = Array.isArray(p) ? num(p[0]) : undefined;
    const y = Array.isArray(p) ? num(p[1]) : undefined;
    if (x === undefined || y === undefined) return undefined; // the schema reports it
    const last = pts[pts.length - 1];
    if (!last || !same(last, [x, y])) pts.push([x, y]);
  }
  if (pts.length > 1 && same(pts[0]!, pts[pts.length - 1]!)) pts.pop();
  return pts;
}

function ringProblem(pts: Pt[], what: string): string | undefined {
  if (pts.length < 3 || pts.every((p) => sign(cross(pts[0]!, pts[1]!, p)) === 0)) {
    return `the ${what} has no area (fewer than 3 distinct points, or all on one line)`;
  }
  const crossing = selfCrossing(pts);
  return crossing ? `the ${what} crosses itself: edge ${edge(pts, crossing[0])} meets edge ${edge(pts, crossing[1])}` : undefined;
}

function holeOutside(hole: Pt[], outer: Pt[]): string | undefined {
  const out = hole.find((p) => !inRing(p, outer, true));
  return out ? `the hole is not inside the room outline: point ${fmt(out)} lies outside` : undefined;
}

function overlapProblem(a: Pt[], aHoles: Pt[][], b: Pt[], bHoles: Pt[][]): string | undefined {
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (crossesProperly(a[i]!, a[(i + 1) % a.length]!, b[j]!, b[(j + 1) % b.length]!)) {
        return `edge ${edge(a, i)} crosses edge ${edge(b, j)}`;
      }
    }
  }
  const inside = a.find((p) => strictlyInShape(p, b, bHoles)) ?? b.find((p) => strictlyInShape(p, a, aHoles));
  return inside ? `point ${fmt(inside)} lies inside both` : undefined;
}

/** First pair of edges that meet other than at their shared corner; edge k runs from point k to k+1. */
export function selfCrossing(pts: readonly Pt[]): [number, number] | undefined {
  const n = pts.length;
  for (let i = 0; i < n; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % n]!;
    for (let j = i + 1; j < n; j++) {
      const c = pts[j]!;
      const d = pts[(j + 1) % n]!;
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) {
        // Neighbours share a corner; they only go wrong when one folds back over the other.
        const [shared, p, q] = j === i + 1 ? [b, a, d] : [a, b, c];
        if (Math.abs(cross(p, shared, q)) < EPS && dot(p, shared, q) > 0) return [i, j];
      } else if (touches(a, b, c, d)) return [i, j];
    }
  }
  return undefined;
}

/** Inside the ring; points on the boundary count as inside when `boundary` is true. */
export function inRing(p: Pt, pts: readonly Pt[], boundary: boolean): boolean {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const a = pts[i]!;
    const b = pts[j]!;
    if (onSegment(p, a, b)) return boundary;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

function strictlyInShape(p: Pt, outer: Pt[], holes: Pt[][]): boolean {
  return inRing(p, outer, false) && !holes.some((h) => inRing(p, h, true));
}

/** z of (b - a) × (c - a) */
function cross(a: Pt, b: Pt, c: Pt): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/** (a - o) · (b - o) */
function dot(a: Pt, o: Pt, b: Pt): number {
  return (a[0] - o[0]) * (b[0] - o[0]) + (a[1] - o[1]) * (b[1] - o[1]);
}

function sign(v: number): number {
  return Math.abs(v) < EPS ? 0 : Math.sign(v);
}

/** Segments ab and cd cross at a point interior to both (touching and overlapping walls do not count). */
function crossesProperly(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const d1 = sign(cross(a, b, c));
  const d2 = sign(cross(a, b, d));
  const d3 = sign(cross(c, d, a));
  const d4 = sign(cross(c, d, b));
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** Segments ab and cd share at least one point. */
function touches(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  if (crossesProperly(a, b, c, d)) return true;
  return onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d);
}

function onSegment(p: Pt, a: Pt, b: Pt): boolean {
  return (
    sign(cross(a, b, p)) === 0 &&
    Math.min(a[0], b[0]) - EPS <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) + EPS &&
    Math.min(a[1], b[1]) - EPS <= p[1] &&
    p[1] <= Math.max(a[1], b[1]) + EPS
  );
}

function same(a: Pt, b: Pt): boolean {
  return Math.abs(a[0] - b[0]) < EPS && Math.abs(a[1] - b[1]) < EPS;
}

function edge(pts: readonly Pt[], k: number): string {
  return `${fmt(pts[k]!)}→${fmt(pts[(k + 1) % pts.length]!)}`;
}

function fmt(p: Pt): string {
  return `[${p[0]}, ${p[1]}]`;
}
