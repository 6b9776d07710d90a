import type { RoomType, SiteConfig } from "../config/schema.js";
import { centroid, detourVia, distanceToRing, doorway, nearestInside, pointInShape, samplePoint, segmentInside, type Point, type Shape } from "./geometry.js";
import type { Rng } from "./random.js";

/** A place on the floor plan. */
export interface Spot {
  readonly p: Point;
  readonly floor: number;
}

export interface PlanShape extends Shape {
  readonly floor: number;
}

export interface PlanRoom {
  readonly id: string;
  readonly type: RoomType;
  readonly capacity: number | undefined;
  readonly shapes: readonly PlanShape[];
}

/**
 * The rooms of a site config that have outlines, indexed for the simulator: which room a point
 * is in, rooms by type, and walking routes through the corridors.
 */
export class FloorPlan {
  readonly rooms: readonly PlanRoom[];
  private readonly corridors: readonly PlanShape[];
  /** Doorway into the corridor per room shape (computed on first use). */
  private readonly doors = new Map<PlanShape, [Spot, Spot] | undefined>();

  constructor(config: SiteConfig) {
    this.rooms = config.areas.flatMap((a) =>
      a.rooms
        .filter((r) => r.shapes.length > 0)
        .map((r) => ({ id: r.id, type: r.type, capacity: r.capacity, shapes: r.shapes.map((s) => ({ polygon: s.polygon, holes: s.holes, floor: s.floor })) })),
    );
    this.corridors = this.rooms.filter((r) => r.type === "corridor").flatMap((r) => r.shapes);
  }

  hasType(t: RoomType): boolean {
    return this.rooms.some((r) => r.type === t);
  }

  /** Rooms of the first listed type that exists. */
  roomsOfType(types: readonly RoomType[]): PlanRoom[] {
    for (const t of types) {
      const rs = this.rooms.filter((r) => r.type === t);
      if (rs.length) return rs;
    }
    return [];
  }

  room(id: string): PlanRoom | undefined {
    return this.rooms.find((r) => r.id === id);
  }

  /** The room containing the spot; a real room wins over a corridor drawn underneath it. */
  roomAt(s: Spot): PlanRoom | undefined {
    let corridor: PlanRoom | undefined;
    for (const r of this.rooms) {
      if (!r.shapes.some((sh) => sh.floor === s.floor && pointInShape(s.p, sh))) continue;
      if (r.type !== "corridor") return r;
      corridor ??= r;
    }
    return corridor;
  }

  /** A random standing place in the room (its first shape weighted like the others). */
  sample(room: PlanRoom, rng: Rng): Spot {
    const sh = room.shapes[rng.int(room.shapes.length)]!;
    return { p: samplePoint(sh, () => rng.next()), floor: sh.floor };
  }

  /** Where a node on the ceiling of this room would hang: the centroid of its first shape. */
  center(room: PlanRoom): Spot {
    const sh = room.shapes[0]!;
    return { p: centroid(sh.polygon), floor: sh.floor };
  }

  /**
   * Waypoints from `a` to `b`: through the doorway of the room into the corridor, along it
   * (around corners), through the doorway of the target room. Rooms that share no wall with a
   * corridor are left towards its nearest point. Without corridors it is a straight line.
   */
  route(a: Spot, b: Spot): Spot[] {
    const { toDoor, rest } = this.routeToDoor(a, b);
    return [...toDoor, ...rest];
  }

  /**
   * The same route cut at the target room's door: `toDoor` ends on the corridor side of it,
   * `rest` goes through the door to `b`. Without a corridor between, `toDoor` is the whole way.
   */
  routeToDoor(a: Spot, b: Spot): { toDoor: Spot[]; rest: Spot[] } {
    const ra = this.roomAt(a);
    const rb = this.roomAt(b);
    if ((ra && ra === rb && ra.type !== "corridor") || this.corridors.length === 0) return { toDoor: [b], rest: [] };
    const out = this.toCorridor(a, ra);
    const into = this.toCorridor(b, rb).reverse();
    const from = out.at(-1)!;
    const to = into[0]!;
    const corridor = this.corridorAt(to) ?? this.nearestCorridor(to);
    const path: Spot[] = [...out];
    if (corridor && from.floor === to.floor && !segmentInside(corridor, from.p, to.p)) {
      const via = detourVia(corridor, from.p, to.p);
      if (via) path.push({ p: via, floor: to.floor });
    }
    path.push(to);
    return { toDoor: path, rest: [...into.slice(1), b] };
  }

  /**
   * From a spot to a standing point in a corridor (a fresh array): [detour?, room side of the
   * door, corridor side], or the nearest corridor point when the room has no doorway.
   */
  private toCorridor(s: Spot, room: PlanRoom | undefined): Spot[] {
    if (room?.type === "corridor") return [s];
    const shape = room?.shapes.find((sh) => sh.floor === s.floor && pointInShape(s.p, sh));
    const door = shape && this.doorOf(shape);
    if (door) {
      const via = segmentInside(shape, s.p, door[0].p) ? undefined : detourVia(shape, s.p, door[0].p);
      return via ? [{ p: via, floor: s.floor }, ...door] : [...door];
    }
    const c = this.nearestCorridor(s);
    return c ? [{ p: nearestInside(c, s.p), floor: c.floor }] : [s];
  }

  private doorOf(shape: PlanShape): [Spot, Spot] | undefined {
    if (!this.doors.has(shape)) {
      let found: [Spot, Spot] | undefined;
      for (const c of this.corridors) {
        const d = c.floor === shape.floor ? doorway(shape, c) : undefined;
        if (d) {
          found = [
            { p: d.inA, floor: shape.floor },
            { p: d.inB, floor: c.floor },
          ];
          break;
        }
      }
      this.doors.set(shape, found);
    }
    return this.doors.get(shape);
  }

  private corridorAt(s: Spot): PlanShape | undefined {
    return this.corridors.find((c) => c.floor === s.floor && pointInShape(s.p, c));
  }

  private nearestCorridor(s: Spot): PlanShape | undefined {
    let best: PlanShape | undefined;
    let bestD = Infinity;
    for (const c of this.corridors) {
      const d = (pointInShape(s.p, c) ? 0 : distanceToRing(s.p, c.polygon)) + (c.floor === s.floor ? 0 : 1000);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  }
}
