import { systemClock, type Clock } from "../core/clock.js";
import { EventLoopLagProbe, type LoopLagProbe } from "./loop-lag.js";

/** Result of one health check; `reasons` is empty when healthy. */
export interface HealthVerdict {
  healthy: boolean;
  reasons: string[];
}

export interface HealthMonitorOptions {
  clock?: Clock;
  /** Stalls longer than this make the process unhealthy. Default 2000 ms. */
  maxLoopLagMs?: number;
  /** Defaults to a real `EventLoopLagProbe`; `null` disables the lag check. */
  loopLag?: LoopLagProbe | null;
}

interface Heartbeat {
  maxAgeMs: number;
  lastBeat: number;
}

/**
 * Liveness as the systemd watchdog should see it. A live event loop is not enough: every engine
 * registers a heartbeat and calls `beat()` on each tick, so one wedged pipeline stops the
 * watchdog pings even while timers still fire. Upstream connectivity is deliberately not a
 * heartbeat here: the outbox covers outages, a restart would not.
 */
export class HealthMonitor {
  private readonly clock: Clock;
  private readonly maxLoopLagMs: number;
  private readonly loopLag: LoopLagProbe | null;
  private readonly heartbeats = new Map<string, Heartbeat>();

  constructor(opts: HealthMonitorOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.maxLoopLagMs = opts.maxLoopLagMs ?? 2000;
    this.loopLag = opts.loopLag === undefined ? new EventLoopLagProbe() : opts.loopLag;
  }

  /**
   * Start tracking an engine. It counts as fresh now, so it has `maxAgeMs` for its first beat.
   * Names are unique: two engines sharing one would hide each other's stall.
   */
  register(name: string, maxAgeMs: number): () => void {
    if (this.heartbeats.has(name)) throw new Error(`heartbeat "${name}" is already registered`);
    if (!(maxAgeMs > 0)) throw new Error(`heartbeat "${name}": maxAgeMs must be > 0`);
    const hb: Heartbeat = { maxAgeMs, lastBeat: this.clock.monotonic() };
    this.heartbeats.set(name, hb);
    return () => {
      hb.lastBeat = this.clock.monotonic();
    };
  }

  /** Stop tracking an engine that was shut down on purpose (reload, device removed). */
  unregister(name: string): void {
    this.heartbeats.delete(name);
  }

  check(): HealthVerdict {
    const reasons: string[] = [];
    if (this.loopLag) {
      const lag = this.loopLag.maxLagMs();
      if (lag > this.maxLoopLagMs) {
        reasons.push(`event loop lag ${Math.round(lag)} ms > ${this.maxLoopLagMs} ms`);
      }
    }
    const now = this.clock.monotonic();
    for (const [name, hb] of this.heartbeats) {
      const age = now - hb.lastBeat;
      if (age > hb.maxAgeMs) reasons.push(`heartbeat "${name}" stale: ${Math.round(age)} ms > ${hb.maxAgeMs} ms`);
    }
    return { healthy: reasons.length === 0, reasons };
  }

  close(): void {
    this.loopLag?.close();
  }
}
