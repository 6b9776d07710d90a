import type { CustodyWorld, SimTransition } from "./world.js";

/**
 * What the simulated world is going to do: a second world built from the same seed and plans,
 * stepped ahead of the live one on demand. The world is deterministic, so this is its real
 * future until someone outside steps in (`endHold`, which the forecast does not see). The demo
 * operator uses it to time the legal clock of the overdue incident, which runs on real time.
 */
export class WorldForecast {
  private readonly seen: SimTransition[] = [];
  private world: CustodyWorld | undefined;

  constructor(
    private readonly make: (onTransition: (t: SimTransition) => void) => CustodyWorld,
    private readonly dtMs: number,
    private readonly walkMs: number,
  ) {}

  /** The visit's transitions, until the person leaves or the shadow reaches `untilSimMs`. */
  visit(personId: string, untilSimMs: number): SimTransition[] {
    const world = (this.world ??= this.make((t) => this.seen.push(t)));
    while (!this.seen.some((t) => t.personId === personId && t.kind === "left") && world.now < untilSimMs) world.step(this.dtMs, this.walkMs);
    return this.seen.filter((t) => t.personId === personId);
  }
}
