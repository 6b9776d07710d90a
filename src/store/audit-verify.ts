import { AUDIT_HEAD_KEY } from "./audit-chain.js";
import { chainHash, GENESIS_HASH, type ChainHead } from "./chain.js";
import type { Db } from "./db.js";
import { OUTBOX_STATE_KEY, type LedgerState } from "./outbox-ledger.js";

export interface ChainBreak {
  /** seq (outbox) or id (audit) of the first record that fails. */
  key: number;
  reason: string;
}

export interface ChainReport {
  chain: "outbox" | "audit";
  records: number;
  firstKey?: number;
  lastKey?: number;
  /** The chain head as verified (key and hash of the newest record, or the anchor when empty). */
  head: ChainHead;
  break?: ChainBreak;
}

export interface StoreVerification {
  ok: boolean;
  chains: ChainReport[];
}

interface StoredLink {
  key: number;
  body: string;
  prev: string;
  hash: string;
}

/**
 * Walks both hash chains of a store in key order and reports the first record that breaks
 * each: a missing key, a link that does not point at its predecessor, content that does not
 * match its hash, a body that names another key, or a tail shorter than the recorded head.
 * Read-only; safe to run beside the daemon (WAL readers do not block the writer).
 */
export function verifyStore(db: Db): StoreVerification {
  const meta = (key: string) => db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?").get(key)?.value;
  const ledger = parse<LedgerState>(meta(OUTBOX_STATE_KEY));
  const outbox = verifyChain(
    "outbox",
    db.prepare<[], StoredLink>("SELECT seq AS key, body, prev_hash AS prev, hash FROM outbox ORDER BY seq").iterate(),
    ledger?.floor ?? { key: 0, hash: GENESIS_HASH },
    ledger?.head,
    "seq",
  );
  const audit = verifyChain(
    "audit",
    db.prepare<[], StoredLink>("SELECT id AS key, body, prev_hash AS prev, hash FROM audit ORDER BY id").iterate(),
    { key: 0, hash: GENESIS_HASH },
    parse<ChainHead>(meta(AUDIT_HEAD_KEY)),
    "id",
  );
  return { ok: !outbox.break && !audit.break, chains: [outbox, audit] };
}

function verifyChain(
  chain: ChainReport["chain"],
  rows: IterableIterator<StoredLink>,
  anchor: ChainHead,
  recordedHead: ChainHead | undefined,
  keyField: "seq" | "id",
): ChainReport {
  let prev = anchor;
  let records = 0;
  let firstKey: number | undefined;
  const report = (b?: ChainBreak): ChainReport => ({
    chain,
    records,
    ...(firstKey !== undefined && { firstKey, lastKey: prev.key }),
    head: prev,
    ...(b && { break: b }),
  });
  for (const row of rows) {
    const expected = prev.key + 1;
    if (row.key > expected) return stop(rows, report({ key: expected, reason: `record ${keyField} ${expected} is missing (next stored is ${row.key})` }));
    if (row.key < expected) return stop(rows, report({ key: row.key, reason: `record ${keyField} ${row.key} lies before the chain anchor ${prev.key}` }));
    if (row.prev !== prev.hash) return stop(rows, report({ key: row.key, reason: `does not link to record ${prev.key} (prev_hash differs)` }));
    if (chainHash(prev.hash, row.body) !== row.hash) return stop(rows, report({ key: row.key, reason: "content does not match its hash (record edited)" }));
    const bodyKey = keyOf(row.body, keyField);
    if (bodyKey !== row.key) return stop(rows, report({ key: row.key, reason: `stored as ${keyField} ${row.key} but its content says ${String(bodyKey)} (record moved)` }));
    firstKey ??= row.key;
    records++;
    prev = { key: row.key, hash: row.hash };
  }
  if (recordedHead && recordedHead.key > prev.key) {
    return report({ key: prev.key + 1, reason: `records ${prev.key + 1}…${recordedHead.key} are missing at the end (recorded head is ${recordedHead.key})` });
  }
  if (recordedHead && recordedHead.key === prev.key && recordedHead.hash !== prev.hash) {
    return report({ key: prev.key, reason: "newest record differs from the recorded chain head" });
  }
  return report();
}

function stop(rows: IterableIterator<StoredLink>, r: ChainReport): ChainReport {
  rows.return?.();
  return r;
}

function keyOf(body: string, field: "seq" | "id"): unknown {
  try {
    return (JSON.parse(body) as Record<string, unknown>)[field];
  } catch {
    return undefined;
  }
}

function parse<T>(text: string | undefined): T | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as T);
}
