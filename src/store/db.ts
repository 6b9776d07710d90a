import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

/**
 * Opens the state store. WAL lets readers run beside the writer; synchronous=FULL because
 * NORMAL can lose the last committed transactions on power loss (RELIABILITY.md §3.1), and an
 * accepted event must survive that.
 */
export function openDatabase(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  migrate(db);
  return db;
}

/** Ordered, append-only schema steps; each runs once, recorded in user_version. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE kv (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, key));
   CREATE TABLE outbox (
     seq INTEGER PRIMARY KEY,
     epoch INTEGER NOT NULL,
     event_id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     category TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     body TEXT NOT NULL
   );`,
  // Hash chain over the outbox (chain.ts), the append-only audit log with its own chain, and
  // the results of central commands by command id (redelivered commands are answered, not rerun).
  `ALTER TABLE outbox ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
   ALTER TABLE outbox ADD COLUMN hash TEXT NOT NULL DEFAULT '';
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY,
     ts INTEGER NOT NULL,
     body TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE TABLE uplink_command (
     command_id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     state TEXT NOT NULL,
     response TEXT
   );`,
];

function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
