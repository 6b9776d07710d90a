import type { DeviceStore } from "../drivers/contract.js";
import type { Db } from "./db.js";

/** Namespaced JSON key-value store; each driver instance gets its own namespace. */
export class KvStore {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string, string], { value: string }>("SELECT value FROM kv WHERE ns = ? AND key = ?");
    this.setStmt = db.prepare("INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT(ns, key) DO UPDATE SET value = excluded.value");
  }

  namespace(ns: string): DeviceStore {
    return {
      get: <T>(key: string) => {
        const row = this.getStmt.get(ns, key);
        return row ? (JSON.parse(row.value) as T) : undefined;
      },
      set: (key: string, value: unknown) => {
        this.setStmt.run(ns, key, JSON.stringify(value));
      },
    };
  }
}
