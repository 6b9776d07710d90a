import type { SiteConfig } from "./config/schema.js";
import { systemClock, type Clock } from "./core/clock.js";
import { Lifecycle } from "./core/lifecycle.js";
import type { Logger } from "./core/logger.js";
import type { ActionServices } from "./actions/index.js";
import type { CustodyService } from "./custody/index.js";
import { deviceSimulatorsComponent, doorsComponent, driversComponent, simulatorComponent } from "./daemon/device-components.js";
import { actionsComponent, custodyComponent, presenceComponent, rulesComponent } from "./daemon/engine-components.js";
import type { EventPipeline } from "./daemon/event-pipeline.js";
import { localBrokerComponent, transportsComponent } from "./daemon/local-components.js";
import { activityComponent } from "./daemon/activity.js";
import { apiComponent } from "./daemon/api-component.js";
import { storeComponent } from "./daemon/store-component.js";
import { uplinkComponent } from "./daemon/uplink-component.js";
import { Wiring } from "./daemon/wiring.js";
import type { DriverRegistry } from "./drivers/registry.js";
import type { DriverSupervisor } from "./drivers/supervisor.js";
import type { PresenceEngine } from "./presence/index.js";
import type { RuleEngine } from "./rules/index.js";
import { driveCustodyFromSimulation } from "./sim/custody-script.js";
import type { Outbox } from "./store/outbox.js";
import { HealthMonitor } from "./systemd/health.js";
import { createNotifier } from "./systemd/notify.js";

export interface DaemonOptions {
  config: SiteConfig;
  registry: DriverRegistry;
  log: Logger;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

export interface Daemon {
  readonly config: SiteConfig;
  readonly localBrokerUrl: string;
  /** The local API's address (`http://host:port`); empty when `api.enabled` is false. */
  readonly apiUrl: string;
  readonly outbox: Outbox;
  readonly presence: PresenceEngine;
  readonly custody: CustodyService;
  readonly rules: RuleEngine;
  readonly actions: ActionServices;
  readonly supervisor: DriverSupervisor;
  readonly pipeline: EventPipeline;
  /** Stops everything in reverse start order; true when all stopped within the deadline. */
  stop(): Promise<boolean>;
  /** Settles once the daemon has stopped, for whatever reason. */
  readonly stopped: Promise<void>;
}

/**
 * The composition root. Start order: store → local broker → transports → engines (custody,
 * presence, rules, actions) → simulated devices → drivers → door read-back → uplink → demo
 * simulator; stop in reverse. Engines start before drivers so that no device message arrives
 * at an engine that is not there yet; doors are commanded only after their sensors were read.
 */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.log.child({ center: config.center.id, gateway: config.gateway.id });
  const health = new HealthMonitor({ clock });
  const notifier = createNotifier({ env: opts.env ?? process.env, log, health: () => health.check(), clock });
  const w = new Wiring(config, opts.registry, clock, log, health);

  const lifecycle = new Lifecycle(
    [
      storeComponent(w),
      localBrokerComponent(w),
      transportsComponent(w),
      custodyComponent(w),
      presenceComponent(w),
      rulesComponent(w),
      actionsComponent(w),
      deviceSimulatorsComponent(w),
      driversComponent(w),
      doorsComponent(w),
      uplinkComponent(w),
      activityComponent(w),
      simulatorComponent(w, (sim) => driveCustodyFromSimulation(sim, w.custody, w.clock, log.child({ component: "simulator" }))),
      apiComponent(w),
    ],
    log,
  );
  let markStopped!: () => void;
  const stopped = new Promise<void>((r) => (markStopped = r));
  notifier.start();
  await lifecycle.start();
  notifier.ready();
  notifier.status(`running: ${config.devices.length} devices, ${config.areas.length} areas`);
  log.info({ devices: config.devices.length }, "custody-edge started");

  return {
    config,
    get localBrokerUrl() {
      return w.localBrokerUrl;
    },
    get apiUrl() {
      return w.apiUrl;
    },
    outbox: w.outbox,
    presence: w.presence,
    custody: w.custody,
    rules: w.rules,
    actions: w.actions,
    supervisor: w.supervisor,
    pipeline: w.pipeline,
    stopped,
    stop: async () => {
      notifier.stopping();
      const clean = await lifecycle.stop(config.shutdownTimeoutMs);
      notifier.stop();
      health.close();
      markStopped();
      return clean;
    },
  };
}
