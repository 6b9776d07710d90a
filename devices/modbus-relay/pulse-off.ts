import type { Logger } from "../../src/core/logger.js";

interface Pending {
  address: number;
  timer: NodeJS.Timeout;
  attempts: number;
}

/**
 * The second half of a pulse: switching the output off again. A strike left energised is an
 * unlocked door, so the off-write is not bound by the command's deadline, is retried while the
 * bus is down, and is sent at once when the driver stops.
 */
export class PulseOff {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly switchOff: (name: string, address: number) => Promise<void>,
    private readonly log: Logger,
    private readonly retryMs = 250,
    private readonly maxAttempts = 40,
  ) {}

  /** Switch `name` off after `ms` (replacing an earlier pending pulse on it). */
  schedule(name: string, address: number, ms: number): void {
    this.cancel(name);
    this.pending.set(name, { address, attempts: 0, timer: setTimeout(() => void this.fire(name), ms) });
  }

  /** A later explicit on/off supersedes the pending off. */
  cancel(name: string): void {
    const p = this.pending.get(name);
    if (p) clearTimeout(p.timer);
    this.pending.delete(name);
  }

  has(name: string): boolean {
    return this.pending.has(name);
  }

  /** Send every pending off now, once each (driver stopping). */
  async flush(): Promise<void> {
    const all = [...this.pending];
    this.pending.clear();
    await Promise.all(
      all.map(async ([name, p]) => {
        clearTimeout(p.timer);
        await this.switchOff(name, p.address).catch((err) => this.log.error({ err, output: name }, "could not switch a pulsed output off while stopping; it may still be on"));
      }),
    );
  }

  private async fire(name: string): Promise<void> {
    const p = this.pending.get(name);
    if (!p) return;
    p.attempts++;
    try {
      await this.switchOff(name, p.address);
      if (this.pending.get(name) === p) this.pending.delete(name);
    } catch (err) {
      if (this.pending.get(name) !== p) return; // superseded meanwhile
      if (p.attempts >= this.maxAttempts) {
        this.pending.delete(name);
        this.log.error({ err, output: name, attempts: p.attempts }, "pulsed output could not be switched off; it may still be on");
        return;
      }
      this.log.warn({ err, output: name, attempt: p.attempts }, "switching a pulsed output off failed; retrying");
      p.timer = setTimeout(() => void this.fire(name), this.retryMs);
    }
  }
}
