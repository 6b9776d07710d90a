/**
 * Injectable time. `now()` is wall-clock epoch ms (legal timestamps); `monotonic()` is a
 * never-going-back ms counter for durations and timers. Engines take a Clock so tests run
 * on fake time.
 */
export interface Clock {
  now(): number;
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number | NodeJS.Timeout;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { id: t };
  },
  clearTimeout: (h) => clearTimeout(h.id as NodeJS.Timeout),
};

/** Deterministic clock for tests: time moves only when `advance` is called. */
export class FakeClock implements Clock {
  private wall: number;
  private mono = 0;
  private nextId = 1;
  private timers = new Map<number, { at: number; fn: () => void }>();

  constructor(startEpochMs = Date.UTC(2026, 0, 1, 8, 0, 0)) {
    this.wall = startEpochMs;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.mono + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id as number);
  }

  /** Move both clocks forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= target && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const timer = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.wall += timer.at - this.mono;
      this.mono = timer.at;
      timer.fn();
    }
    this.wall += target - this.mono;
    this.mono = target;
  }

  /** Simulate an operator or NTP changing the wall clock without time passing. */
  jumpWall(ms: number): void {
    this.wall += ms;
  }
}
