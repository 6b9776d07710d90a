import type { RaiseAction } from "./dwell-conditions.js";
import type { RuleParams } from "./params.js";

interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

export interface HeldRaise {
  readonly action: RaiseAction;
  /** When it was first asked for (becomes the alarm's firstAt). */
  readonly at: number;
  readonly count: number;
}

export interface LimiterSnapshot {
  readonly buckets: Record<string, Bucket>;
  readonly held: Record<string, HeldRaise[]>;
  readonly dropped: Record<string, number>;
}

/**
 * Token bucket per device-health alarm type (R37): a burst passes, then raises of that type are
 * held back and released at the refill rate, oldest first. Critical raises and types not listed
 * never wait, so a battery flood cannot delay an escape or a duress alarm. Held raises beyond
 * `maxDeferred` per type are dropped and counted.
 */
export class DeviceHealthLimiter {
  private buckets: Record<string, Bucket> = {};
  private held: Record<string, HeldRaise[]> = {};
  private dropped: Record<string, number> = {};

  constructor(private readonly p: RuleParams["R37"]) {}

  /** True when the raise may go ahead now; false when it was held back. */
  admit(action: RaiseAction, now: number): boolean {
    if (action.severity >= 4 || !this.p.rateLimitedTypes.includes(action.type)) return true;
    const queue = (this.held[action.type] ??= []);
    const i = queue.findIndex((h) => h.action.dedupKey === action.dedupKey);
    if (i >= 0) {
      queue[i] = { ...queue[i]!, action, count: queue[i]!.count + 1 };
      return false;
    }
    const b = this.refill(action.type, now);
    if (queue.length === 0 && b.tokens >= 1) {
      this.buckets[action.type] = { tokens: b.tokens - 1, at: now };
      return true;
    }
    queue.push({ action, at: now, count: 1 });
    if (queue.length > this.p.maxDeferred) {
      queue.shift();
      this.dropped[action.type] = (this.dropped[action.type] ?? 0) + 1;
    }
    return false;
  }

  /** Whether a raise with this key is waiting (a second raise of it is merged, not re-logged). */
  isHeld(type: string, dedupKey: string): boolean {
    return this.held[type]?.some((h) => h.action.dedupKey === dedupKey) ?? false;
  }

  /** Drops a held raise whose condition ended before it was released. */
  withdraw(dedupKey: string): boolean {
    for (const queue of Object.values(this.held)) {
      const i = queue.findIndex((h) => h.action.dedupKey === dedupKey);
      if (i >= 0) {
        queue.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Held raises whose turn has come. */
  release(now: number): HeldRaise[] {
    const out: HeldRaise[] = [];
    for (const [type, queue] of Object.entries(this.held)) {
      if (queue.length === 0) continue;
      const b = this.refill(type, now);
      let tokens = b.tokens;
      while (queue.length > 0 && tokens >= 1) {
        out.push(queue.shift()!);
        tokens--;
      }
      // Stored only when spent: refilling from the last spend avoids summing rounding errors.
      if (tokens !== b.tokens) this.buckets[type] = { tokens, at: now };
    }
    return out;
  }

  stats(): { held: number; dropped: Readonly<Record<string, number>> } {
    return { held: Object.values(this.held).reduce((n, q) => n + q.length, 0), dropped: { ...this.dropped } };
  }

  snapshot(): LimiterSnapshot {
    return { buckets: { ...this.buckets }, held: Object.fromEntries(Object.entries(this.held).map(([k, v]) => [k, [...v]])), dropped: { ...this.dropped } };
  }

  restore(s: LimiterSnapshot | undefined): void {
    if (!s) return;
    this.buckets = { ...s.buckets };
    this.held = Object.fromEntries(Object.entries(s.held).map(([k, v]) => [k, [...v]]));
    this.dropped = { ...s.dropped };
  }

  private refill(type: string, now: number): Bucket {
    const b = this.buckets[type] ?? { tokens: this.p.burst, at: now };
    const tokens = Math.min(this.p.burst, b.tokens + ((now - b.at) * this.p.perMinute) / 60_000);
    return { tokens, at: now };
  }
}
