import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { sendSafely, type SendCommand } from "./sinks.js";

export interface HeartbeatSpec {
  readonly device: string;
  readonly everyS: number;
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface HeartbeatStatus {
  readonly device: string;
  readonly sent: number;
  readonly failed: number;
  readonly lastOkAt: number | null;
}

/**
 * Keepalives for relay boards with a deadman: the board drops its outputs to their hardware
 * default (maglocks released, strikes locked) when the host stops talking. While the daemon
 * runs, it keeps them alive; when it dies, the hardware default takes over. Heartbeats are not
 * audited (they are not actuations); failures are logged once per outage.
 */
export class Heartbeats {
  private readonly timers = new Map<string, TimerHandle>();
  private readonly status = new Map<string, { sent: number; failed: number; lastOkAt: number | null; failing: boolean }>();
  private running = false;

  constructor(
    private readonly specs: readonly HeartbeatSpec[],
    private readonly clock: Clock,
    private readonly send: SendCommand,
    private readonly log?: Logger,
  ) {}

  start(): void {
    this.running = true;
    for (const s of this.specs) {
      this.status.set(s.device, { sent: 0, failed: 0, lastOkAt: null, failing: false });
      void this.beat(s);
    }
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
  }

  statuses(): HeartbeatStatus[] {
    return [...this.status].map(([device, s]) => ({ device, sent: s.sent, failed: s.failed, lastOkAt: s.lastOkAt }));
  }

  private async beat(spec: HeartbeatSpec): Promise<void> {
    const everyMs = spec.everyS * 1000;
    const now = this.clock.now();
    const st = this.status.get(spec.device)!;
    st.sent++;
    const res = await sendSafely(this.send, spec.device, {
      id: `heartbeat-${spec.device}-${now}`,
      values: spec.values ?? { heartbeat: true },
      origin: "local",
      requestedBy: "heartbeat",
      reason: "keepalive",
      // A late keepalive is worthless; the next one is on its way.
      deadline: now + Math.max(50, everyMs / 2),
    });
    if (res.status === "ok") {
      if (st.failing) this.log?.info({ device: spec.device }, "heartbeat answered again");
      st.failing = false;
      st.lastOkAt = this.clock.now();
    } else {
      st.failed++;
      if (!st.failing) this.log?.warn({ device: spec.device, code: res.code, message: res.message }, "heartbeat failed; the board may revert its outputs");
      st.failing = true;
    }
    if (!this.running) return;
    const wait = Math.max(0, now + everyMs - this.clock.now());
    this.timers.set(spec.device, this.clock.setTimeout(() => void this.beat(spec), wait));
  }
}
