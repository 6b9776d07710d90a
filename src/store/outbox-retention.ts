import { systemClock, type Clock, type TimerHandle } from "../core/clock.js";
import type { EventFactory } from "../core/events.js";
import type { Logger } from "../core/logger.js";
import type { Outbox } from "./outbox.js";

export interface RetentionLimits {
  /** Drop events older than this (gateway receive time). 0 = no age bound. */
  maxAgeMs: number;
  /** Drop the oldest once more than this many events wait. 0 = no bound. */
  maxRows: number;
  /** Drop the oldest once the waiting events' JSON exceeds this. 0 = no bound. */
  maxBytes: number;
}

export interface OverflowReport {
  reason: "age" | "rows" | "bytes";
  dropped: number;
  fromSeq: number;
  toSeq: number;
  droppedTotal: number;
}

/** When a size bound is hit, drop down to this share of it, so the bound is not hit every tick. */
const LOW_WATER = 0.9;

/**
 * Keeps the outbox within its configured bounds while central does not ack. When a bound is hit
 * the oldest events are deleted and an OUTBOX_OVERFLOW event says which seqs went and how many
 * were dropped in total: central sees the gap *and* its explanation. Never silent.
 */
export class OutboxRetention {
  readonly name = "outbox-retention";
  private timer: TimerHandle | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly outbox: Outbox,
    private readonly factory: EventFactory,
    private readonly limits: RetentionLimits,
    private readonly opts: { clock?: Clock; checkEveryMs?: number; log?: Logger } = {},
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  async start(): Promise<void> {
    this.check();
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Apply the bounds once; returns what was dropped, or undefined when within bounds. */
  check(): OverflowReport | undefined {
    const cut = this.cutPoint();
    if (!cut) return undefined;
    const { dropped, fromSeq, toSeq } = this.outbox.drop(cut.toSeq);
    if (dropped === 0) return undefined;
    const report: OverflowReport = { reason: cut.reason, dropped, fromSeq, toSeq, droppedTotal: this.outbox.stats().dropped };
    this.outbox.append(
      this.factory.make({
        type: "OUTBOX_OVERFLOW",
        category: "device",
        source: { origin: "engine:outbox" },
        subjects: [],
        payload: { ...report, limits: { ...this.limits } },
      }),
    );
    this.opts.log?.error(report, "outbox retention bound hit: oldest events dropped");
    return report;
  }

  private cutPoint(): { toSeq: number; reason: OverflowReport["reason"] } | undefined {
    const s = this.outbox.stats();
    const floor = s.floor.key;
    let toSeq = floor;
    let reason: OverflowReport["reason"] = "rows";
    const raise = (seq: number, why: OverflowReport["reason"]) => {
      if (seq > toSeq) {
        toSeq = seq;
        reason = why;
      }
    };
    if (this.limits.maxRows > 0 && s.rows > this.limits.maxRows) {
      raise(floor + (s.rows - Math.floor(this.limits.maxRows * LOW_WATER)), "rows");
    }
    if (this.limits.maxBytes > 0 && s.bytes > this.limits.maxBytes && s.rows > 0) {
      const perRow = s.bytes / s.rows;
      raise(floor + Math.ceil((s.bytes - this.limits.maxBytes * LOW_WATER) / perRow), "bytes");
    }
    if (this.limits.maxAgeMs > 0) {
      const oldest = this.outbox.oldestReceivedAt();
      const horizon = this.clock.now() - this.limits.maxAgeMs;
      if (oldest !== undefined && oldest < horizon) raise(this.lastSeqBefore(horizon, floor), "age");
    }
    return toSeq > floor ? { toSeq: Math.min(toSeq, s.head.key), reason } : undefined;
  }

  /** Highest seq received before `horizon`, scanning from the oldest (receive time rises with seq). */
  private lastSeqBefore(horizon: number, floor: number): number {
    let seq = floor;
    for (;;) {
      const rows = this.outbox.readRows(seq + 1, 1000);
      for (const r of rows) {
        if (r.receivedAt >= horizon) return seq;
        seq = r.seq;
      }
      if (rows.length < 1000) return seq;
    }
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.check();
      this.schedule();
    }, this.opts.checkEveryMs ?? 10_000);
  }
}
