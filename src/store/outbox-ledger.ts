import { GENESIS_HASH, type ChainHead } from "./chain.js";
import type { Db } from "./db.js";
import { MetaStore } from "./meta.js";

/** Where the outbox stands; persisted in `meta` in the same transaction as every change. */
export interface LedgerState {
  /** Newest committed row: its seq and hash (the chain head). */
  head: ChainHead;
  /** Everything ≤ floor.key has left the table (acked by central or dropped by retention). */
  floor: ChainHead;
  /** Rows still in the table and their body size (characters of JSON). */
  rows: number;
  bytes: number;
  /** Events dropped by retention since the store was created. */
  dropped: number;
}

export const OUTBOX_STATE_KEY = "outbox.state";

/**
 * Bookkeeping of the outbox kept beside it in `meta`, so that a restart neither scans the
 * table (a day's backlog is tens of millions of rows) nor forgets the seq high-water mark once
 * every row has been acked and deleted, and so `audit verify` can tell a truncated tail.
 */
export class OutboxLedger {
  private readonly meta: MetaStore;
  state: LedgerState;

  constructor(private readonly db: Db) {
    this.meta = new MetaStore(db);
    const saved = this.meta.get(OUTBOX_STATE_KEY);
    this.state = saved ? (JSON.parse(saved) as LedgerState) : this.rebuild();
  }

  /** Write the state (call inside the transaction that changed the table). */
  save(next: LedgerState): void {
    this.meta.set(OUTBOX_STATE_KEY, JSON.stringify(next));
  }

  /** First open (or a store from before the ledger existed): derive the state from the table. */
  private rebuild(): LedgerState {
    const last = this.db.prepare<[], { seq: number; hash: string }>("SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1").get();
    const first = this.db.prepare<[], { seq: number; prev: string }>("SELECT seq, prev_hash AS prev FROM outbox ORDER BY seq LIMIT 1").get();
    const totals = this.db.prepare<[], { n: number; b: number }>("SELECT COUNT(*) AS n, COALESCE(SUM(length(body)), 0) AS b FROM outbox").get();
    const floor = first ? { key: first.seq - 1, hash: first.prev || GENESIS_HASH } : { key: 0, hash: GENESIS_HASH };
    return {
      head: last ? { key: last.seq, hash: last.hash } : floor,
      floor,
      rows: totals?.n ?? 0,
      bytes: totals?.b ?? 0,
      dropped: 0,
    };
  }
}
