/**
 * Exponential backoff with full jitter (AWS architecture blog "Exponential Backoff and Jitter"):
 * delay = random(0, min(cap, base * 2^attempt)), never below `min`. Jitter keeps a fleet of
 * devices that lost the same bus from retrying in lockstep.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  minMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions) {}

  next(): number {
    const { baseMs, capMs, minMs = Math.min(baseMs, capMs), random = Math.random } = this.opts;
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.max(minMs, Math.round(random() * ceiling));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
