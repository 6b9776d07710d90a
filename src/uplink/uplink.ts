import type { IPublishPacket } from "mqtt";
import { packageVersion } from "../cli/version.js";
import { systemClock, type Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { AuditLog } from "../store/audit-log.js";
import type { Db } from "../store/db.js";
import { MetaStore } from "../store/meta.js";
import type { Outbox } from "../store/outbox.js";
import { CommandHandler } from "./command-handler.js";
import { CommandStore } from "./command-store.js";
import type { CommandRouter } from "./commands.js";
import { UplinkConnection, type ConnectionOptions, type Link } from "./connection.js";
import { Drainer, type DrainOptions, type DrainStats } from "./drainer.js";
import { Ack, HostState, SENDER_PROPERTY, type Birth, type GatewayState, type Inventory } from "./payloads.js";
import { UplinkTopics } from "./topics.js";

export interface UplinkOptions extends Omit<ConnectionOptions, "subscriptions" | "log" | "keepaliveS" | "connectTimeoutMs" | "reconnectMinMs" | "reconnectMaxMs"> {
  site: string;
  gatewayId: string;
  /** The central host: its retained state gates draining; commands and acks must name it as `sender`. */
  centralHostId: string;
  db: Db;
  outbox: Outbox;
  audit: AuditLog;
  /** Executes central commands; without one they are answered NOT_IMPLEMENTED. */
  router?: CommandRouter;
  /** Devices, zones and rule-set version for the birth message. */
  inventory?: () => Inventory;
  /** Drain only while central's retained host state says online (default true). */
  requireCentralOnline?: boolean;
  keepaliveS?: number;
  connectTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  drain?: Partial<DrainOptions>;
  /** How often stalled acks are checked (default 1000 ms). */
  tickMs?: number;
  clock?: Clock;
  log?: Logger;
}

export interface UplinkStatus extends DrainStats {
  connected: boolean;
  centralOnline: boolean;
  draining: boolean;
  bdSeq: number;
  committedSeq: number;
  floorSeq: number;
}

const BD_SEQ_KEY = "uplink.bdSeq";
const EMPTY_INVENTORY: Inventory = { devices: [], zones: [], ruleSetVersion: "none" };

/**
 * The MQTT 5 uplink to the central case system (PRIOR-ART.md §8.2, docs/topics.md): retained
 * `state` with a will, `birth` after every connect, the outbox drained in seq order on
 * `evt/<category>` while the central host is online, end-to-end `ack {upTo}` that lets the
 * outbox delete, and `cmd/<name>` answered on `cmd/<name>/response`.
 */
export class Uplink {
  readonly name = "uplink";
  readonly topics: UplinkTopics;
  private readonly clock: Clock;
  private readonly meta: MetaStore;
  private readonly connection: UplinkConnection;
  private readonly drainer: Drainer;
  private readonly commands: CommandHandler;
  private readonly software = packageVersion();
  private link: Link | undefined;
  private centralOnline = false;
  private lastHostTs = -Infinity;
  private bdSeq: number;
  private ticker: NodeJS.Timeout | undefined;
  private unsubscribeCommits: (() => void) | undefined;

  constructor(private readonly opts: UplinkOptions) {
    this.clock = opts.clock ?? systemClock;
    this.meta = new MetaStore(opts.db);
    this.bdSeq = Number(this.meta.get(BD_SEQ_KEY) ?? "0");
    this.topics = new UplinkTopics(opts.site, opts.gatewayId, opts.centralHostId);
    this.drainer = new Drainer(
      opts.outbox,
      this.topics,
      { inflightWindow: 100, unackedWindow: 10_000, ackTimeoutMs: 15_000, readAhead: 1000, ...opts.drain },
      () => this.clock.monotonic(),
    );
    this.commands = new CommandHandler({
      store: new CommandStore(opts.db),
      router: opts.router,
      audit: opts.audit,
      clock: this.clock,
      centralHostId: opts.centralHostId,
      rebirth: () => this.rebirth(),
      ...(opts.log && { log: opts.log }),
    });
    this.connection = new UplinkConnection(
      {
        ...opts,
        keepaliveS: opts.keepaliveS ?? 20,
        connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
        reconnectMinMs: opts.reconnectMinMs ?? 1000,
        reconnectMaxMs: opts.reconnectMaxMs ?? 5000,
        subscriptions: [this.topics.ack, this.topics.commandFilter, this.topics.hostState],
        ...(opts.log && { log: opts.log }),
      },
      {
        will: () => ({ topic: this.topics.state, payload: JSON.stringify(this.nextSessionState()) }),
        up: (link) => this.onUp(link),
        down: (reason) => this.onDown(reason),
        message: (topic, payload, packet) => this.onMessage(topic, payload, packet),
      },
    );
  }

  /** Starts connecting in the background; never waits for central (the outbox covers outages). */
  async start(): Promise<void> {
    this.unsubscribeCommits = this.opts.outbox.onCommit(() => this.drainer.pump());
    this.ticker = setInterval(() => this.drainer.tick(), this.opts.tickMs ?? 1000);
    this.connection.start();
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.unsubscribeCommits?.();
    this.drainer.end();
    this.link = undefined;
    const offline: GatewayState = { online: false, ts: this.clock.now(), bdSeq: this.bdSeq };
    await this.connection.stop({ topic: this.topics.state, payload: JSON.stringify(offline), retain: true });
  }

  /** Publish the birth message again (central asked, or came back online). */
  rebirth(): void {
    this.link?.publish(this.topics.birth, JSON.stringify(this.birth()), { qos: 1 });
  }

  status(): UplinkStatus {
    return {
      ...this.drainer.stats(),
      connected: this.link !== undefined,
      centralOnline: this.centralOnline,
      draining: this.drainer.active,
      bdSeq: this.bdSeq,
      committedSeq: this.opts.outbox.committedSeq,
      floorSeq: this.opts.outbox.floorSeq,
    };
  }

  /** Each connect attempt is a new session number, persisted so it never repeats. */
  private nextSessionState(): GatewayState {
    this.bdSeq++;
    this.meta.set(BD_SEQ_KEY, String(this.bdSeq));
    return { online: false, ts: this.clock.now(), bdSeq: this.bdSeq };
  }

  private onUp(link: Link): void {
    this.link = link;
    const online: GatewayState = { online: true, ts: this.clock.now(), bdSeq: this.bdSeq };
    link.publish(this.topics.state, JSON.stringify(online), { qos: 1, retain: true });
    this.opts.log?.info({ bdSeq: this.bdSeq, sessionPresent: link.sessionPresent, receiveMaximum: link.receiveMaximum }, "uplink connected");
    // As in Sparkplug, the birth waits for the central host's online state (retained, so it
    // arrives right after subscribing) unless draining is not gated on it.
    if (this.mayDrain()) this.startSession(link);
  }

  private startSession(link: Link): void {
    this.rebirth();
    this.drainer.begin(link);
  }

  private onDown(reason: string): void {
    this.link = undefined;
    this.centralOnline = false; // learnt again from the retained host state after reconnect
    this.drainer.end();
    this.opts.log?.warn({ reason, floorSeq: this.opts.outbox.floorSeq, committedSeq: this.opts.outbox.committedSeq }, "uplink disconnected");
  }

  private mayDrain(): boolean {
    return this.opts.requireCentralOnline === false || this.centralOnline;
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const route = this.topics.classify(topic);
    const sender = senderOf(packet);
    if (route.kind === "command") {
      void this.answer(route.name, payload, sender, packet.properties?.correlationData);
      return;
    }
    if (route.kind === "other") return;
    if (sender !== this.opts.centralHostId) {
      this.opts.log?.warn({ topic, sender }, "uplink: ignored a message not sent by the central host");
      return;
    }
    const json = parseJson(payload);
    if (route.kind === "ack") {
      const ack = Ack.safeParse(json);
      if (!ack.success) return void this.opts.log?.warn({ topic }, "uplink: malformed ack");
      try {
        this.opts.outbox.ack(ack.data.upTo, ack.data.hash);
      } catch (err) {
        this.opts.log?.error({ err, ack: ack.data }, "uplink: ack refused");
        return;
      }
      this.drainer.acked();
      return;
    }
    const state = HostState.safeParse(json);
    if (!state.success) return void this.opts.log?.warn({ topic }, "uplink: malformed host state");
    if (state.data.ts < this.lastHostTs) return; // a late will of an older central session
    this.lastHostTs = state.data.ts;
    const wasOnline = this.centralOnline;
    this.centralOnline = state.data.online;
    if (!this.link || wasOnline === this.centralOnline) return;
    if (this.centralOnline) {
      // Central is (back) online and may have missed anything: birth, then replay from its last ack.
      this.startSession(this.link);
    } else if (this.opts.requireCentralOnline !== false) {
      this.drainer.end();
    }
  }

  private async answer(name: string, payload: Buffer, sender: string | undefined, correlationData: Buffer | undefined): Promise<void> {
    try {
      const response = await this.commands.handle({ name, payload, sender });
      if (!response) return;
      this.link?.publish(this.topics.commandResponse(name), JSON.stringify(response), {
        qos: 1,
        ...(correlationData && { properties: { correlationData } }),
      });
    } catch (err) {
      this.opts.log?.error({ err, command: name }, "uplink: command handling failed");
    }
  }

  private birth(): Birth {
    const outbox = this.opts.outbox;
    const s = outbox.stats();
    return {
      ts: this.clock.now(),
      bdSeq: this.bdSeq,
      epoch: outbox.epoch,
      site: this.opts.site,
      gatewayId: this.opts.gatewayId,
      software: this.software,
      inventory: this.opts.inventory?.() ?? EMPTY_INVENTORY,
      outbox: { committedSeq: s.head.key, floorSeq: s.floor.key, pending: s.rows, dropped: s.dropped },
      chain: { outbox: s.head, audit: outbox.audit.currentHead() },
    };
  }
}

function senderOf(packet: IPublishPacket): string | undefined {
  const v = packet.properties?.userProperties?.[SENDER_PROPERTY];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
}
