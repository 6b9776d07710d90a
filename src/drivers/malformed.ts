import type { Logger } from "../core/logger.js";

/**
 * Counts undecodable messages without flooding anything: a broken gateway can send thousands a
 * second. The log gets one warn per interval (with how many were suppressed, the rest at debug);
 * the device state gets the counter on the first bad message, every `reportEvery` after, and
 * whenever `flush()` is called (e.g. at stop).
 */
export class MalformedCounter {
  private count = 0;
  private reported = 0;
  private lastWarnAt = -Infinity;
  private suppressed = 0;
  private lastReason = "";

  constructor(
    private readonly opts: {
      log: Logger;
      now: () => number;
      report: (values: { malformed: number; lastMalformedReason: string }) => void;
      reportEvery: number;
      warnIntervalMs?: number;
    },
  ) {}

  get total(): number {
    return this.count;
  }

  add(reason: string, topic: string): void {
    this.count++;
    this.lastReason = reason;
    const now = this.opts.now();
    if (now - this.lastWarnAt >= (this.opts.warnIntervalMs ?? 10_000)) {
      this.opts.log.warn({ topic, reason, suppressed: this.suppressed, total: this.count }, "malformed device message dropped");
      this.lastWarnAt = now;
      this.suppressed = 0;
    } else {
      this.suppressed++;
      this.opts.log.debug({ topic, reason }, "malformed device message dropped");
    }
    if (this.count === 1 || this.count % this.opts.reportEvery === 0) this.flush();
  }

  /** Report the counter if it changed since the last report. */
  flush(): void {
    if (this.count === this.reported) return;
    this.reported = this.count;
    this.opts.report({ malformed: this.count, lastMalformedReason: this.lastReason });
  }
}
