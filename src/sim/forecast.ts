import type { CustodyWorld, SimTransition } from "./world.js";

/**
 * What the simulated world is going to do: a second world built from the same seed and plans,
 * stepped ahead of the live one on demand. The world is deterministic, so this is its real
 * future, as long as every outside intervention (`endHold`) is told here too; one that lands
 * in what the forecast already stepped through makes it start over. The demo operator uses it
 * to time the legal clock of the overdue incident, which runs on real time.
 */
export class WorldForecast {
  private seen: SimTransition[] = [];
  private world: CustodyWorld | undefined;
  private readonly holdsEnded: Array<{ readonly at: number; readonly personId: string }> = [];
  /** How many of `holdsEnded` the forecast world has been told. */
  private applied = 0;

  constructor(
    private readonly make: (onTransition: (t: SimTransition) => void) => CustodyWorld,
    private readonly dtMs: number,
    private readonly walkMs: number,
  ) {}

  /** The live world ended a hold after the step that reached `atSimMs`. */
  endHold(personId: string, atSimMs: number): void {
    this.holdsEnded.push({ at: atSimMs, personId });
    if (this.world && this.world.now > atSimMs) {
      this.world = undefined;
      this.seen = [];
      this.applied = 0;
    }
  }

  /** The visit's transitions, until the person leaves or the forecast reaches `untilSimMs`. */
  visit(personId: string, untilSimMs: number): SimTransition[] {
    const world = (this.world ??= this.make((t) => this.seen.push(t)));
    const tell = () => {
      // In time order, and each right after the step that reached its time, as the live world had it.
      const due = this.holdsEnded.filter((h) => h.at <= world.now).sort((a, b) => a.at - b.at);
      for (const h of due.slice(this.applied)) world.endHold(h.personId);
      this.applied = due.length;
    };
    tell();
    while (!this.seen.some((t) => t.personId === personId && t.kind === "left") && world.now < untilSimMs) {
      world.step(this.dtMs, this.walkMs);
      tell();
    }
    return this.seen.filter((t) => t.personId === personId);
  }
}
