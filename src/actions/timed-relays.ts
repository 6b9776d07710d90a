import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { CommandResult } from "../drivers/contract.js";
import { pointKey, type CapabilityLookup } from "./door-site.js";
import { outputValue } from "./point-values.js";
import { sendSafely, type SendCommand } from "./sinks.js";

export interface RelayRun {
  readonly deviceId: string;
  readonly point: string;
  /** Who asked (a rule id) and why: carried in the command and the audit. */
  readonly requestedBy: string;
  readonly reason: string;
}

export interface TimedRelaysOptions {
  readonly clock: Clock;
  readonly send: SendCommand;
  readonly capabilityOf: CapabilityLookup;
  readonly commandTimeoutMs: number;
  /** Told about every on/off command and how it ended. */
  readonly onResult: (run: RelayRun, on: boolean, values: Record<string, unknown>, result: CommandResult) => void;
  readonly log?: Logger;
  /** Off-commands that fail are retried this often, this many times (a siren left on is not left on). */
  readonly offRetryMs?: number;
  readonly offAttempts?: number;
}

interface Active {
  run: RelayRun;
  until: number;
  timer: TimerHandle;
}

/**
 * Sirens and beacons: on for N seconds, then off. A second alarm on the same output extends the
 * time instead of sending a second on. The off is retried until the device takes it.
 */
export class TimedRelays {
  private readonly active = new Map<string, Active>();

  constructor(private readonly opts: TimedRelaysOptions) {}

  switchOn(run: RelayRun, forMs: number): void {
    const key = pointKey(run.deviceId, run.point);
    const now = this.opts.clock.now();
    const current = this.active.get(key);
    if (current) {
      if (now + forMs <= current.until) return;
      this.opts.clock.clearTimeout(current.timer);
    } else {
      this.command(run, true);
    }
    const timer = this.opts.clock.setTimeout(() => this.expire(key), forMs);
    this.active.set(key, { run: current?.run ?? run, until: now + forMs, timer });
  }

  /** Outputs currently held on, with when they go off. */
  running(): Array<{ deviceId: string; point: string; until: number }> {
    return [...this.active.values()].map((a) => ({ deviceId: a.run.deviceId, point: a.run.point, until: a.until }));
  }

  /** Switch everything off now (daemon stopping). */
  async stopAll(): Promise<void> {
    const all = [...this.active.values()];
    this.active.clear();
    await Promise.all(
      all.map((a) => {
        this.opts.clock.clearTimeout(a.timer);
        return this.command({ ...a.run, reason: "stopping" }, false);
      }),
    );
  }

  private expire(key: string): void {
    const a = this.active.get(key);
    if (!a) return;
    this.active.delete(key);
    void this.offWithRetry(a.run, this.opts.offAttempts ?? 5);
  }

  private async offWithRetry(run: RelayRun, attemptsLeft: number): Promise<void> {
    const ok = await this.command(run, false);
    if (ok || attemptsLeft <= 1 || this.active.has(pointKey(run.deviceId, run.point))) return;
    this.opts.clock.setTimeout(() => void this.offWithRetry(run, attemptsLeft - 1), this.opts.offRetryMs ?? 2_000);
  }

  private async command(run: RelayRun, on: boolean): Promise<boolean> {
    const { clock, send, capabilityOf, commandTimeoutMs } = this.opts;
    const values = { [run.point]: outputValue(on, capabilityOf(run.deviceId, run.point)) };
    const now = clock.now();
    const result = await sendSafely(send, run.deviceId, {
      id: `relay-${run.deviceId}-${run.point}-${now}-${on ? "on" : "off"}`,
      values,
      origin: "rule",
      requestedBy: run.requestedBy,
      reason: run.reason,
      deadline: now + commandTimeoutMs,
    });
    this.opts.onResult(run, on, values, result);
    if (result.status !== "ok") this.opts.log?.warn({ device: run.deviceId, point: run.point, on, result }, "relay command failed");
    return result.status === "ok";
  }
}
