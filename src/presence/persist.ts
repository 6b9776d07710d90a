import type Database from "better-sqlite3";
import type { DwellRow } from "./dwell.js";
import type { TagState } from "./types.js";

/** What the engine needs from durable storage. All writes of one call run in `transaction`. */
export interface PresenceStore {
  load(): { tags: TagState[]; dwell: DwellRow[]; skipped: string[] };
  saveTags(states: Iterable<TagState>): void;
  saveDwell(rows: Iterable<DwellRow>): void;
  forgetDwell(subjectKey: string): void;
  transaction<T>(fn: () => T): T;
}

/**
 * Presence state in the daemon's SQLite database (WAL and synchronous are set by its owner).
 * The whole machine state is kept as JSON; zone, since and liveness are also columns so an
 * operator can query them with the sqlite3 shell.
 */
export class SqlitePresenceStore implements PresenceStore {
  private readonly upsertTag;
  private readonly upsertDwell;
  private readonly deleteDwell;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS presence_tag (
        tag_id TEXT PRIMARY KEY,
        zone_id TEXT,
        since INTEGER,
        online INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        state TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS presence_dwell (
        subject_key TEXT NOT NULL,
        zone_id TEXT NOT NULL,
        total_ms INTEGER NOT NULL,
        PRIMARY KEY (subject_key, zone_id)
      );`);
    this.upsertTag = db.prepare(
      `INSERT INTO presence_tag (tag_id, zone_id, since, online, last_seen_at, state) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(tag_id) DO UPDATE SET zone_id = excluded.zone_id, since = excluded.since, online = excluded.online,
         last_seen_at = excluded.last_seen_at, state = excluded.state`,
    );
    this.upsertDwell = db.prepare(
      `INSERT INTO presence_dwell (subject_key, zone_id, total_ms) VALUES (?, ?, ?)
       ON CONFLICT(subject_key, zone_id) DO UPDATE SET total_ms = excluded.total_ms`,
    );
    this.deleteDwell = db.prepare("DELETE FROM presence_dwell WHERE subject_key = ?");
  }

  load(): { tags: TagState[]; dwell: DwellRow[]; skipped: string[] } {
    const tags: TagState[] = [];
    const skipped: string[] = [];
    for (const row of this.db.prepare<[], { tag_id: string; state: string }>("SELECT tag_id, state FROM presence_tag ORDER BY tag_id").iterate()) {
      const state = parseState(row.state);
      if (state && state.tagId === row.tag_id) tags.push(state);
      else skipped.push(row.tag_id);
    }
    const dwell = this.db
      .prepare<[], { subject_key: string; zone_id: string; total_ms: number }>("SELECT subject_key, zone_id, total_ms FROM presence_dwell")
      .all()
      .map((r) => ({ subjectKey: r.subject_key, zoneId: r.zone_id, totalMs: r.total_ms }));
    return { tags, dwell, skipped };
  }

  saveTags(states: Iterable<TagState>): void {
    for (const s of states) this.upsertTag.run(s.tagId, s.zoneId, s.since, s.online ? 1 : 0, s.lastSeenAt, JSON.stringify(s));
  }

  saveDwell(rows: Iterable<DwellRow>): void {
    for (const r of rows) this.upsertDwell.run(r.subjectKey, r.zoneId, r.totalMs);
  }

  forgetDwell(subjectKey: string): void {
    this.deleteDwell.run(subjectKey);
  }

  /** Nests as a savepoint when the caller is already inside a transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function parseState(json: string): TagState | undefined {
  try {
    const s = JSON.parse(json) as Partial<TagState>;
    const ok = s.v === 1 && typeof s.tagId === "string" && typeof s.lastAt === "number" && Array.isArray(s.held) && Array.isArray(s.ble);
    return ok ? (s as TagState) : undefined;
  } catch {
    return undefined;
  }
}
