import type { EventEnvelope } from "../core/envelope.js";
import type { Sequencer } from "../core/events.js";
import type { Db } from "./db.js";

/**
 * Durable event log and sequence source. Events are buffered for one turn of the event loop
 * and committed together (group commit): one fsync for many events, and nothing on the
 * actuation path waits for the disk. `seq` continues from the highest committed row, so a
 * crash before commit never leaves a gap in what was accepted.
 */
export class Outbox implements Sequencer {
  private lastSeq: number;
  private pending: EventEnvelope[] = [];
  private scheduled = false;
  private readonly insert;
  private readonly listeners = new Set<(committed: readonly EventEnvelope[]) => void>();

  constructor(
    private readonly db: Db,
    readonly epoch: number,
  ) {
    const row = db.prepare<[], { maxSeq: number | null }>("SELECT MAX(seq) AS maxSeq FROM outbox").get();
    this.lastSeq = row?.maxSeq ?? 0;
    this.insert = db.prepare(
      "INSERT INTO outbox (seq, epoch, event_id, type, category, received_at, body) VALUES (@seq, @epoch, @eventId, @type, @category, @receivedAt, @body)",
    );
  }

  next(): number {
    return ++this.lastSeq;
  }

  append(event: EventEnvelope): void {
    this.pending.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Called after each commit with the events it made durable (uplink and tests listen). */
  onCommit(cb: (committed: readonly EventEnvelope[]) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.db.transaction((events: EventEnvelope[]) => {
      for (const e of events) {
        this.insert.run({ seq: e.seq, epoch: e.epoch, eventId: e.eventId, type: e.type, category: e.category, receivedAt: e.receivedAt, body: JSON.stringify(e) });
      }
    })(batch);
    for (const l of this.listeners) l(batch);
  }

  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM outbox").get() as { n: number }).n;
  }

  /** Committed events in seq order (for replay and tests). */
  read(fromSeq: number, limit: number): EventEnvelope[] {
    return this.db
      .prepare<[number, number], { body: string }>("SELECT body FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?")
      .all(fromSeq, limit)
      .map((r) => JSON.parse(r.body) as EventEnvelope);
  }
}
