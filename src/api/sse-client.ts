import type { ServerResponse } from "node:http";

/** One event as it goes on the wire, built once and shared by every client. */
export interface Frame {
  readonly seq: number;
  readonly category: string;
  /** `id: <seq>\ndata: <canonical JSON>\n\n` */
  readonly text: string;
}

export function eventFrame(seq: number, category: string, body: string): Frame {
  return { seq, category, text: `id: ${seq}\ndata: ${body}\n\n` };
}

export interface SseClientLimits {
  /** Bytes the response may hold unsent before the client counts as too slow. */
  readonly maxBufferedBytes: number;
  /** Live events kept while the client is still catching up from the outbox. */
  readonly maxBacklog: number;
}

export type DropReason = "slow" | "backlog";

/** What the hub learns from a client: each frame written, and a drop. */
export interface SseClientHooks {
  sent(): void;
  dropped(c: SseClient, reason: DropReason): void;
}

/**
 * One Server-Sent Events connection. It starts in catch-up (replaying the outbox after its
 * Last-Event-ID) while live events wait in a bounded backlog, then goes live. A client that
 * does not read fast enough is disconnected, never buffered without bound: it reconnects with
 * its Last-Event-ID and the outbox, not this process's memory, covers the difference.
 */
export class SseClient {
  /** Highest seq delivered or passed over by the filter. */
  lastSeq: number;
  private live = false;
  private closed = false;
  private backlog: Frame[] = [];
  private readonly closeListeners = new Set<() => void>();

  constructor(
    readonly res: ServerResponse,
    afterSeq: number,
    private readonly categories: ReadonlySet<string> | null,
    private readonly limits: SseClientLimits,
    private readonly hooks: SseClientHooks,
  ) {
    this.lastSeq = afterSeq;
    res.on("close", () => this.markClosed());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Calls `fn` once the connection is closed (at once if it is); returns a function that cancels it. */
  onClose(fn: () => void): () => void {
    if (this.closed) fn();
    else this.closeListeners.add(fn);
    return () => this.closeListeners.delete(fn);
  }

  /** A committed event from the live path. */
  push(f: Frame): void {
    if (this.closed || f.seq <= this.lastSeq) return;
    if (this.live) return this.deliver(f);
    if (this.backlog.length >= this.limits.maxBacklog) return this.drop("backlog");
    this.backlog.push(f);
  }

  /** A replayed event from the outbox during catch-up. */
  replay(f: Frame): void {
    if (!this.closed && f.seq > this.lastSeq) this.deliver(f);
  }

  /** Catch-up is done: send what arrived meanwhile, then follow the live path. */
  goLive(): void {
    const waiting = this.backlog;
    this.backlog = [];
    this.live = true;
    for (const f of waiting) if (f.seq > this.lastSeq && !this.closed) this.deliver(f);
  }

  /** Raw text: comments (heartbeats), `retry:` and named control events. */
  write(text: string): void {
    if (!this.closed) this.res.write(text);
  }

  /**
   * Called once per turn of the hub (fan-out, heartbeat), not per write: a burst of one commit
   * always goes out whole, and a client that has not taken the previous turn's output by the
   * next one is dropped. Memory per client stays under the limit plus one commit's burst.
   */
  keepsPace(): boolean {
    if (this.closed) return false;
    if (this.res.writableLength <= this.limits.maxBufferedBytes) return true;
    this.drop("slow");
    return false;
  }

  /** True while the unsent output is below half the limit (catch-up reads the next page only then). */
  get hasRoom(): boolean {
    return this.res.writableLength <= this.limits.maxBufferedBytes / 2;
  }

  /** Resolves once the output drained below the limit or the connection closed. */
  async roomOrClose(): Promise<void> {
    if (this.closed || this.hasRoom) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off("drain", done);
        cancel();
        resolve();
      };
      this.res.once("drain", done);
      const cancel = this.onClose(done);
    });
  }

  end(): void {
    if (this.closed) return;
    this.res.end();
    this.markClosed();
  }

  private deliver(f: Frame): void {
    this.lastSeq = f.seq;
    if (this.categories && !this.categories.has(f.category)) return;
    this.write(f.text);
    if (!this.closed) this.hooks.sent();
  }

  private drop(reason: DropReason): void {
    if (this.closed) return;
    this.hooks.dropped(this, reason);
    // Destroy rather than end: ending would queue behind the very bytes the client is not reading.
    this.res.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.backlog = [];
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    for (const fn of listeners) fn();
  }
}
