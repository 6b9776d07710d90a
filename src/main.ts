import type { SiteConfig } from "./config/schema.js";
import { systemClock, type Clock } from "./core/clock.js";
import { EventFactory } from "./core/events.js";
import { Lifecycle, type Component } from "./core/lifecycle.js";
import type { Logger } from "./core/logger.js";
import { EventPipeline } from "./daemon/event-pipeline.js";
import { DeviceMessageNormalizer } from "./drivers/normalizer.js";
import type { DriverRegistry } from "./drivers/registry.js";
import { DriverSupervisor } from "./drivers/supervisor.js";
import { compileSite, MemoryTagBindings, messagesForDrafts, PresenceEngine, snapshotMessages, SqlitePresenceStore } from "./presence/index.js";
import { startDeviceSimulators, type RunningDeviceSimulators } from "./sim/device-simulators.js";
import { startSimulator, type RunningSimulator } from "./sim/simulator.js";
import { openDatabase, type Db } from "./store/db.js";
import { KvStore } from "./store/kv.js";
import { MetaStore } from "./store/meta.js";
import { Outbox } from "./store/outbox.js";
import { HealthMonitor } from "./systemd/health.js";
import { createNotifier } from "./systemd/notify.js";
import { startEmbeddedBroker, type EmbeddedBroker } from "./transports/embedded-broker.js";
import type { TransportLease } from "./transports/lease.js";
import type { MqttHandle } from "./transports/mqtt-local.js";
import { TransportPool } from "./transports/pool.js";

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
  readonly outbox: Outbox;
  readonly presence: PresenceEngine;
  readonly supervisor: DriverSupervisor;
  readonly pipeline: EventPipeline;
  /** Stops everything in reverse start order; true when all stopped within the deadline. */
  stop(): Promise<boolean>;
  /** Settles once the daemon has stopped, for whatever reason. */
  readonly stopped: Promise<void>;
}

const PRESENCE_TICK_MS = 1000;
/** How often the daemon logs what it is receiving, so an operator sees it is alive and fed. */
const ACTIVITY_LOG_MS = 5000;

/**
 * The composition root: start order store → local broker → transports → engines → simulated
 * serial devices → drivers → simulator → systemd READY; stop in reverse. Nothing else wires
 * parts together.
 */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { config, registry } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.log.child({ center: config.center.id, gateway: config.gateway.id });
  const health = new HealthMonitor({ clock });
  const notifier = createNotifier({ env: opts.env ?? process.env, log, health: () => health.check(), clock });
  const topicScope = { base: config.localBroker.baseTopic, gatewayId: config.gateway.id };
  const topicPrefix = `${topicScope.base}/${topicScope.gatewayId}`;

  let db!: Db;
  let outbox!: Outbox;
  let kv!: KvStore;
  let pipeline!: EventPipeline;
  let broker: EmbeddedBroker | null = null;
  let localBrokerUrl = config.localBroker.url ?? "";
  let pool!: TransportPool;
  let coreLease: TransportLease<MqttHandle> | null = null;
  let presence!: PresenceEngine;
  let presenceTimer: NodeJS.Timeout | undefined;
  let activityTimer: NodeJS.Timeout | undefined;
  let simulator: RunningSimulator | null = null;
  let deviceSimulators: RunningDeviceSimulators | null = null;
  const bindings = new MemoryTagBindings();
  const normalizer = new DeviceMessageNormalizer(topicPrefix);

  const supervisor = new DriverSupervisor({
    registry,
    clock,
    log,
    acquire: (device) => pool.acquire(device.id, device.transport),
    storeFor: (deviceId) => kv.namespace(`device:${deviceId}`),
    onMessage: (deviceId, def, msg) => {
      const out = normalizer.normalize(deviceId, def, msg, clock.now());
      if (out.observation) presence.ingest(out.observation.observation, out.observation.receivedAt, out.observation.source);
      if (out.events.length > 0) pipeline.record(out.events);
      pipeline.publishLocal(out.local);
    },
  });

  const components: Component[] = [
    {
      name: "store",
      start: async () => {
        db = openDatabase(config.store.path);
        const epoch = new MetaStore(db).bumpEpoch();
        outbox = new Outbox(db, epoch, { log: log.child({ component: "outbox" }) });
        kv = new KvStore(db);
        pipeline = new EventPipeline(new EventFactory(config.center.id, clock, outbox), outbox, log.child({ component: "events" }));
        log.info({ path: config.store.path, epoch }, "store opened");
      },
      stop: async () => {
        outbox.flush();
        outbox.close();
        db.close();
      },
    },
    {
      name: "local-broker",
      start: async () => {
        if (config.localBroker.mode !== "embedded") return;
        broker = await startEmbeddedBroker({ host: config.localBroker.host, port: config.localBroker.port, log: log.child({ component: "broker" }) });
        localBrokerUrl = broker.url;
      },
      stop: async () => {
        await broker?.close();
      },
    },
    {
      name: "transports",
      start: async () => {
        const mqttClientOptions = {
          ...(config.localBroker.username ? { username: config.localBroker.username } : {}),
          ...(typeof config.localBroker.password === "string" ? { password: config.localBroker.password } : {}),
        };
        pool = new TransportPool({ log, mqttUrl: localBrokerUrl, mqttClientOptions, clock });
        coreLease = pool.acquire("custody-edge", { kind: "mqtt" });
        const attach = () => pipeline.attachLocal(coreLease?.state === "open" ? (coreLease.handle ?? null) : null);
        coreLease.onStateChange((s) => {
          attach();
          // Retained views are rebuilt after every (re)connect: the embedded broker keeps none across restarts.
          if (s === "open" && presence) pipeline.publishLocal(snapshotMessages(presence, topicScope));
        });
        attach();
      },
      stop: async () => {
        await coreLease?.release();
        await pool.closeAll(2000);
      },
    },
    {
      name: "presence",
      start: async () => {
        const beat = health.register("presence", PRESENCE_TICK_MS * 10);
        presence = new PresenceEngine({
          site: compileSite(config),
          bindings,
          store: new SqlitePresenceStore(db),
          log: log.child({ component: "presence" }),
          sink: (drafts) => {
            pipeline.record(drafts);
            // The engine calls the sink inside its own state transaction: committing the events
            // here makes the move and its events durable together, so a crash can neither lose
            // nor repeat a room change.
            outbox.flush();
            // Occupancy is updated after the sink returns; publish the views on the next turn.
            setImmediate(() => pipeline.publishLocal(messagesForDrafts(presence, drafts, topicScope)));
          },
        });
        presenceTimer = setInterval(() => {
          presence.tick(clock.now());
          beat();
        }, PRESENCE_TICK_MS);
        let last = { observations: 0, events: 0 };
        activityTimer = setInterval(() => {
          const p = presence.stats();
          const now = { observations: p.observations, events: pipeline.stats.events };
          if (now.observations !== last.observations || now.events !== last.events) {
            log.info({ observations: now.observations - last.observations, events: now.events - last.events, tags: presence.tagIds().length, seconds: ACTIVITY_LOG_MS / 1000 }, "activity");
          }
          last = now;
        }, ACTIVITY_LOG_MS);
      },
      stop: async () => {
        clearInterval(presenceTimer);
        clearInterval(activityTimer);
        presence.flush();
        presence.close();
      },
    },
    {
      // Simulated serial devices on sim: paths: up before the drivers open them, unplugged only after the drivers stopped.
      name: "device-simulators",
      start: async () => {
        deviceSimulators = await startDeviceSimulators(config, log.child({ component: "device-simulators" }));
      },
      stop: async () => {
        await deviceSimulators?.stop();
      },
    },
    {
      name: "drivers",
      start: () => supervisor.startAll(config.devices),
      stop: () => supervisor.stopAll(Math.max(500, config.shutdownTimeoutMs / 2)),
    },
    {
      name: "simulator",
      start: async () => {
        if (!config.simulation.enabled) return;
        simulator = await startSimulator({
          config,
          brokerUrl: localBrokerUrl,
          log: log.child({ component: "simulator" }),
          onTransition: (t) => {
            bindings.bind(t.tagId, { personId: t.personId, role: "detainee" });
            log.debug({ person: t.personId, step: t.step, room: t.roomId }, "simulated step");
          },
        });
        for (const o of simulator.people.officers) bindings.bind(o.tagId, { personId: `officer-${o.index + 1}`, role: "officer" });
      },
      stop: async () => {
        await simulator?.stop();
      },
    },
  ];

  const lifecycle = new Lifecycle(components, log);
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
      return localBrokerUrl;
    },
    outbox,
    presence,
    supervisor,
    pipeline,
    stopped,
    stop: async () => {
      notifier.stopping();
      const clean = await lifecycle.stop(config.shutdownTimeoutMs);
      notifier.stop();
      markStopped();
      return clean;
    },
  };
}
