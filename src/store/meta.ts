import type { Db } from "./db.js";

/** Small persisted facts about this gateway (epoch, schema notes). */
export class MetaStore {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
    this.setStmt = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }

  /** Bumped once per daemon start, so central can tell restarts apart in the stream. */
  bumpEpoch(): number {
    const next = Number(this.get("epoch") ?? "0") + 1;
    this.set("epoch", String(next));
    return next;
  }
}
