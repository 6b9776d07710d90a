import { chainHash, canonicalJson, GENESIS_HASH, type ChainHead } from "./chain.js";
import type { Db } from "./db.js";
import { MetaStore } from "./meta.js";

/** One audit record as stored and hashed (the `body` is its canonical JSON). */
export interface AuditRecord {
  id: number;
  /** Gateway time, epoch ms. */
  ts: number;
  /** seq and eventId of the outbox event that carries this record upstream. */
  seq: number;
  eventId: string;
  actor: string;
  action: string;
  target?: string;
  reason?: string;
  data?: Record<string, unknown>;
}

export const AUDIT_HEAD_KEY = "audit.head";

/**
 * The audit table and its own hash chain. Rows are only ever inserted, in id order, inside the
 * outbox's group-commit transaction (so an audit record and the event that carries it upstream
 * are accepted together). Audit rows are never deleted by acks: they are the local legal record.
 */
export class AuditChain {
  private lastId: number;
  private head: ChainHead;
  private readonly insertStmt;
  private readonly meta: MetaStore;

  constructor(db: Db) {
    this.meta = new MetaStore(db);
    const last = db.prepare<[], { id: number; hash: string }>("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").get();
    this.head = last ? { key: last.id, hash: last.hash } : { key: 0, hash: GENESIS_HASH };
    this.lastId = this.head.key;
    this.insertStmt = db.prepare("INSERT INTO audit (id, ts, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?)");
  }

  /** Reserve the id of a record that will be appended in this turn of the event loop. */
  nextId(): number {
    return ++this.lastId;
  }

  currentHead(): ChainHead {
    return this.head;
  }

  /**
   * Insert records (ascending id) inside the caller's open transaction; returns the new head,
   * which the caller passes to `settle` once the transaction has committed.
   */
  insertAll(records: readonly AuditRecord[]): ChainHead {
    let head = this.head;
    for (const r of records) {
      const body = canonicalJson(r);
      const hash = chainHash(head.hash, body);
      this.insertStmt.run(r.id, r.ts, body, head.hash, hash);
      head = { key: r.id, hash };
    }
    if (records.length > 0) this.meta.set(AUDIT_HEAD_KEY, JSON.stringify(head));
    return head;
  }

  settle(committedHead: ChainHead): void {
    this.head = committedHead;
  }
}
