import { systemClock, type Clock, type TimerHandle } from "../core/clock.js";

/** A queued request whose deadline passed before its turn came: dropped, never run late. */
export class StaleRequestError extends Error {
  override name = "StaleRequestError";
  constructor(
    readonly bus: string,
    readonly deadline: number,
  ) {
    super(`request on ${bus} dropped: its deadline ${new Date(deadline).toISOString()} passed while it waited for the bus`);
  }
}

/** No complete reply frame within the timeout. `partial` holds what did arrive. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
  constructor(
    readonly timeoutMs: number,
    readonly partial: Buffer,
  ) {
    super(`no complete reply within ${timeoutMs} ms (${partial.length} byte(s) received${partial.length ? `: ${partial.subarray(0, 32).toString("hex")}` : ""})`);
  }
}

export interface ExclusiveOptions {
  /** Epoch ms (clock.now()); reaching it while queued rejects with StaleRequestError. */
  deadline?: number;
  /** Aborting removes a queued request; a running one is told through its own code. */
  signal?: AbortSignal;
}

export interface RequestBusOptions {
  clock?: Clock;
  /** Quiet time after each exclusive section, e.g. RS-485 driver turnaround or Modbus 3.5 chars. */
  turnaroundMs?: number;
  /** Names the bus in errors and logs. */
  label?: string;
}

interface Waiter<H> {
  run: (handle: H) => void;
  reject: (err: unknown) => void;
  deadline: number | undefined;
  signal: AbortSignal | undefined;
  cleanup: () => void;
}

/**
 * Master/slave discipline for a shared half-duplex bus: one caller at a time, first come first
 * served. Timers come from the Clock, so tests drive deadlines with FakeClock.
 */
export class RequestBus<H> {
  private readonly queue: Waiter<H>[] = [];
  private busy = false;
  private closedWith: Error | null = null;
  private readonly clock: Clock;
  private readonly label: string;
  private readonly turnaroundMs: number;

  constructor(
    private readonly handle: H,
    opts: RequestBusOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.label = opts.label ?? "bus";
    this.turnaroundMs = opts.turnaroundMs ?? 0;
  }

  /** Requests waiting for their turn (not counting the running one). */
  get pending(): number {
    return this.queue.length;
  }

  run<T>(fn: (handle: H) => Promise<T>, opts: ExclusiveOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closedWith) return reject(this.closedWith);
      const { deadline, signal } = opts;
      if (signal?.aborted) return reject(signal.reason);
      if (deadline !== undefined && this.clock.now() >= deadline) return reject(new StaleRequestError(this.label, deadline));

      let timer: TimerHandle | null = null;
      const onAbort = () => this.drop(waiter, signal!.reason);
      const waiter: Waiter<H> = {
        deadline,
        signal,
        reject,
        run: (h) => {
          Promise.resolve()
            .then(() => fn(h))
            .then(resolve, reject)
            .finally(() => this.finished());
        },
        cleanup: () => {
          if (timer) this.clock.clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      if (deadline !== undefined) {
        timer = this.clock.setTimeout(() => this.drop(waiter, new StaleRequestError(this.label, deadline)), deadline - this.clock.now());
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Reject everything queued and refuse new work (the transport is closing for good). */
  close(err: Error): void {
    this.closedWith = err;
    for (const w of this.queue.splice(0)) {
      w.cleanup();
      w.reject(err);
    }
  }

  private drop(waiter: Waiter<H>, reason: unknown): void {
    const i = this.queue.indexOf(waiter);
    if (i < 0) return; // already running or settled
    this.queue.splice(i, 1);
    waiter.cleanup();
    waiter.reject(reason);
  }

  private pump(): void {
    while (!this.busy) {
      const next = this.queue.shift();
      if (!next) return;
      next.cleanup();
      // Re-check at the moment of starting: timers can lag, and wall time can jump.
      if (next.signal?.aborted) {
        next.reject(next.signal.reason);
        continue;
      }
      if (next.deadline !== undefined && this.clock.now() >= next.deadline) {
        next.reject(new StaleRequestError(this.label, next.deadline));
        continue;
      }
      this.busy = true;
      next.run(this.handle);
    }
  }

  private finished(): void {
    if (this.turnaroundMs <= 0) {
      this.busy = false;
      this.pump();
      return;
    }
    this.clock.setTimeout(() => {
      this.busy = false;
      this.pump();
    }, this.turnaroundMs);
  }
}

/** Returns the length of the first complete frame at the start of `buf`, or null to keep reading. May throw on a corrupt frame. */
export type FrameCompleteFn = (buf: Buffer) => number | null;

/** The two things a request needs from a byte transport. */
export interface ByteLink {
  write(data: Buffer): Promise<void>;
  onData(cb: (chunk: Buffer) => void): () => void;
}

/**
 * Write one frame and collect reply bytes until `isComplete` reports a whole frame, or time
 * out. Bytes after the frame are dropped: on a half-duplex bus they are noise. Call it inside
 * `lease.exclusive` so no other request interleaves.
 */
export function requestFrame(
  link: ByteLink,
  frame: Buffer,
  isComplete: FrameCompleteFn,
  timeoutMs: number,
  opts: { clock?: Clock; signal?: AbortSignal } = {},
): Promise<Buffer> {
  const clock = opts.clock ?? systemClock;
  return new Promise<Buffer>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (err: unknown, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clock.clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (reply) resolve(reply);
      else reject(err);
    };
    const onAbort = () => finish(opts.signal!.reason);
    // Listen before writing: a fast device can answer before write() resolves.
    const unsubscribe = link.onData((chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
      try {
        const n = isComplete(buf);
        if (n !== null) finish(null, buf.subarray(0, n));
      } catch (err) {
        finish(err);
      }
    });
    const timer = clock.setTimeout(() => finish(new RequestTimeoutError(timeoutMs, buf)), timeoutMs);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    link.write(frame).catch((err) => finish(err));
  });
}
