import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import type { EventEnvelope } from "../../src/core/envelope.js";
import { verifyStore } from "../../src/store/audit-verify.js";
import { canonicalJson, chainHash, GENESIS_HASH } from "../../src/store/chain.js";
import { AckRefused } from "../../src/store/outbox.js";
import { OutboxRetention } from "../../src/store/outbox-retention.js";
import { tempStore, type TempStore } from "./temp-store.js";

let stores: TempStore[] = [];
const open = (...args: Parameters<typeof tempStore>) => {
  const s = tempStore(...args);
  stores.push(s);
  return s;
};
afterEach(() => {
  for (const s of stores) s.destroy();
  stores = [];
});

const committed = (s: TempStore) => s.db.prepare<[], { seq: number; epoch: number; type: string }>("SELECT seq, epoch, type FROM outbox ORDER BY seq").all();

describe("Outbox", () => {
  it("group-commits appended events in seq order, chained, and tells listeners after the commit", async () => {
    const s = open();
    const seen: EventEnvelope[] = [];
    s.outbox.onCommit((batch) => {
      // By the time listeners run, the rows are in the table.
      expect(committed(s).length).toBeGreaterThanOrEqual(batch[batch.length - 1]!.seq);
      seen.push(...batch);
    });
    for (let i = 0; i < 250; i++) s.emit();
    expect(committed(s)).toHaveLength(0); // not yet: the commit is grouped
    await new Promise((r) => setTimeout(r, 30));
    expect(committed(s).map((r) => r.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));

    const rows = s.outbox.readRows(1, 3);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    expect(rows[0]!.hash).toBe(chainHash(GENESIS_HASH, rows[0]!.body));
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[0]!.body).toBe(canonicalJson(JSON.parse(rows[0]!.body)));
    expect(s.outbox.head()).toEqual({ key: 250, hash: s.outbox.readRows(250, 1)[0]!.hash });
  });

  it("continues seq without a gap across restarts, with a new epoch each start, even after every row was acked", () => {
    let s = open();
    for (let i = 0; i < 5; i++) s.emit();
    s.outbox.flush();
    expect(s.outbox.ack(5)).toBe(5);
    expect(s.outbox.count()).toBe(0);
    s = s.reopen();
    stores.push(s);
    expect(s.outbox.epoch).toBe(2);
    expect(s.emit()).toBe(6);
    s.outbox.flush();
    expect(committed(s)).toEqual([{ seq: 6, epoch: 2, type: "TAG_REPORT" }]);
    // The first row after the acked ones links to the last acked row's hash, kept as the floor.
    expect(s.outbox.readRows(6, 1)[0]!.prevHash).toBe(s.outbox.stats().floor.hash);
    expect(verifyStore(s.db).ok).toBe(true);
  });

  it("an event that is appended late is refused rather than reusing a committed seq; a taken seq that never arrives becomes SEQ_SKIPPED", () => {
    const s = open();
    const lost = s.factory.make({ type: "TAG_REPORT", category: "location", source: {}, subjects: [], payload: {} });
    s.emit();
    s.outbox.flush();
    const rows = committed(s);
    expect(rows.map((r) => [r.seq, r.type])).toEqual([
      [1, "SEQ_SKIPPED"],
      [2, "TAG_REPORT"],
    ]);
    expect(() => s.outbox.append(lost)).toThrow(/after seq 2 was committed/);
  });

  it("ack deletes through upTo, ignores stale acks and refuses acks beyond the head or with a foreign hash", () => {
    const s = open();
    for (let i = 0; i < 10; i++) s.emit();
    s.outbox.flush();
    expect(s.outbox.ack(4)).toBe(4);
    expect(s.outbox.ack(3)).toBe(0);
    expect(() => s.outbox.ack(11)).toThrow(AckRefused);
    expect(() => s.outbox.ack(8, "f".repeat(64))).toThrow(/not the hash of our event 8/);
    expect(s.outbox.ack(8, s.outbox.hashAt(8))).toBe(4);
    expect(s.outbox.ack(10)).toBe(2);
    expect(s.outbox.floorSeq).toBe(10);
    expect(s.outbox.stats()).toMatchObject({ rows: 0, bytes: 0, dropped: 0 });
  });

  it("retention by rows drops the oldest and says so with an OUTBOX_OVERFLOW event and a running count", () => {
    const s = open();
    for (let i = 0; i < 100; i++) s.emit();
    s.outbox.flush();
    const retention = new OutboxRetention(s.outbox, s.factory, { maxRows: 50, maxBytes: 0, maxAgeMs: 0 });
    const report = retention.check();
    expect(report).toEqual({ reason: "rows", dropped: 55, fromSeq: 1, toSeq: 55, droppedTotal: 55 });
    s.outbox.flush();
    const overflow = s.outbox.read(101, 1)[0]!;
    expect(overflow).toMatchObject({ type: "OUTBOX_OVERFLOW", category: "device", payload: { dropped: 55, fromSeq: 1, toSeq: 55, droppedTotal: 55 } });
    expect(s.outbox.count()).toBe(46);
    expect(retention.check()).toBeUndefined();
    expect(verifyStore(s.db).ok).toBe(true);
  });

  it("retention by age and by bytes", () => {
    const clock = new FakeClock();
    const s = open({}, clock);
    for (let i = 0; i < 10; i++) s.emit();
    clock.advance(60_000);
    for (let i = 0; i < 10; i++) s.emit();
    s.outbox.flush();
    const byAge = new OutboxRetention(s.outbox, s.factory, { maxRows: 0, maxBytes: 0, maxAgeMs: 30_000 }, { clock });
    expect(byAge.check()).toMatchObject({ reason: "age", dropped: 10, fromSeq: 1, toSeq: 10 });
    s.outbox.flush();
    const bytes = s.outbox.stats().bytes;
    const bySize = new OutboxRetention(s.outbox, s.factory, { maxRows: 0, maxBytes: Math.floor(bytes / 2), maxAgeMs: 0 }, { clock });
    const r = bySize.check()!;
    expect(r.reason).toBe("bytes");
    expect(r.droppedTotal).toBe(10 + r.dropped);
    expect(s.outbox.stats().bytes).toBeLessThanOrEqual(bytes / 2);
  });

  it("AuditLog.record lands in the audit chain and upstream as an AUDIT_RECORD event in the same commit", () => {
    const s = open();
    const rec = s.audit.record({ actor: "central:duty-1", action: "door.unlock", target: "door:d-12", reason: "transfer", data: { ttlS: 10 } });
    expect(rec).toMatchObject({ id: 1, seq: 1, actor: "central:duty-1" });
    s.outbox.flush();
    const ev = s.outbox.read(1, 1)[0]!;
    expect(ev).toMatchObject({ type: "AUDIT_RECORD", category: "audit", subjects: [{ kind: "door", id: "d-12" }], payload: { auditId: 1, action: "door.unlock" } });
    const row = s.db.prepare<[], { id: number; body: string; prev_hash: string; hash: string }>("SELECT * FROM audit").get()!;
    expect(JSON.parse(row.body)).toEqual({ ...rec });
    expect(row.hash).toBe(chainHash(GENESIS_HASH, row.body));
    expect(s.outbox.audit.currentHead()).toEqual({ key: 1, hash: row.hash });
  });

  it("a failed commit keeps the events queued and commits them on retry", async () => {
    const s = open({ retryMs: 10 });
    s.emit();
    s.db.exec("CREATE TRIGGER block BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    s.outbox.flush();
    expect(s.outbox.committedSeq).toBe(0);
    s.db.exec("DROP TRIGGER block");
    s.emit();
    await new Promise((r) => setTimeout(r, 40));
    expect(committed(s).map((r) => r.seq)).toEqual([1, 2]);
  });
});
