import { Backoff } from "../core/backoff.js";
import { systemClock, type Clock, type TimerHandle } from "../core/clock.js";
import { NotReadyError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { LeaseState, TransportKind } from "./lease.js";

/**
 * One open transport (a serial port, an MQTT client, an HID device, a GPIO chip) as the pool
 * sees it. Leases share a Connection; only the pool opens and closes it.
 */
export interface Connection<H> {
  readonly kind: TransportKind;
  readonly key: string;
  readonly state: LeaseState;
  readonly lastError: Error | undefined;
  readonly handle: H;
  onStateChange(cb: (state: LeaseState) => void): () => void;
  /** Present on byte-stream transports (serial, HID input reports). */
  onData?(cb: (chunk: Buffer) => void): () => void;
  /** Starts opening in the background; the state says how far it got. */
  open(): void;
  /** Final close: stops reopening, settles when the OS handle is gone. */
  close(): Promise<void>;
}

/** How fast a lost transport is retried: exponential from `initialMs`, capped at `maxMs`, jittered. */
export interface ReopenPolicy {
  initialMs: number;
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_REOPEN: ReopenPolicy = { initialMs: 250, maxMs: 10_000 };

/** Writing to, or requesting on, a transport that is not open. Transient by nature. */
export class TransportNotOpenError extends NotReadyError {
  override name = "TransportNotOpenError";
  constructor(key: string, state: LeaseState, cause?: Error) {
    super(`transport ${key} is not open (state ${state}${cause ? `: ${cause.message}` : ""})`);
  }
}

/** A set of listeners where one that throws is logged and never stops the others. */
export class Fanout<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  add(cb: (value: T) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  emit(value: T): void {
    for (const cb of [...this.listeners]) {
      try {
        cb(value);
      } catch (err) {
        this.log.error({ err }, `${this.what} listener threw`);
      }
    }
  }
}

/** State plus listeners: the part every connection shares. */
export abstract class ConnectionBase<H> implements Partial<Connection<H>> {
  private current: LeaseState = "reopening";
  private error: Error | undefined;
  private readonly stateListeners: Fanout<LeaseState>;

  constructor(
    readonly key: string,
    protected readonly log: Logger,
  ) {
    this.stateListeners = new Fanout(log, "transport state");
  }

  get state(): LeaseState {
    return this.current;
  }

  get lastError(): Error | undefined {
    return this.error;
  }

  onStateChange(cb: (state: LeaseState) => void): () => void {
    return this.stateListeners.add(cb);
  }

  protected setError(err: Error | undefined): void {
    this.error = err;
  }

  protected setState(next: LeaseState): void {
    if (next === "open") this.error = undefined;
    if (next === this.current) return;
    this.current = next;
    this.log.info({ state: next, err: this.error?.message }, "transport state");
    this.stateListeners.emit(next);
  }
}

/**
 * A connection the library cannot reconnect by itself (serial, HID, GPIO): on loss it goes
 * `reopening` and retries `openOnce` with backoff until it works or `close` is called.
 * Starts in `reopening` too: "not open yet, still trying" is the same thing to a driver.
 */
export abstract class ReopeningConnection<H> extends ConnectionBase<H> {
  private readonly backoff: Backoff;
  private timer: TimerHandle | null = null;
  private attempt: Promise<void> | null = null;
  private closing = false;
  private lastLogged = "";

  constructor(
    key: string,
    log: Logger,
    protected readonly clock: Clock = systemClock,
    reopen: ReopenPolicy = DEFAULT_REOPEN,
  ) {
    super(key, log);
    const opts = { baseMs: reopen.initialMs, capMs: reopen.maxMs };
    this.backoff = new Backoff(reopen.random ? { ...opts, random: reopen.random } : opts);
  }

  /** Open the underlying handle once; throw if it is not there (yet). */
  protected abstract openOnce(): Promise<void>;
  /** Close the underlying handle; must not throw. */
  protected abstract closeOnce(): Promise<void>;

  open(): void {
    if (this.closing || this.attempt || this.timer) return;
    this.attempt = this.tryOpen();
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.attempt;
    await this.closeOnce();
    this.setState("closed");
  }

  /** Subclasses call this when the open handle died (unplugged, PTY gone, I/O error). */
  protected lost(err: Error): void {
    if (this.closing || this.state !== "open") return;
    this.log.warn({ err: err.message }, "transport lost; reopening");
    this.setError(err);
    this.setState("reopening");
    void this.closeOnce().then(() => this.schedule());
  }

  private async tryOpen(): Promise<void> {
    try {
      await this.openOnce();
      if (this.closing) return; // close() closes what we just opened
      this.backoff.reset();
      this.lastLogged = "";
      this.setState("open");
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.setError(e);
      // Log a new reason once at warn; the same reason every few seconds only at debug.
      if (e.message !== this.lastLogged) this.log.warn({ err: e.message }, "transport cannot be opened; retrying");
      else this.log.debug({ err: e.message }, "transport still cannot be opened");
      this.lastLogged = e.message;
      this.setState("reopening");
      await this.closeOnce();
      this.schedule();
    } finally {
      this.attempt = null;
    }
  }

  private schedule(): void {
    if (this.closing || this.timer) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (!this.closing) this.attempt = this.tryOpen();
    }, this.backoff.next());
  }
}

/**
 * A reopening connection that also delivers inbound bytes (serial data, HID input reports).
 * Listeners belong to this object, not to the OS handle, so they survive every reopen.
 */
export abstract class ReopeningStreamConnection<H> extends ReopeningConnection<H> {
  protected readonly data: Fanout<Buffer>;

  constructor(key: string, log: Logger, clock?: Clock, reopen?: ReopenPolicy) {
    super(key, log, clock, reopen);
    this.data = new Fanout(log, "inbound data");
  }

  onData(cb: (chunk: Buffer) => void): () => void {
    return this.data.add(cb);
  }
}
