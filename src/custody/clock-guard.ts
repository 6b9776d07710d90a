import type { Clock } from "../core/clock.js";

/**
 * The gateway's legal timebase: a millisecond counter that advances with the monotonic clock
 * while the daemon runs and with the wall clock across a restart, so a wall-clock step (an
 * operator setting the date, NTP stepping) never adds or removes custody time.
 *
 * - Legal *timestamps* (arrival, exit, event times) stay wall-clock facts, as given.
 * - Legal *durations* (elapsed custody time, pauses) are differences of marks of this counter.
 * - Each `check()` compares how far the wall clock moved with how far the monotonic clock
 *   moved; a difference above the threshold is a jump: reported, not followed.
 * - The counter is checkpointed (legal mark + wall time). After a restart it resumes at
 *   checkpoint + (wall now − checkpoint wall): the downtime as the wall clock measures it,
 *   never negative. A wall clock that went back while the daemon was down is reported too.
 */
export interface TimebaseCheckpoint {
  readonly legalMs: number;
  readonly wallMs: number;
}

export interface WallJump {
  /** "running": seen between two checks; "restart": the wall clock is behind the last checkpoint. */
  readonly phase: "running" | "restart";
  /** Wall movement minus real movement: > 0 the wall clock jumped forward, < 0 back. */
  readonly driftMs: number;
  readonly expectedWallMs: number;
  readonly wallMs: number;
  readonly legalMs: number;
}

export interface ClockGuardOptions {
  readonly clock: Clock;
  readonly checkpoint?: TimebaseCheckpoint;
  /** Drift between two checks that counts as a jump. Default 5000 ms. */
  readonly jumpThresholdMs?: number;
}

export class ClockGuard {
  private readonly clock: Clock;
  private readonly thresholdMs: number;
  private readonly baseLegal: number;
  private readonly baseMono: number;
  private lastWall: number;
  private lastMono: number;
  /** Set when the wall clock was found behind the checkpoint at start. */
  readonly startJump: WallJump | undefined;

  constructor(opts: ClockGuardOptions) {
    this.clock = opts.clock;
    this.thresholdMs = opts.jumpThresholdMs ?? 5000;
    const wall = this.clock.now();
    this.baseMono = this.clock.monotonic();
    this.lastWall = wall;
    this.lastMono = this.baseMono;
    const cp = opts.checkpoint;
    if (!cp) {
      this.baseLegal = wall;
      this.startJump = undefined;
      return;
    }
    const downMs = wall - cp.wallMs;
    this.baseLegal = cp.legalMs + Math.max(0, downMs);
    this.startJump =
      downMs < -this.thresholdMs ? { phase: "restart", driftMs: downMs, expectedWallMs: cp.wallMs, wallMs: wall, legalMs: this.baseLegal } : undefined;
  }

  /** The current legal mark. */
  legalNow(): number {
    return this.baseLegal + (this.clock.monotonic() - this.baseMono);
  }

  /** The legal mark of a wall time, converted through the present (so earlier jumps do not matter). */
  markOf(wallMs: number): number {
    return this.legalNow() - (this.clock.now() - wallMs);
  }

  /** The wall time, in the current wall frame, at which the legal counter reaches `mark`. */
  wallOf(mark: number): number {
    return this.clock.now() + (mark - this.legalNow());
  }

  /** Compare wall and monotonic movement since the last check; a jump is returned, not followed. */
  check(): WallJump | undefined {
    const wall = this.clock.now();
    const mono = this.clock.monotonic();
    const expected = this.lastWall + (mono - this.lastMono);
    const drift = wall - expected;
    this.lastWall = wall;
    this.lastMono = mono;
    if (Math.abs(drift) <= this.thresholdMs) return undefined;
    return { phase: "running", driftMs: drift, expectedWallMs: expected, wallMs: wall, legalMs: this.legalNow() };
  }

  checkpoint(): TimebaseCheckpoint {
    return { legalMs: this.legalNow(), wallMs: this.clock.now() };
  }
}
