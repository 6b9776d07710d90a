import type { Socket } from "node:net";
import mqtt, { type IClientOptions, type IClientPublishOptions, type IPublishPacket, type MqttClient } from "mqtt";
import type { Logger } from "../core/logger.js";

export interface UplinkTls {
  /** PEM texts (not paths). */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface ConnectionOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  tls?: UplinkTls;
  keepaliveS: number;
  connectTimeoutMs: number;
  /** MQTT 5 Session Expiry Interval; 0 = clean start, no session kept by the broker. */
  sessionExpiryS: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  subscriptions: readonly string[];
  log?: Logger;
}

/** One live MQTT session. Stale after `down`; publishing on it then fails harmlessly. */
export interface Link {
  readonly generation: number;
  /** The broker's Receive Maximum (how many QoS 1 publishes it accepts unacknowledged). */
  readonly receiveMaximum: number;
  readonly sessionPresent: boolean;
  publish(topic: string, payload: string | Buffer, opts: IClientPublishOptions, cb?: (err?: Error) => void): void;
}

export interface LinkHandlers {
  /** The will of the next connect attempt (its bdSeq must match the birth sent after it). */
  will(): { topic: string; payload: string };
  up(link: Link): void;
  down(reason: string): void;
  message(topic: string, payload: Buffer, packet: IPublishPacket): void;
}

/**
 * Owns the MQTT connection to the central broker and its reconnect loop. Every attempt is a
 * fresh mqtt.js client (reconnectPeriod 0): a new will with a new bdSeq each time, and no
 * mqtt.js store outliving its socket — the outbox, not mqtt.js, holds what is undelivered.
 * Nagle is switched off on every socket (RELIABILITY.md rule 4).
 */
export class UplinkConnection {
  private client: MqttClient | undefined;
  private generation = 0;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly handlers: LinkHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Publish `last` (best effort, bounded), then disconnect cleanly (a clean DISCONNECT sends no will). */
  async stop(last?: { topic: string; payload: string; retain: boolean }, timeoutMs = 1000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected && last) {
      await Promise.race([client.publishAsync(last.topic, last.payload, { qos: 1, retain: last.retain }).catch(() => undefined), delay(timeoutMs)]);
    }
    await Promise.race([client.endAsync(false).catch(() => undefined), delay(timeoutMs)]);
    client.end(true);
  }

  private connect(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    const will = this.handlers.will();
    const o = this.opts;
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: o.clientId,
      clean: o.sessionExpiryS === 0,
      keepalive: o.keepaliveS,
      connectTimeout: o.connectTimeoutMs,
      reconnectPeriod: 0,
      queueQoSZero: false,
      resubscribe: false,
      properties: { sessionExpiryInterval: o.sessionExpiryS },
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
      ...(o.username !== undefined && { username: o.username }),
      ...(o.password !== undefined && { password: o.password }),
      ...(o.tls?.ca !== undefined && { ca: o.tls.ca }),
      ...(o.tls?.cert !== undefined && { cert: o.tls.cert }),
      ...(o.tls?.key !== undefined && { key: o.tls.key }),
      ...(o.tls?.servername !== undefined && { servername: o.tls.servername }),
      ...(o.tls && { rejectUnauthorized: o.tls.rejectUnauthorized !== false }),
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    noDelay(client);
    let isUp = false;
    let finished = false;
    const finish = (reason: string) => {
      if (finished) return;
      finished = true;
      client.removeAllListeners("message");
      client.end(true);
      if (this.client === client) this.client = undefined;
      if (isUp && !this.stopped) this.handlers.down(reason);
      this.scheduleReconnect();
    };
    client.on("connect", (connack) => {
      noDelay(client);
      this.attempt = 0;
      client.subscribe([...o.subscriptions], { qos: 1 }, (err, granted) => {
        if (finished) return;
        if (err) return finish(`subscribe failed: ${err.message}`);
        const refused = (granted ?? []).filter((g) => g.qos > 2);
        if (refused.length > 0) o.log?.error({ refused: refused.map((g) => g.topic) }, "uplink: broker refused subscriptions (check the ACL)");
        isUp = true;
        this.handlers.up({
          generation,
          receiveMaximum: connack.properties?.receiveMaximum ?? 65_535,
          sessionPresent: connack.sessionPresent,
          publish: (topic, payload, popts, cb) => {
            if (finished) return cb?.(new Error("link is down"));
            client.publish(topic, payload, popts, (err) => cb?.(err ?? undefined));
          },
        });
      });
    });
    client.on("message", (topic, payload, packet) => this.handlers.message(topic, payload, packet));
    client.on("error", (err) => {
      o.log?.warn({ err: err.message }, "uplink: connection error");
      finish(err.message);
    });
    client.on("close", () => finish("connection closed"));
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    const base = Math.min(this.opts.reconnectMaxMs, this.opts.reconnectMinMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    const wait = Math.round(base * (0.5 + Math.random() * 0.5)); // jitter: gateways do not reconnect in step
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, wait);
  }
}

function noDelay(client: MqttClient): void {
  (client.stream as Socket | undefined)?.setNoDelay?.(true);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
