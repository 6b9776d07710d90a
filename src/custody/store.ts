import type { Db } from "../store/db.js";
import { KvStore } from "../store/kv.js";
import type { TimebaseCheckpoint } from "./clock-guard.js";
import type { CustodySession, Person } from "./model.js";
import type { BindingRecord, Change } from "./state.js";

/** A finished command as kept for idempotency: a repeated command id gets this back. */
export interface StoredCommand {
  readonly commandId: string;
  readonly name: string;
  /** Canonical name + arguments, to tell a retry from a reused id. */
  readonly digest: string;
  readonly at: number;
  readonly result: unknown;
}

/**
 * Custody state in the daemon's SQLite database. Records are kept whole as JSON (the model
 * is plain data); the columns beside them are what loading and an operator's sqlite3 query
 * filter on. The tables belong to custody and are created here, next to the code that reads
 * them, as presence does for its own.
 */
export class CustodyStore {
  private readonly putPerson;
  private readonly putSession;
  private readonly putBinding;
  private readonly delBinding;
  private readonly putCommand;
  private readonly getCommand;
  private readonly getPerson;
  private readonly kv;

  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS custody_person (
        person_id TEXT PRIMARY KEY, role TEXT NOT NULL, id_number TEXT, updated_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS custody_person_id_number ON custody_person (id_number);
      CREATE TABLE IF NOT EXISTS custody_session (
        session_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, state TEXT NOT NULL, open INTEGER NOT NULL,
        arrival_at INTEGER NOT NULL, ended_at INTEGER, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS custody_session_open ON custody_session (open, ended_at);
      CREATE TABLE IF NOT EXISTS custody_binding (
        tag_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, session_id TEXT, bound_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS custody_command (
        command_id TEXT PRIMARY KEY, name TEXT NOT NULL, digest TEXT NOT NULL, at INTEGER NOT NULL, result TEXT NOT NULL);`);
    this.putPerson = db.prepare(
      `INSERT INTO custody_person (person_id, role, id_number, updated_at, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(person_id) DO UPDATE SET role = excluded.role, id_number = excluded.id_number, updated_at = excluded.updated_at, body = excluded.body`,
    );
    this.putSession = db.prepare(
      `INSERT INTO custody_session (session_id, person_id, state, open, arrival_at, ended_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(session_id) DO UPDATE SET state = excluded.state, open = excluded.open, arrival_at = excluded.arrival_at,
         ended_at = excluded.ended_at, body = excluded.body`,
    );
    this.putBinding = db.prepare(
      `INSERT INTO custody_binding (tag_id, person_id, session_id, bound_at, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(tag_id) DO UPDATE SET person_id = excluded.person_id, session_id = excluded.session_id, bound_at = excluded.bound_at, body = excluded.body`,
    );
    this.delBinding = db.prepare("DELETE FROM custody_binding WHERE tag_id = ?");
    this.putCommand = db.prepare("INSERT INTO custody_command (command_id, name, digest, at, result) VALUES (?, ?, ?, ?, ?)");
    this.getCommand = db.prepare<[string], { name: string; digest: string; at: number; result: string }>(
      "SELECT name, digest, at, result FROM custody_command WHERE command_id = ?",
    );
    this.getPerson = db.prepare<[string], { body: string }>("SELECT body FROM custody_person WHERE person_id = ?");
    this.kv = new KvStore(db).namespace("custody");
  }

  /**
   * What the live state needs: open sessions, sessions closed since `closedSince` (R31 looks
   * back 12 h), all bindings, and the persons those name or that changed since then.
   */
  load(closedSince: number): Change {
    const sessions = this.db
      .prepare<[number], { body: string }>("SELECT body FROM custody_session WHERE open = 1 OR ended_at >= ? ORDER BY arrival_at")
      .all(closedSince)
      .map((r) => JSON.parse(r.body) as CustodySession);
    const bind = this.db
      .prepare<[], { body: string }>("SELECT body FROM custody_binding ORDER BY bound_at")
      .all()
      .map((r) => JSON.parse(r.body) as BindingRecord);
    const persons = new Map<string, Person>();
    for (const r of this.db.prepare<[number], { body: string }>("SELECT body FROM custody_person WHERE updated_at >= ?").iterate(closedSince)) {
      const p = JSON.parse(r.body) as Person;
      persons.set(p.personId, p);
    }
    for (const id of [...sessions.map((s) => s.personId), ...bind.map((b) => b.personId)]) {
      const p = persons.has(id) ? undefined : this.person(id);
      if (p) persons.set(id, p);
    }
    return { persons: [...persons.values()], sessions, bind };
  }

  /** A person not in the live state (registered long ago). */
  person(personId: string): Person | undefined {
    const row = this.getPerson.get(personId);
    return row ? (JSON.parse(row.body) as Person) : undefined;
  }

  save(change: Change, now: number): void {
    for (const p of change.persons ?? []) this.putPerson.run(p.personId, p.role, p.idNumber ?? null, now, JSON.stringify(p));
    for (const s of change.sessions ?? []) {
      const open = s.state === "exited" ? 0 : 1;
      this.putSession.run(s.sessionId, s.personId, s.state, open, s.arrivalAt, s.exit?.at ?? null, JSON.stringify(s));
    }
    for (const tagId of change.unbind ?? []) this.delBinding.run(tagId);
    for (const b of change.bind ?? []) this.putBinding.run(b.tagId, b.personId, b.sessionId ?? null, b.boundAt, JSON.stringify(b));
  }

  command(commandId: string): StoredCommand | undefined {
    const row = this.getCommand.get(commandId);
    return row ? { commandId, name: row.name, digest: row.digest, at: row.at, result: JSON.parse(row.result) as unknown } : undefined;
  }

  saveCommand(c: StoredCommand): void {
    this.putCommand.run(c.commandId, c.name, c.digest, c.at, JSON.stringify(c.result));
  }

  timebase(): TimebaseCheckpoint | undefined {
    return this.kv.get<TimebaseCheckpoint>("timebase");
  }

  saveTimebase(cp: TimebaseCheckpoint): void {
    this.kv.set("timebase", cp);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
