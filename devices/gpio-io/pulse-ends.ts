import type { Clock, TimerHandle } from "../../src/core/clock.js";
import type { Logger } from "../../src/core/logger.js";

/**
 * The second half of a pulse: switching the output off again. A strike left energised is an
 * unlocked door, so the off-write is not bound by the command's deadline and is retried when it
 * fails; a later on/off of the same output supersedes it.
 */
export class PulseEnds {
  private readonly pending = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly switchOff: (output: string) => Promise<void>,
    private readonly log: Logger,
    private readonly retryMs = 250,
    private readonly maxAttempts = 20,
  ) {}

  schedule(output: string, ms: number): void {
    this.cancel(output);
    this.arm(output, ms, 1);
  }

  cancel(output: string): void {
    const t = this.pending.get(output);
    if (t) this.clock.clearTimeout(t);
    this.pending.delete(output);
  }

  /** Outputs with an off-write still to come. */
  outputs(): string[] {
    return [...this.pending.keys()];
  }

  cancelAll(): void {
    for (const output of this.outputs()) this.cancel(output);
  }

  private arm(output: string, ms: number, attempt: number): void {
    const timer = this.clock.setTimeout(() => void this.fire(output, timer, attempt), ms);
    this.pending.set(output, timer);
  }

  private async fire(output: string, timer: TimerHandle, attempt: number): Promise<void> {
    try {
      await this.switchOff(output);
      if (this.pending.get(output) === timer) this.pending.delete(output);
    } catch (err) {
      if (this.pending.get(output) !== timer) return; // superseded meanwhile
      if (attempt >= this.maxAttempts) {
        this.pending.delete(output);
        this.log.error({ err, output, attempt }, "pulsed output could not be switched off; it may still be on");
        return;
      }
      this.log.warn({ err, output, attempt }, "switching a pulsed output off failed; retrying");
      this.arm(output, this.retryMs, attempt + 1);
    }
  }
}
