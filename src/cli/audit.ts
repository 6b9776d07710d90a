import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { ExitCode } from "../core/errors.js";
import { verifyStore, type ChainReport } from "../store/audit-verify.js";

/** Schema version that introduced the hash chains (db.ts MIGRATIONS index + 1). */
const CHAINED_SCHEMA = 2;

/**
 * `custody-edge audit verify --db <file>`: checks the outbox and audit hash chains of a state
 * store and prints the first break of each. Opens the file read-only and never migrates it, so
 * it can run beside the daemon or on a copy taken for an investigation. Exit 0 when both chains
 * hold, 1 when one is broken or the file cannot be read.
 */
export function auditVerifyCommand(dbPath: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  if (!existsSync(dbPath)) {
    err.write(`audit verify: ${dbPath}: no such file\n`);
    return ExitCode.FAILURE;
  }
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
  } catch (e) {
    err.write(`audit verify: cannot open ${dbPath}: ${(e as Error).message}\n`);
    return ExitCode.FAILURE;
  }
  try {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version < CHAINED_SCHEMA) {
      err.write(`audit verify: ${dbPath} has schema version ${version}, older than the hash chains (${CHAINED_SCHEMA}); start the daemon once to migrate it\n`);
      return ExitCode.FAILURE;
    }
    const result = verifyStore(db);
    for (const chain of result.chains) (chain.break ? err : out).write(`${describe(chain)}\n`);
    out.write(result.ok ? "audit verify: OK\n" : "");
    if (!result.ok) err.write("audit verify: FAILED\n");
    return result.ok ? ExitCode.OK : ExitCode.FAILURE;
  } catch (e) {
    err.write(`audit verify: ${(e as Error).message}\n`);
    return ExitCode.FAILURE;
  } finally {
    db.close();
  }
}

function describe(c: ChainReport): string {
  const key = c.chain === "outbox" ? "seq" : "id";
  const span = c.firstKey === undefined ? "no records" : `${c.records} record${c.records === 1 ? "" : "s"}, ${key} ${c.firstKey}…${c.lastKey}`;
  if (c.break) return `${c.chain} chain: BROKEN at ${key} ${c.break.key}: ${c.break.reason} (verified ${span} before it)`;
  return `${c.chain} chain: ok, ${span}, head ${key} ${c.head.key} ${c.head.hash}`;
}
