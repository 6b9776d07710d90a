import { randomBytes } from "node:crypto";
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import type { Logger } from "../core/logger.js";
import { ConnectionBase, TransportNotOpenError, type Connection } from "./connection.js";
import type { TransportKind } from "./lease.js";
import { isValidTopicFilter, topicMatches } from "./mqtt-topic-match.js";

export type MqttMessageHandler = (topic: string, payload: Buffer) => void;

export interface MqttPublishOptions {
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

/** What an MQTT lease hands to drivers that talk to devices through the local broker. */
export interface MqttHandle {
  /** Route messages matching `filter` to `cb`; returns the unsubscribe function. Survives reconnects. */
  subscribe(filter: string, cb: MqttMessageHandler): () => void;
  /** Rejects with TransportNotOpenError while disconnected: a device command is never queued to run late. */
  publish(topic: string, payload: string | Buffer, opts?: MqttPublishOptions): Promise<void>;
}

export interface LocalMqttOptions {
  url: string;
  /** Credentials, clientId, keepalive … (protocol version and queueing are fixed here). */
  clientOptions?: IClientOptions;
  reconnectPeriodMs?: number;
}

/** Subscriptions go to the broker at QoS 1: device events are worth the acknowledgement. */
const SUBSCRIBE_QOS = 1;

/**
 * One MQTT client per broker URL, shared by every MQTT-speaking driver. The broker sees one
 * subscription per distinct filter; messages are routed to handlers by local wildcard
 * matching. MQTT 3.1.1 is used on purpose: with overlapping filters the broker then sends one
 * copy per message (mosquitto 2.0, aedes 1.2), where MQTT 5 sends one per subscription.
 * mqtt.js reconnects by itself; we re-subscribe on every connect (clean session).
 */
export class LocalMqttConnection extends ConnectionBase<MqttHandle> implements Connection<MqttHandle> {
  readonly kind: TransportKind = "mqtt";
  readonly handle: MqttHandle;
  private client: MqttClient | null = null;
  private closing = false;
  private readonly routes = new Map<string, Set<MqttMessageHandler>>();

  constructor(
    private readonly opts: LocalMqttOptions,
    log: Logger,
  ) {
    super(`mqtt:${opts.url}`, log);
    this.handle = {
      subscribe: (filter, cb) => this.subscribe(filter, cb),
      publish: (topic, payload, o) => this.publish(topic, payload, o),
    };
  }

  open(): void {
    if (this.client || this.closing) return;
    const client = connect(this.opts.url, {
      clientId: `custody-edge-devices-${randomBytes(4).toString("hex")}`,
      reconnectPeriod: this.opts.reconnectPeriodMs ?? 1000,
      connectTimeout: 5000,
      ...this.opts.clientOptions,
      protocolVersion: 4,
      clean: true,
      resubscribe: false,
      queueQoSZero: false,
    });
    client.on("connect", () => {
      this.setState("open");
      if (this.routes.size) client.subscribe([...this.routes.keys()], { qos: SUBSCRIBE_QOS }, (err) => this.subscribed(err));
    });
    client.on("close", () => {
      if (!this.closing) this.setState("reopening");
    });
    client.on("error", (err) => {
      this.setError(err);
      this.log.warn({ err: err.message }, "local broker connection error");
    });
    client.on("message", (topic, payload) => this.route(topic, payload));
    this.client = client;
  }

  async close(): Promise<void> {
    this.closing = true;
    const client = this.client;
    this.client = null;
    // Not connected: nothing in flight worth waiting for, so do not wait on a dead broker.
    if (client) await client.endAsync(!client.connected);
    this.setState("closed");
  }

  private subscribe(filter: string, cb: MqttMessageHandler): () => void {
    if (!isValidTopicFilter(filter)) throw new Error(`invalid MQTT topic filter "${filter}"`);
    let set = this.routes.get(filter);
    if (!set) {
      set = new Set();
      this.routes.set(filter, set);
      if (this.client?.connected) this.client.subscribe(filter, { qos: SUBSCRIBE_QOS }, (err) => this.subscribed(err));
    }
    set.add(cb);
    return () => {
      const s = this.routes.get(filter);
      if (!s?.delete(cb) || s.size) return;
      this.routes.delete(filter);
      if (this.client?.connected) this.client.unsubscribe(filter);
    };
  }

  private publish(topic: string, payload: string | Buffer, opts: MqttPublishOptions = {}): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new TransportNotOpenError(this.key, this.state, this.lastError));
    return new Promise<void>((resolve, reject) => {
      client.publish(topic, payload, { qos: opts.qos ?? 0, retain: opts.retain ?? false }, (err) => (err ? reject(err) : resolve()));
    });
  }

  private subscribed(err: Error | null | undefined): void {
    if (err) this.log.error({ err: err.message }, "local broker refused a subscription");
  }

  private route(topic: string, payload: Buffer): void {
    for (const [filter, handlers] of this.routes) {
      if (!topicMatches(filter, topic)) continue;
      for (const cb of [...handlers]) {
        try {
          cb(topic, payload);
        } catch (err) {
          this.log.error({ err, topic }, "MQTT message handler threw");
        }
      }
    }
  }
}
