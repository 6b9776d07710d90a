import type { Clock, TimerHandle } from "../../src/core/clock.js";
import type { GpioValue } from "../../src/transports/gpio.js";

export interface InputConfig {
  activeLow: boolean;
  debounceMs: number;
  edge: "both" | "rising" | "falling" | "none";
}

export interface InputChange {
  input: string;
  /** true = active. */
  value: boolean;
  previous: boolean | null;
  /** Whether this change is one the configured edge reports as an event. */
  event: boolean;
}

/**
 * One input line's level, debounced: a change counts once the line has been quiet for
 * `debounceMs` (a bouncing contact restarts the wait with every edge), and only if it differs
 * from the last counted level. Levels come from edge interrupts and from polling alike.
 */
export class DebouncedInput {
  private stable: boolean | null = null;
  private lastRaw: GpioValue | null = null;
  private timer: TimerHandle | null = null;

  constructor(
    readonly name: string,
    private readonly cfg: InputConfig,
    private readonly clock: Clock,
    private readonly onChange: (change: InputChange) => void,
  ) {}

  /** The counted level (true = active); null before the first reading. */
  get value(): boolean | null {
    return this.stable;
  }

  /** Level of a raw line value for this input. */
  logical(raw: GpioValue): boolean {
    return (raw === 1) !== this.cfg.activeLow;
  }

  /** The reading at start is taken as it is: no wait, no change reported. */
  initial(raw: GpioValue): void {
    this.lastRaw = raw;
    this.stable = this.logical(raw);
  }

  /** An edge interrupt: the line moved, even if it reads the same again (bounce). */
  edge(raw: GpioValue): void {
    this.lastRaw = raw;
    this.restart();
  }

  /** A polled reading: only a level different from the last one seen is news. */
  poll(raw: GpioValue): void {
    if (raw === this.lastRaw) return;
    this.lastRaw = raw;
    this.restart();
  }

  cancel(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private restart(): void {
    this.cancel();
    if (this.cfg.debounceMs === 0) return this.settle();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.settle();
    }, this.cfg.debounceMs);
  }

  private settle(): void {
    if (this.lastRaw === null) return;
    const value = this.logical(this.lastRaw);
    if (value === this.stable) return;
    const previous = this.stable;
    this.stable = value;
    const e = this.cfg.edge;
    this.onChange({ input: this.name, value, previous, event: e === "both" || (e === "rising" && value) || (e === "falling" && !value) });
  }
}
