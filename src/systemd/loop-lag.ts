import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** Reports the longest event-loop stall seen recently, in milliseconds. */
export interface LoopLagProbe {
  maxLagMs(): number;
  close(): void;
}

/**
 * Event-loop stall detector built on `perf_hooks.monitorEventLoopDelay`. The histogram is
 * rotated every `windowMs`; `maxLagMs()` covers the current and the previous window, so a
 * reading never depends on who else asked before (reads have no side effects).
 */
export class EventLoopLagProbe implements LoopLagProbe {
  private readonly histogram: IntervalHistogram;
  private readonly rotation: NodeJS.Timeout;
  private previousMaxNs = 0;

  constructor(opts: { windowMs?: number; resolutionMs?: number } = {}) {
    this.histogram = monitorEventLoopDelay({ resolution: opts.resolutionMs ?? 20 });
    this.histogram.enable();
    this.rotation = setInterval(() => this.rotate(), opts.windowMs ?? 10_000);
    // Measuring must never be the reason the process stays alive.
    this.rotation.unref();
  }

  maxLagMs(): number {
    return Math.max(this.previousMaxNs, this.histogram.max) / 1e6;
  }

  close(): void {
    clearInterval(this.rotation);
    this.histogram.disable();
  }

  private rotate(): void {
    this.previousMaxNs = this.histogram.max;
    this.histogram.reset();
  }
}
