import { TransportNotOpenError, type Connection } from "./connection.js";
import type { LeaseState, TransportKind, TransportLease } from "./lease.js";
import type { ExclusiveOptions, RequestBus } from "./request-bus.js";

/** One shared transport in the pool: the connection, its request queue and who holds it. */
export interface PoolEntry<H> {
  readonly connection: Connection<H>;
  readonly bus: RequestBus<H>;
  readonly holders: Set<PooledLease<H>>;
  /** The configuration the first holder opened it with (later holders must agree). */
  readonly config: unknown;
}

/**
 * One device's share of a pooled transport. Listeners a driver registers through its lease
 * are removed on release, and its queued exclusive requests are dropped, so a stopped driver
 * leaves nothing behind on a transport other devices keep using.
 */
export class PooledLease<H> implements TransportLease<H> {
  readonly onData?: (cb: (chunk: Buffer) => void) => () => void;
  private readonly unsubscribes = new Set<() => void>();
  private readonly revoked = new AbortController();
  private releasing: Promise<void> | null = null;

  constructor(
    readonly deviceId: string,
    private readonly entry: PoolEntry<H>,
    private readonly giveBack: (lease: PooledLease<H>) => Promise<void>,
  ) {
    const c = entry.connection;
    if (c.onData) {
      const subscribe = c.onData.bind(c);
      this.onData = (cb) => this.track(subscribe(cb));
    }
  }

  get kind(): TransportKind {
    return this.entry.connection.kind;
  }

  get key(): string {
    return this.entry.connection.key;
  }

  get state(): LeaseState {
    return this.releasing ? "closed" : this.entry.connection.state;
  }

  get lastError(): Error | undefined {
    return this.entry.connection.lastError;
  }

  get handle(): H {
    return this.entry.connection.handle;
  }

  onStateChange(cb: (state: LeaseState) => void): () => void {
    if (this.releasing) return () => {};
    return this.track(this.entry.connection.onStateChange(cb));
  }

  exclusive<T>(fn: (handle: H) => Promise<T>, opts: ExclusiveOptions = {}): Promise<T> {
    if (this.releasing) return Promise.reject(new TransportNotOpenError(this.key, "closed"));
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.revoked.signal]) : this.revoked.signal;
    return this.entry.bus.run(fn, opts.deadline === undefined ? { signal } : { signal, deadline: opts.deadline });
  }

  release(): Promise<void> {
    this.releasing ??= (async () => {
      for (const off of this.unsubscribes) off();
      this.unsubscribes.clear();
      this.revoked.abort(new TransportNotOpenError(this.key, "closed"));
      await this.giveBack(this);
    })();
    return this.releasing;
  }

  private track(off: () => void): () => void {
    this.unsubscribes.add(off);
    return () => {
      this.unsubscribes.delete(off);
      off();
    };
  }
}
