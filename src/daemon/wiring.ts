import type { ActionServices } from "../actions/index.js";
import type { SiteConfig } from "../config/schema.js";
import type { Clock } from "../core/clock.js";
import type { EventFactory } from "../core/events.js";
import type { Logger } from "../core/logger.js";
import type { CustodyService } from "../custody/index.js";
import type { DriverRegistry } from "../drivers/registry.js";
import type { DriverSupervisor } from "../drivers/supervisor.js";
import type { PresenceEngine } from "../presence/index.js";
import type { RuleEngine } from "../rules/index.js";
import type { AuditLog } from "../store/audit-log.js";
import type { Db } from "../store/db.js";
import type { KvStore } from "../store/kv.js";
import type { Outbox } from "../store/outbox.js";
import type { HealthMonitor } from "../systemd/health.js";
import type { EmbeddedBroker } from "../transports/embedded-broker.js";
import type { TransportPool } from "../transports/pool.js";
import type { Uplink } from "../uplink/uplink.js";
import type { EventPipeline } from "./event-pipeline.js";

/**
 * The parts of a running daemon, filled in by the components in start order (store first).
 * A component reads only parts of components that start before it; `main.ts` fixes the order.
 */
export class Wiring {
  db!: Db;
  outbox!: Outbox;
  kv!: KvStore;
  factory!: EventFactory;
  pipeline!: EventPipeline;
  audit!: AuditLog;
  broker: EmbeddedBroker | null = null;
  localBrokerUrl: string;
  pool!: TransportPool;
  presence!: PresenceEngine;
  custody!: CustodyService;
  rules!: RuleEngine;
  actions!: ActionServices;
  supervisor!: DriverSupervisor;
  uplink: Uplink | null = null;
  /** The local API's bound address (`http://host:port`); empty while it is off. */
  apiUrl = "";
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly config: SiteConfig,
    readonly registry: DriverRegistry,
    readonly clock: Clock,
    readonly log: Logger,
    readonly health: HealthMonitor,
  ) {
    this.localBrokerUrl = config.localBroker.url ?? "";
  }

  get topicScope(): { base: string; gatewayId: string } {
    return { base: this.config.localBroker.baseTopic, gatewayId: this.config.gateway.id };
  }

  /** A periodic job whose timer is cleared by `clearTimers` at stop. */
  every(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setInterval(() => {
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, "periodic job failed");
      }
    }, ms);
    this.timers.add(t);
    return t;
  }

  clear(timer: NodeJS.Timeout): void {
    clearInterval(timer);
    this.timers.delete(timer);
  }
}
