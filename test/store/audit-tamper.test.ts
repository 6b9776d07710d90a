import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditVerifyCommand } from "../../src/cli/audit.js";
import { chainHash } from "../../src/store/chain.js";
import { tempStore, type TempStore } from "./temp-store.js";

/** Runs the CLI command on the closed store file; returns exit code and both outputs. */
function verify(path: string): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  const code = auditVerifyCommand(
    path,
    sink((s) => (out += s)),
    sink((s) => (err += s)),
  );
  return { code, out, err };
}

/** What an attacker with write access to the file would do: open it and run SQL. */
function tamper(path: string, sql: (db: Database.Database) => void): void {
  const db = new Database(path);
  sql(db);
  db.close();
}

let s: TempStore;
beforeEach(() => {
  s = tempStore();
  for (let i = 1; i <= 20; i++) {
    s.emit();
    if (i % 4 === 0) s.audit.record({ actor: "operator:o-1", action: "door.unlock", target: `door:d-${i}`, reason: "escort" });
  }
  s.outbox.flush();
  s.outbox.ack(3); // a chain whose start was already delivered and deleted
  s.close();
});
afterEach(() => s.destroy());

describe("audit verify", () => {
  it("passes an untouched store and names both chain heads", () => {
    const r = verify(s.path);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/outbox chain: ok, 22 records, seq 4…25/);
    expect(r.out).toMatch(/audit chain: ok, 5 records, id 1…5/);
    expect(r.err).toBe("");
  });

  it("fails at an outbox record whose content was edited", () => {
    tamper(s.path, (db) => db.prepare("UPDATE outbox SET body = replace(body, '\"x\":1.5', '\"x\":9.5') WHERE seq = 11").run());
    const r = verify(s.path);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/outbox chain: BROKEN at seq 11: content does not match its hash/);
  });

  it("fails right after an edited record whose hash was recomputed to cover the edit", () => {
    tamper(s.path, (db) => {
      const row = db.prepare<[], { body: string; prev_hash: string }>("SELECT body, prev_hash FROM outbox WHERE seq = 11").get()!;
      const body = row.body.replace('"x":1.5', '"x":9.5');
      db.prepare("UPDATE outbox SET body = ?, hash = ? WHERE seq = 11").run(body, chainHash(row.prev_hash, body));
    });
    expect(verify(s.path).err).toMatch(/BROKEN at seq 12: does not link to record 11/);
  });

  it("fails at a deleted outbox record", () => {
    tamper(s.path, (db) => db.prepare("DELETE FROM outbox WHERE seq = 12").run());
    expect(verify(s.path).err).toMatch(/outbox chain: BROKEN at seq 12: record seq 12 is missing/);
  });

  it("fails when the newest outbox records were cut off", () => {
    tamper(s.path, (db) => db.prepare("DELETE FROM outbox WHERE seq >= 24").run());
    expect(verify(s.path).err).toMatch(/BROKEN at seq 24: records 24…25 are missing at the end/);
  });

  it("fails at the first of two reordered outbox records", () => {
    tamper(s.path, (db) => {
      const a = db.prepare<[], { body: string; prev_hash: string; hash: string }>("SELECT body, prev_hash, hash FROM outbox WHERE seq = 15").get()!;
      const b = db.prepare<[], { body: string; prev_hash: string; hash: string }>("SELECT body, prev_hash, hash FROM outbox WHERE seq = 16").get()!;
      const put = db.prepare("UPDATE outbox SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?");
      db.transaction(() => {
        put.run(b.body, b.prev_hash, b.hash, 15);
        put.run(a.body, a.prev_hash, a.hash, 16);
      })();
    });
    expect(verify(s.path).err).toMatch(/outbox chain: BROKEN at seq 15/);
  });

  it("fails at an audit record whose content was edited", () => {
    tamper(s.path, (db) => db.prepare("UPDATE audit SET body = replace(body, 'escort', 'medical') WHERE id = 2").run());
    expect(verify(s.path).err).toMatch(/audit chain: BROKEN at id 2: content does not match its hash/);
  });

  it("fails at a deleted audit record", () => {
    tamper(s.path, (db) => db.prepare("DELETE FROM audit WHERE id = 3").run());
    expect(verify(s.path).err).toMatch(/audit chain: BROKEN at id 3: record id 3 is missing/);
  });

  it("fails at the first of two reordered audit records (ids swapped)", () => {
    tamper(s.path, (db) =>
      db.transaction(() => {
        db.prepare("UPDATE audit SET id = -1 WHERE id = 4").run();
        db.prepare("UPDATE audit SET id = 4 WHERE id = 3").run();
        db.prepare("UPDATE audit SET id = 3 WHERE id = -1").run();
      })(),
    );
    expect(verify(s.path).err).toMatch(/audit chain: BROKEN at id 3/);
  });

  it("reports a missing file as a failure", () => {
    expect(verify(`${s.path}.nope`)).toMatchObject({ code: 1, err: expect.stringMatching(/no such file/) });
  });
});
