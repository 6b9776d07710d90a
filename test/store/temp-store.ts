import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock, type Clock } from "../../src/core/clock.js";
import type { EventDraft } from "../../src/core/envelope.js";
import { EventFactory } from "../../src/core/events.js";
import { AuditLog } from "../../src/store/audit-log.js";
import { openDatabase, type Db } from "../../src/store/db.js";
import { MetaStore } from "../../src/store/meta.js";
import { Outbox, type OutboxOptions } from "../../src/store/outbox.js";

/** A real store file in a temp dir, opened the way the daemon opens it (epoch bumped). */
export interface TempStore {
  dir: string;
  path: string;
  db: Db;
  outbox: Outbox;
  factory: EventFactory;
  audit: AuditLog;
  clock: Clock;
  /** Make and append one event (the producer contract: make and append in one turn). */
  emit(draft?: Partial<EventDraft>): number;
  /** Close the db, keep the file. */
  close(): void;
  /** Open the same file again as a restarted daemon would. */
  reopen(opts?: OutboxOptions): TempStore;
  /** Close and delete the directory. */
  destroy(): void;
}

export function tempStore(opts: OutboxOptions = {}, clock: Clock = new FakeClock(), dir = mkdtempSync(join(tmpdir(), "store-test-"))): TempStore {
  const path = join(dir, "state.db");
  const db = openDatabase(path);
  const epoch = new MetaStore(db).bumpEpoch();
  const outbox = new Outbox(db, epoch, opts);
  const factory = new EventFactory("center-1", clock, outbox);
  const store: TempStore = {
    dir,
    path,
    db,
    outbox,
    factory,
    audit: new AuditLog(outbox, factory),
    clock,
    emit(draft = {}) {
      const e = factory.make({ type: "TAG_REPORT", category: "location", source: { deviceId: "uwb-1" }, subjects: [], payload: { x: 1.5, y: 2 }, ...draft });
      outbox.append(e);
      return e.seq;
    },
    close() {
      outbox.close();
      db.close();
    },
    reopen(o = opts) {
      store.close();
      return tempStore(o, clock, dir);
    },
    destroy() {
      if (db.open) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return store;
}
