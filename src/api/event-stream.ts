import type { ServerResponse } from "node:http";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { EventEnvelope } from "../core/envelope.js";
import type { Logger } from "../core/logger.js";
import { canonicalJson } from "../store/chain.js";
import type { Outbox } from "../store/outbox.js";
import { eventFrame, SseClient, type DropReason, type Frame } from "./sse-client.js";

export interface EventStreamOptions {
  readonly outbox: Outbox;
  readonly log: Logger;
  /** Comment line sent to every client this often so proxies and clients see a live link. Default 15 s. */
  readonly heartbeatMs?: number;
  /** Per client: unsent bytes at the start of a turn that make it too slow (dropped). Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Per client: live events held while it catches up. Default 10,000. */
  readonly maxBacklog?: number;
  /** Outbox rows read per catch-up step; the loop yields between steps. Default 256. */
  readonly pageSize?: number;
  /** Suggested reconnect delay sent to clients (`retry:`). Default 2000 ms. */
  readonly retryMs?: number;
}

export interface EventStreamStats {
  readonly clients: number;
  readonly connected: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly framesSent: number;
}

/** Where a client wants to start: after a seq it has (resume), or at the live edge. */
export interface StreamStart {
  readonly afterSeq?: number;
  readonly categories?: ReadonlySet<string>;
}

/**
 * Server-Sent Events of every committed event, in seq order, with `id: <seq>`.
 *
 * The live path listens to the outbox's commits rather than the in-process bus: an id is then
 * a durable resume point (an event sent here cannot vanish in a crash and have its seq reused),
 * and audit records and SEQ_SKIPPED fillers, which do not pass the bus, are part of the stream
 * too, so a client sees the same gap-free sequence central does. The commit listener only
 * queues; frames are built and written on the next turn, outside the committing transaction.
 */
export class EventStream {
  private readonly clients = new Set<SseClient>();
  private queue: EventEnvelope[] = [];
  private scheduled = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly offCommit: () => void;
  private connected = 0;
  private framesSent = 0;
  private readonly dropped: Record<DropReason, number> = { slow: 0, backlog: 0 };
  private readonly limits;
  private readonly pageSize: number;
  private readonly retryMs: number;
  private readonly hooks = {
    sent: () => void this.framesSent++,
    dropped: (c: SseClient, reason: DropReason) => this.onDrop(c, reason),
  };

  constructor(private readonly opts: EventStreamOptions) {
    this.limits = { maxBufferedBytes: opts.maxBufferedBytes ?? 1 << 20, maxBacklog: opts.maxBacklog ?? 10_000 };
    this.pageSize = opts.pageSize ?? 256;
    this.retryMs = opts.retryMs ?? 2000;
    this.offCommit = opts.outbox.onCommit((events) => {
      // Runs inside the outbox's commit: never throw, never work here.
      if (this.clients.size === 0) return;
      for (const e of events) this.queue.push(e);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.fanOut());
      }
    });
    this.heartbeat = setInterval(() => this.beat(), opts.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  stats(): EventStreamStats {
    return { clients: this.clients.size, connected: this.connected, dropped: { ...this.dropped }, framesSent: this.framesSent };
  }

  /** Takes over an HTTP response: writes the SSE head, replays what the client missed, then streams live. */
  open(res: ServerResponse, start: StreamStart): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.socket?.setNoDelay(true);
    const committed = this.opts.outbox.committedSeq;
    const client = new SseClient(res, start.afterSeq ?? committed, start.categories ?? null, this.limits, this.hooks);
    this.clients.add(client);
    this.connected++;
    client.onClose(() => this.clients.delete(client));
    client.write(`retry: ${this.retryMs}\n: custody-edge events, committed seq ${committed}\n\n`);
    if (start.afterSeq === undefined) {
      client.goLive();
      return;
    }
    this.catchUp(client, start.afterSeq).catch((err: unknown) => {
      this.opts.log.error({ err }, "event stream catch-up failed");
      client.end();
    });
  }

  /** Ends every connection and stops listening (daemon stop). */
  close(): void {
    clearInterval(this.heartbeat);
    this.offCommit();
    for (const c of [...this.clients]) c.end();
    this.clients.clear();
  }

  private async catchUp(client: SseClient, afterSeq: number): Promise<void> {
    const outbox = this.opts.outbox;
    if (afterSeq > outbox.committedSeq) {
      // Not a seq of this store (another gateway's, or a store that was replaced): start live.
      client.write(gapEvent({ after: afterSeq, resumeAt: outbox.committedSeq + 1, reason: "unknown_seq" }));
      client.lastSeq = outbox.committedSeq;
      client.goLive();
      return;
    }
    let next = afterSeq + 1;
    for (;;) {
      const rows = outbox.readRows(next, this.pageSize);
      const first = rows[0];
      if (!first) break;
      // Acked by central (or dropped by retention) and deleted: say so, the client refetches snapshots.
      if (first.seq > next) client.write(gapEvent({ after: next - 1, resumeAt: first.seq, reason: "not_stored" }));
      for (const r of rows) client.replay(eventFrame(r.seq, r.category, r.body));
      next = rows[rows.length - 1]!.seq + 1;
      await client.roomOrClose();
      if (client.isClosed) return;
      await nextTurn();
      if (client.isClosed) return;
    }
    client.goLive();
  }

  private fanOut(): void {
    this.scheduled = false;
    const events = this.queue;
    this.queue = [];
    if (this.clients.size === 0) return;
    const clients = [...this.clients].filter((c) => c.keepsPace());
    for (const e of events) {
      const frame: Frame = eventFrame(e.seq, e.category, canonicalJson(e));
      for (const c of clients) c.push(frame);
    }
  }

  private beat(): void {
    const line = `: heartbeat ${this.opts.outbox.committedSeq}\n\n`;
    for (const c of [...this.clients]) if (c.keepsPace()) c.write(line);
  }

  private onDrop(c: SseClient, reason: DropReason): void {
    this.dropped[reason]++;
    this.clients.delete(c);
    this.opts.log.warn({ reason, lastSeq: c.lastSeq }, "event stream client dropped: not reading fast enough");
  }
}

function gapEvent(data: { after: number; resumeAt: number; reason: "not_stored" | "unknown_seq" }): string {
  return `event: gap\ndata: ${JSON.stringify(data)}\n\n`;
}
