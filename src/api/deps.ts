import type { ActionServices } from "../actions/index.js";
import type { SiteConfig } from "../config/schema.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { CustodyService } from "../custody/index.js";
import type { DriverSupervisor } from "../drivers/supervisor.js";
import type { PresenceEngine } from "../presence/index.js";
import type { RuleEngine } from "../rules/index.js";
import type { Outbox } from "../store/outbox.js";
import type { HealthMonitor } from "../systemd/health.js";
import type { TransportPool } from "../transports/pool.js";
import type { Uplink } from "../uplink/uplink.js";

/**
 * What the local API reads and commands: the running daemon's parts. The API holds no state
 * of its own besides connections and counters; every answer is read from these when asked.
 * The daemon's `Wiring` is one.
 */
export interface ApiDeps {
  readonly config: SiteConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly outbox: Outbox;
  readonly presence: PresenceEngine;
  readonly custody: CustodyService;
  readonly rules: RuleEngine;
  readonly actions: ActionServices;
  readonly supervisor: DriverSupervisor;
  readonly pool: TransportPool;
  /** Null when `uplink.enabled` is false. */
  readonly uplink: Uplink | null;
  readonly health: HealthMonitor;
}
