import type { Db } from "./db.js";

/** One committed outbox row as the uplink publishes it. `body` is the event's canonical JSON. */
export interface OutboxRow {
  seq: number;
  category: string;
  receivedAt: number;
  body: string;
  prevHash: string;
  hash: string;
}

export function outboxStatements(db: Db) {
  return {
    insert: db.prepare<[number, number, string, string, string, number, string, string, string]>(
      "INSERT INTO outbox (seq, epoch, event_id, type, category, received_at, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    readFrom: db.prepare<[number, number], OutboxRow>(
      "SELECT seq, category, received_at AS receivedAt, body, prev_hash AS prevHash, hash FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?",
    ),
    totalThrough: db.prepare<[number], { n: number; b: number }>(
      "SELECT COUNT(*) AS n, COALESCE(SUM(length(body)), 0) AS b FROM outbox WHERE seq <= ?",
    ),
    hashOf: db.prepare<[number], { hash: string }>("SELECT hash FROM outbox WHERE seq = ?"),
    deleteThrough: db.prepare<[number]>("DELETE FROM outbox WHERE seq <= ?"),
    oldest: db.prepare<[], { t: number }>("SELECT received_at AS t FROM outbox ORDER BY seq LIMIT 1"),
  };
}

/**
 * The newest committed rows, contiguous by seq, so the live path of the uplink publishes
 * without reading back what was just written. Trimmed in chunks to keep `push` cheap.
 */
export class RecentRows {
  private rows: OutboxRow[] = [];

  constructor(private readonly capacity: number) {}

  push(rows: readonly OutboxRow[]): void {
    if (rows.length === 0) return;
    const last = this.rows[this.rows.length - 1];
    if (last && rows[0]!.seq !== last.seq + 1) this.rows = [];
    for (const r of rows) this.rows.push(r);
    if (this.rows.length > 2 * this.capacity) this.rows = this.rows.slice(this.rows.length - this.capacity);
  }

  /** Rows from `fromSeq` (at most `limit`), or undefined when `fromSeq` is not held here. */
  slice(fromSeq: number, limit: number): OutboxRow[] | undefined {
    const first = this.rows[0];
    if (!first || fromSeq < first.seq || fromSeq > first.seq + this.rows.length - 1) return undefined;
    const i = fromSeq - first.seq;
    return this.rows.slice(i, i + limit);
  }
}
