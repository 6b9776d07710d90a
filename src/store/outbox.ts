import type { EventEnvelope } from "../core/envelope.js";
import type { Sequencer } from "../core/events.js";
import { uuidv7 } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import { AuditChain, type AuditRecord } from "./audit-chain.js";
import { canonicalJson, chainHash, type ChainHead } from "./chain.js";
import type { Db } from "./db.js";
import { OutboxLedger, type LedgerState } from "./outbox-ledger.js";
import { outboxStatements, RecentRows, type OutboxRow } from "./outbox-rows.js";

export type { OutboxRow } from "./outbox-rows.js";

export interface OutboxOptions {
  /** Longest an appended event waits for its group commit. Default 5 ms. */
  commitDelayMs?: number;
  /** Commit on the next turn once this many events wait. Default 1000. */
  maxBatch?: number;
  /** Committed rows kept in memory for the uplink's live path. Default 4096. */
  recentRows?: number;
  /** Wait before retrying a failed commit (disk full, I/O error). Default 1000 ms. */
  retryMs?: number;
  log?: Logger;
}

interface Pending {
  event: EventEnvelope;
  audit?: AuditRecord;
}

export class AckRefused extends Error {
  override name = "AckRefused";
}

/**
 * Durable, hash-chained event log and the gateway's sequence source.
 *
 * An event is accepted once its group commit has returned (WAL, synchronous=FULL): events wait
 * at most `commitDelayMs` and share one fsync. `append` never waits for the disk, so a decision
 * that records an event acts first; the commit runs later in a timer callback on the same
 * thread. On storage whose fsync stalls for long (SD cards), that callback is what would show in
 * the event-loop lag probe, and a worker-thread writer would be the next step.
 * Each row stores the event as canonical JSON plus `prev_hash`/`hash` (chain.ts); audit records
 * appended with an event go into the audit chain in the same transaction.
 *
 * Contract for producers: take a seq (`EventFactory.make`) and `append` the event in the same
 * synchronous turn. A seq that was taken but never appended is filled at commit with an
 * explicit SEQ_SKIPPED event, so the stream never has a silent gap.
 */
export class Outbox implements Sequencer {
  readonly audit: AuditChain;
  private readonly ledger: OutboxLedger;
  private readonly recent: RecentRows;
  private lastSeq: number;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly listeners = new Set<(committed: readonly EventEnvelope[]) => void>();
  private readonly sql;
  private readonly commitDelayMs: number;
  private readonly maxBatch: number;
  private readonly retryMs: number;
  private readonly log: Logger | undefined;

  constructor(
    private readonly db: Db,
    readonly epoch: number,
    opts: OutboxOptions = {},
  ) {
    this.commitDelayMs = opts.commitDelayMs ?? 5;
    this.maxBatch = opts.maxBatch ?? 1000;
    this.retryMs = opts.retryMs ?? 1000;
    this.log = opts.log;
    this.ledger = new OutboxLedger(db);
    this.audit = new AuditChain(db);
    this.recent = new RecentRows(opts.recentRows ?? 4096);
    this.lastSeq = this.ledger.state.head.key;
    this.sql = outboxStatements(db);
  }

  next(): number {
    return ++this.lastSeq;
  }

  /** Queue an event for the next group commit; `audit` rides in the same transaction. */
  append(event: EventEnvelope, audit?: AuditRecord): void {
    if (event.seq <= this.ledger.state.head.key) {
      throw new Error(`outbox: seq ${event.seq} appended after seq ${this.ledger.state.head.key} was committed`);
    }
    this.pending.push(audit ? { event, audit } : { event });
    if (this.pending.length >= this.maxBatch) {
      this.immediate ??= setImmediate(() => this.flush());
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.commitDelayMs);
    }
  }

  /** Called after each commit with the events it made durable (uplink and tests listen). */
  onCommit(cb: (committed: readonly EventEnvelope[]) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Commit everything appended so far, now. On failure the events stay queued and are retried. */
  flush(): void {
    this.clearSchedule();
    if (this.pending.length === 0) return;
    const batch = this.pending.sort((a, b) => a.event.seq - b.event.seq);
    this.pending = [];
    let committed: { events: EventEnvelope[]; rows: OutboxRow[]; state: LedgerState; audit: ChainHead };
    try {
      committed = this.db.transaction(() => this.write(batch))();
    } catch (err) {
      this.pending = batch.concat(this.pending);
      this.log?.error({ err, waiting: this.pending.length }, "outbox commit failed; retrying");
      this.timer = setTimeout(() => this.flush(), this.retryMs);
      return;
    }
    this.ledger.state = committed.state;
    this.audit.settle(committed.audit);
    this.recent.push(committed.rows);
    for (const l of this.listeners) l(committed.events);
  }

  private write(batch: readonly Pending[]) {
    const s = this.ledger.state;
    let head = s.head;
    let bytes = 0;
    const events: EventEnvelope[] = [];
    const rows: OutboxRow[] = [];
    const audits: AuditRecord[] = [];
    const insert = (e: EventEnvelope) => {
      const body = canonicalJson(e);
      const hash = chainHash(head.hash, body);
      this.sql.insert.run(e.seq, e.epoch, e.eventId, e.type, e.category, e.receivedAt, body, head.hash, hash);
      rows.push({ seq: e.seq, category: e.category, receivedAt: e.receivedAt, body, prevHash: head.hash, hash });
      events.push(e);
      bytes += body.length;
      head = { key: e.seq, hash };
    };
    for (const p of batch) {
      if (p.event.seq <= head.key) {
        // Two events with one seq is a producer bug; keep the first rather than fail every commit.
        this.log?.error({ seq: p.event.seq, type: p.event.type }, "outbox: duplicate seq not stored");
        continue;
      }
      for (let gap = head.key + 1; gap < p.event.seq; gap++) insert(this.skipped(gap, p.event));
      insert(p.event);
      if (p.audit) audits.push(p.audit);
    }
    const audit = this.audit.insertAll(audits);
    const state: LedgerState = { ...s, head, rows: s.rows + rows.length, bytes: s.bytes + bytes };
    this.ledger.save(state);
    return { events, rows, state, audit };
  }

  /** The explicit stand-in for a seq that was taken but whose event never reached the outbox. */
  private skipped(seq: number, nextEvent: EventEnvelope): EventEnvelope {
    const receivedAt = nextEvent.receivedAt;
    return {
      eventId: uuidv7(receivedAt),
      seq,
      epoch: this.epoch,
      type: "SEQ_SKIPPED",
      category: "device",
      receivedAt,
      centerId: nextEvent.centerId,
      source: { origin: "engine:outbox" },
      subjects: [],
      payload: { reason: "sequence number taken but its event was not appended before the commit" },
    };
  }

  /** Highest committed seq (the chain head). */
  get committedSeq(): number {
    return this.ledger.state.head.key;
  }

  /** Everything ≤ floorSeq has left the store (acked by central or dropped by retention). */
  get floorSeq(): number {
    return this.ledger.state.floor.key;
  }

  head(): ChainHead {
    return this.ledger.state.head;
  }

  stats(): Readonly<LedgerState> {
    return this.ledger.state;
  }

  /**
   * Central has everything ≤ upTo: delete those rows; returns how many. An ack beyond what was
   * committed, or naming a hash that is not ours for that seq (an ack meant for another store,
   * e.g. after a gateway was replaced), is refused with AckRefused and deletes nothing.
   */
  ack(upTo: number, hash?: string): number {
    if (upTo > this.committedSeq) throw new AckRefused(`ack upTo ${upTo} is beyond the newest committed seq ${this.committedSeq}`);
    if (hash !== undefined && upTo > this.floorSeq && this.hashAt(upTo) !== hash) {
      throw new AckRefused(`ack upTo ${upTo} names hash ${hash.slice(0, 12)}…, which is not the hash of our event ${upTo}`);
    }
    return this.removeThrough(upTo, false);
  }

  /** Hash of the stored event `seq` (undefined once it has been deleted). */
  hashAt(seq: number): string | undefined {
    if (seq === this.committedSeq) return this.ledger.state.head.hash;
    return this.recent.slice(seq, 1)?.[0]?.hash ?? this.sql.hashOf.get(seq)?.hash;
  }

  /**
   * Retention: delete the oldest rows through `toSeq` although central does not have them.
   * The caller must report it (OUTBOX_OVERFLOW); this only counts.
   */
  drop(toSeq: number): { dropped: number; fromSeq: number; toSeq: number } {
    const fromSeq = this.floorSeq + 1;
    const dropped = this.removeThrough(Math.min(toSeq, this.committedSeq), true);
    return { dropped, fromSeq, toSeq: this.floorSeq };
  }

  private removeThrough(upTo: number, isDrop: boolean): number {
    const s = this.ledger.state;
    if (upTo <= s.floor.key) return 0;
    const next = this.db.transaction((): LedgerState => {
      const gone = this.sql.totalThrough.get(upTo)!;
      const last = upTo === s.head.key ? s.head : this.sql.hashOf.get(upTo);
      if (!last) throw new Error(`outbox: row ${upTo} is missing; run audit verify`);
      this.sql.deleteThrough.run(upTo);
      const state: LedgerState = {
        ...s,
        floor: { key: upTo, hash: last.hash },
        rows: s.rows - gone.n,
        bytes: s.bytes - gone.b,
        dropped: s.dropped + (isDrop ? gone.n : 0),
      };
      this.ledger.save(state);
      return state;
    })();
    this.ledger.state = next;
    return s.rows - next.rows;
  }

  /** Committed rows from `fromSeq` in seq order, from memory when recent, else from disk. */
  readRows(fromSeq: number, limit: number): OutboxRow[] {
    const from = Math.max(fromSeq, this.floorSeq + 1);
    return this.recent.slice(from, limit) ?? this.sql.readFrom.all(from, limit);
  }

  /** Committed events in seq order (for replay and tests). */
  read(fromSeq: number, limit: number): EventEnvelope[] {
    return this.readRows(fromSeq, limit).map((r) => JSON.parse(r.body) as EventEnvelope);
  }

  count(): number {
    return this.ledger.state.rows;
  }

  /** receivedAt of the oldest row still stored, or undefined when empty. */
  oldestReceivedAt(): number | undefined {
    return this.sql.oldest.get()?.t;
  }

  /** Flush and stop timers (shutdown). */
  close(): void {
    this.flush();
    this.clearSchedule();
  }

  private clearSchedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
