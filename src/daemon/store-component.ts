import type { Component } from "../core/lifecycle.js";
import { EventFactory } from "../core/events.js";
import { AuditLog } from "../store/audit-log.js";
import { openDatabase } from "../store/db.js";
import { KvStore } from "../store/kv.js";
import { MetaStore } from "../store/meta.js";
import { Outbox } from "../store/outbox.js";
import { OutboxRetention } from "../store/outbox-retention.js";
import { retentionLimitsFromConfig } from "../uplink/config.js";
import { EventPipeline } from "./event-pipeline.js";
import type { Wiring } from "./wiring.js";

/** SQLite store, the epoch of this start, the outbox with its retention bound, the audit log. */
export function storeComponent(w: Wiring): Component {
  let retention: OutboxRetention | undefined;
  return {
    name: "store",
    start: async () => {
      const { config, clock, log } = w;
      w.db = openDatabase(config.store.path);
      const epoch = new MetaStore(w.db).bumpEpoch();
      w.outbox = new Outbox(w.db, epoch, { log: log.child({ component: "outbox" }) });
      w.kv = new KvStore(w.db);
      w.factory = new EventFactory(config.center.id, clock, w.outbox);
      w.pipeline = new EventPipeline(w.factory, w.outbox, log.child({ component: "events" }));
      w.audit = new AuditLog(w.outbox, w.factory);
      retention = new OutboxRetention(w.outbox, w.factory, retentionLimitsFromConfig(config), { clock, log: log.child({ component: "retention" }) });
      await retention.start();
      log.info({ path: config.store.path, epoch, committedSeq: w.outbox.committedSeq }, "store opened");
    },
    stop: async () => {
      await retention?.stop();
      w.outbox.flush();
      w.outbox.close();
      w.db.close();
    },
  };
}
