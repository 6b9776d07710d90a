import type { Component } from "../core/lifecycle.js";
import { snapshotMessages } from "../presence/index.js";
import { startEmbeddedBroker } from "../transports/embedded-broker.js";
import type { TransportLease } from "../transports/lease.js";
import type { MqttHandle } from "../transports/mqtt-local.js";
import { TransportPool } from "../transports/pool.js";
import type { Wiring } from "./wiring.js";

/** The gateway's own MQTT broker for device traffic, when the site does not run Mosquitto. */
export function localBrokerComponent(w: Wiring): Component {
  return {
    name: "local-broker",
    start: async () => {
      const b = w.config.localBroker;
      if (b.mode !== "embedded") return;
      w.broker = await startEmbeddedBroker({ host: b.host, port: b.port, log: w.log.child({ component: "broker" }) });
      w.localBrokerUrl = w.broker.url;
    },
    stop: async () => {
      await w.broker?.close();
    },
  };
}

/**
 * The transport pool, and the daemon's own lease on the local broker for its live views
 * (retained device state, locations, occupancy). Retained views are rebuilt after every
 * (re)connect: the embedded broker keeps none across restarts.
 */
export function transportsComponent(w: Wiring): Component {
  let coreLease: TransportLease<MqttHandle> | null = null;
  return {
    name: "transports",
    start: async () => {
      const b = w.config.localBroker;
      const mqttClientOptions = {
        ...(b.username ? { username: b.username } : {}),
        ...(typeof b.password === "string" ? { password: b.password } : {}),
      };
      w.pool = new TransportPool({ log: w.log, mqttUrl: w.localBrokerUrl, mqttClientOptions, clock: w.clock });
      const lease = w.pool.acquire("custody-edge", { kind: "mqtt" });
      coreLease = lease;
      const attach = () => w.pipeline.attachLocal(lease.state === "open" ? (lease.handle ?? null) : null);
      lease.onStateChange((s) => {
        attach();
        if (s === "open" && w.presence) w.pipeline.publishLocal(snapshotMessages(w.presence, w.topicScope));
      });
      attach();
    },
    stop: async () => {
      w.pipeline.attachLocal(null);
      await coreLease?.release();
      await w.pool.closeAll(2000);
    },
  };
}
