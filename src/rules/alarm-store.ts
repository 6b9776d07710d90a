import type Database from "better-sqlite3";
import type { Alarm } from "./alarm-types.js";

/** Durable alarms and rule state. All writes of one engine step run in `transaction`. */
export interface AlarmStore {
  /** Alarms still raised or acknowledged. */
  loadOpen(): Alarm[];
  get(alarmId: string): Alarm | undefined;
  /** Newest first; `open` limits to raised/acknowledged. */
  list(opts?: { open?: boolean; limit?: number }): Alarm[];
  save(alarms: Iterable<Alarm>): void;
  /** Detector states and lifecycle side state, by key. */
  loadStates(): Map<string, unknown>;
  saveStates(states: Iterable<readonly [string, unknown]>): void;
  transaction<T>(fn: () => T): T;
}

const OPEN = "('raised', 'acknowledged')";

/**
 * Alarms in the daemon's SQLite database (WAL and synchronous are set by its owner). Every alarm
 * ever raised stays as a row (history for the case file); state, severity and times are columns
 * so an operator can query them with the sqlite3 shell, the whole alarm is JSON in `body`.
 */
export class SqliteAlarmStore implements AlarmStore {
  private readonly upsert;
  private readonly byId;
  private readonly upsertState;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rule_alarm (
        alarm_id TEXT PRIMARY KEY,
        dedup_key TEXT NOT NULL,
        type TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        severity INTEGER NOT NULL,
        state TEXT NOT NULL,
        first_at INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS rule_alarm_state ON rule_alarm (state, last_at);
      CREATE TABLE IF NOT EXISTS rule_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
    this.upsert = db.prepare(
      `INSERT INTO rule_alarm (alarm_id, dedup_key, type, rule_id, severity, state, first_at, last_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(alarm_id) DO UPDATE SET severity = excluded.severity, state = excluded.state, last_at = excluded.last_at, body = excluded.body`,
    );
    this.byId = db.prepare<[string], { body: string }>("SELECT body FROM rule_alarm WHERE alarm_id = ?");
    this.upsertState = db.prepare("INSERT INTO rule_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  }

  loadOpen(): Alarm[] {
    return this.list({ open: true });
  }

  get(alarmId: string): Alarm | undefined {
    const row = this.byId.get(alarmId);
    return row ? (JSON.parse(row.body) as Alarm) : undefined;
  }

  list(opts: { open?: boolean; limit?: number } = {}): Alarm[] {
    const where = opts.open ? `WHERE state IN ${OPEN}` : "";
    const rows = this.db.prepare<[number], { body: string }>(`SELECT body FROM rule_alarm ${where} ORDER BY last_at DESC, alarm_id DESC LIMIT ?`).all(opts.limit ?? -1);
    return rows.map((r) => JSON.parse(r.body) as Alarm);
  }

  save(alarms: Iterable<Alarm>): void {
    for (const a of alarms) this.upsert.run(a.alarmId, a.dedupKey, a.type, a.ruleId, a.severity, a.state, a.firstAt, a.lastAt, JSON.stringify(a));
  }

  loadStates(): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const row of this.db.prepare<[], { key: string; value: string }>("SELECT key, value FROM rule_state").iterate()) {
      try {
        out.set(row.key, JSON.parse(row.value));
      } catch {
        // an unreadable state starts fresh (the detector re-derives it from the view)
      }
    }
    return out;
  }

  saveStates(states: Iterable<readonly [string, unknown]>): void {
    for (const [key, value] of states) this.upsertState.run(key, JSON.stringify(value));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
