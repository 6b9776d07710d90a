import { createHash } from "node:crypto";
import type { Component } from "../core/lifecycle.js";
import { canonicalJson } from "../store/chain.js";
import { Uplink } from "../uplink/uplink.js";
import { uplinkOptionsFromConfig } from "../uplink/config.js";
import type { Inventory } from "../uplink/payloads.js";
import { centralRouter } from "./central-router.js";
import type { Wiring } from "./wiring.js";

/** What central learns in every birth message: devices, zones, and the rule-set version. */
function inventory(w: Wiring): Inventory {
  const online = new Map(w.supervisor?.status().map((s) => [s.deviceId, s.online]) ?? []);
  return {
    devices: w.config.devices.map((d) => ({ id: d.id, driver: d.driver, online: online.get(d.id) ?? false })),
    zones: w.config.areas.flatMap((a) => [{ id: a.id, type: a.type }, ...a.rooms.map((r) => ({ id: r.id, type: r.type }))]),
    ruleSetVersion: ruleSetVersion(w.config.rules),
  };
}

/** Changes whenever any rule parameter changes, so central can tell which rule set produced an alarm. */
function ruleSetVersion(rules: Record<string, unknown>): string {
  return `r-${createHash("sha256").update(canonicalJson(rules)).digest("hex").slice(0, 12)}`;
}

/** Store-and-forward to the central case system (docs/topics.md); off unless `uplink.enabled`. */
export function uplinkComponent(w: Wiring): Component {
  return {
    name: "uplink",
    start: async () => {
      if (!w.config.uplink.enabled) return;
      const router = centralRouter({ custody: () => w.custody, actions: () => w.actions, now: () => w.clock.now() });
      w.uplink = new Uplink(uplinkOptionsFromConfig(w.config, { db: w.db, outbox: w.outbox, audit: w.audit, router, inventory: () => inventory(w), clock: w.clock, log: w.log.child({ component: "uplink" }) }));
      await w.uplink.start();
    },
    stop: async () => {
      await w.uplink?.stop();
    },
  };
}
