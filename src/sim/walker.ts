import { distance, lerp } from "./geometry.js";
import type { Spot } from "./floorplan.js";

/** Something that stands somewhere and may be walking a list of waypoints. */
export class Walker {
  private path: Spot[] = [];

  constructor(public spot: Spot) {}

  get walking(): boolean {
    return this.path.length > 0;
  }

  walkTo(waypoints: readonly Spot[]): void {
    this.path = [...waypoints];
  }

  /** Put the walker somewhere without walking (arrival through the entrance). */
  place(spot: Spot): void {
    this.spot = spot;
    this.path = [];
  }

  /** Move up to `metres` along the path; floors change at a waypoint (stairs are not modelled). */
  advance(metres: number): void {
    let left = metres;
    while (left > 0 && this.path.length) {
      const next = this.path[0]!;
      const d = next.floor === this.spot.floor ? distance(this.spot.p, next.p) : 0;
      if (d <= left) {
        this.spot = next;
        this.path.shift();
        left -= d;
      } else {
        this.spot = { p: lerp(this.spot.p, next.p, left / d), floor: this.spot.floor };
        left = 0;
      }
    }
  }
}
