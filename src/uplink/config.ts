import { readFileSync } from "node:fs";
import type { Clock } from "../core/clock.js";
import { ConfigError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { SiteConfig } from "../config/schema.js";
import { secretText } from "../config/secrets.js";
import type { AuditLog } from "../store/audit-log.js";
import type { Db } from "../store/db.js";
import type { Outbox } from "../store/outbox.js";
import type { RetentionLimits } from "../store/outbox-retention.js";
import type { CommandRouter } from "./commands.js";
import type { UplinkTls } from "./connection.js";
import type { Inventory } from "./payloads.js";
import type { UplinkOptions } from "./uplink.js";

export interface UplinkDeps {
  db: Db;
  outbox: Outbox;
  audit: AuditLog;
  router?: CommandRouter;
  inventory?: () => Inventory;
  clock?: Clock;
  log?: Logger;
}

/** Defaults of the optional tuning fields of `uplink` in the site config. */
export const UPLINK_DEFAULTS = {
  keepaliveS: 20,
  inflightWindow: 100,
  unackedWindow: 10_000,
  ackTimeoutS: 15,
  retention: { maxAgeH: 168, maxRows: 0, maxMB: 4096 },
} as const;

/**
 * Uplink options from a loaded site config (secrets already resolved by the loader). TLS `ca`
 * and `cert` are file paths read here; `key` is the PEM text the loader put in place.
 */
export function uplinkOptionsFromConfig(cfg: SiteConfig, deps: UplinkDeps): UplinkOptions {
  const u = cfg.uplink;
  if (!u.url) throw new ConfigError("uplink", [{ path: "uplink.url", message: "the uplink is enabled but has no url (mqtts://host:8883)" }]);
  const site = u.site ?? cfg.center.id;
  const password = secretText(u.password);
  return {
    ...deps,
    url: u.url,
    clientId: u.clientId ?? `edc-${site}-${cfg.gateway.id}`,
    site,
    gatewayId: cfg.gateway.id,
    centralHostId: u.centralHostId,
    sessionExpiryS: u.sessionExpiryS,
    keepaliveS: u.keepaliveS ?? UPLINK_DEFAULTS.keepaliveS,
    requireCentralOnline: u.requireCentralOnline ?? true,
    drain: {
      inflightWindow: u.inflightWindow ?? UPLINK_DEFAULTS.inflightWindow,
      unackedWindow: u.unackedWindow ?? UPLINK_DEFAULTS.unackedWindow,
      ackTimeoutMs: (u.ackTimeoutS ?? UPLINK_DEFAULTS.ackTimeoutS) * 1000,
    },
    ...(u.username !== undefined && { username: u.username }),
    ...(password !== undefined && { password }),
    ...(u.tls && { tls: tlsFromConfig(u.tls) }),
  };
}

export function retentionLimitsFromConfig(cfg: SiteConfig): RetentionLimits {
  const r = { ...UPLINK_DEFAULTS.retention, ...cfg.uplink.retention };
  return { maxAgeMs: r.maxAgeH * 3_600_000, maxRows: r.maxRows, maxBytes: Math.round(r.maxMB * 1024 * 1024) };
}

function tlsFromConfig(tls: NonNullable<SiteConfig["uplink"]["tls"]>): UplinkTls {
  const read = (path: string, field: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch (err) {
      throw new ConfigError("uplink", [{ path: `uplink.tls.${field}`, message: `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }]);
    }
  };
  const key = secretText(tls.key);
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.ca !== undefined && { ca: read(tls.ca, "ca") }),
    ...(tls.cert !== undefined && { cert: read(tls.cert, "cert") }),
    ...(key !== undefined && { key }),
  };
}
