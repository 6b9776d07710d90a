import { rm } from "node:fs/promises";
import mqtt, { type MqttClient } from "mqtt";
import { createLogger } from "../../src/core/logger.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import { startDaemon, type Daemon } from "../../src/main.js";
import { dwmLocationPayload } from "../../src/sim/publisher.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";
import { Central, type ReceivedEvent } from "../uplink/central.js";
import { daemonSite } from "./site.js";

const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

/**
 * The real daemon (`startDaemon`) on the demo site, a real Mosquitto as central's broker, and
 * the reference central consumer on it. A test drives the gateway the way the site does:
 * central commands over the uplink, wristband positions on the daemon's embedded broker.
 */
export class DaemonRig {
  readonly registry = builtinDrivers();
  daemon!: Daemon;
  broker!: RunningMosquitto;
  central!: Central;
  dir: string | undefined;
  private local: MqttClient | undefined;
  private commands = 0;

  async start(): Promise<void> {
    this.broker = await startMosquitto();
    await this.startCentral();
    await this.startDaemon();
  }

  /**
   * Starts the daemon (on the store of the previous run, if any) and waits for its birth: as a
   * real central does, commands are sent only to a gateway that has said it is there (before its
   * first subscription a command would reach nobody).
   */
  async startDaemon(): Promise<Daemon> {
    const { config, dir } = daemonSite(this.registry, { uplinkUrl: this.broker.url, ...(this.dir && { dir: this.dir }) });
    this.dir = dir;
    const births = this.central.births.length;
    this.daemon = await startDaemon({ config, registry: this.registry, log, env: {} });
    await this.central.waitFor("the gateway's birth", () => this.central.births.length > births, 5000);
    return this.daemon;
  }

  /** Stops the daemon (clean stop) and forgets the local broker client. */
  async stopDaemon(): Promise<boolean> {
    await this.local?.endAsync(true).catch(() => undefined);
    this.local = undefined;
    return this.daemon.stop();
  }

  async stop(): Promise<void> {
    if (this.daemon) await this.stopDaemon().catch(() => undefined);
    await this.central?.stop();
    await this.broker?.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  /** Sends a central command and waits for its response on `cmd/<name>/response`. */
  async command(name: string, args: Record<string, unknown>, timeoutMs = 5000): Promise<Record<string, any>> {
    const id = `cmd-${name}-${++this.commands}`;
    this.central.command(name, { id, args, requestedBy: "case-officer-7" });
    const response = () => this.central.responses.find((r) => r.topic.endsWith(`/cmd/${name}/response`) && r.body.id === id)?.body;
    await this.central.waitFor(`the response to ${name} ${id}`, () => response() !== undefined, timeoutMs);
    return response()!;
  }

  /** Publishes DWM positions of `tagId` at (x, y) on the embedded broker until `until()` holds. */
  async walk(tagId: string, x: number, y: number, until: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
    this.local ??= await mqtt.connectAsync(this.daemon.localBrokerUrl, { clientId: `dwm-gateway-${process.pid}` });
    const end = Date.now() + timeoutMs;
    for (let frame = 1; !until(); frame++) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.local.publishAsync(`dwm/node/${tagId}/uplink/location`, dwmLocationPayload(x, y, 0, 90, frame), { qos: 0 });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Events central applied, in seq order (contiguous, each once). */
  applied(): ReceivedEvent[] {
    return this.central.applied.map((s) => this.central.events.get(s)!);
  }

  /** Waits until central has applied an event matching `pred`; returns it. */
  async received(what: string, pred: (e: ReceivedEvent) => boolean, timeoutMs = 8000): Promise<ReceivedEvent> {
    await this.central.waitFor(what, () => this.applied().some(pred), timeoutMs);
    return this.applied().find(pred)!;
  }

  private async startCentral(): Promise<void> {
    this.central = new Central({ url: this.broker.url, site: "haining-demo", gatewayId: "gw-01", ackEveryMs: 50 });
    await this.central.start();
  }
}

/** An event as central reads it: the envelope's person, and the zone a move is about. */
export function story(e: ReceivedEvent): string {
  const p = e.payload as Record<string, unknown>;
  const person = (e as ReceivedEvent & { personId?: string }).personId;
  switch (e.type) {
    case "DEVICE_STATUS":
      return `${e.type} ${String(p.deviceId)} ${p.online ? "online" : "offline"}`;
    case "ZONE_ENTER":
      return `${e.type} ${person ?? String(p.tagId)} ${String(p.toZoneId)}`;
    case "ZONE_EXIT":
      return `${e.type} ${person ?? String(p.tagId)} ${String(p.fromZoneId)}`;
    case "ALARM_RAISED":
      return `${e.type} ${String(p.alarmType)}`;
    default:
      return `${e.type}${person ? ` ${person}` : ""}`;
  }
}

/** Every seq from 1 to the last applied, once, and each event chained to the one before. */
export function gapless(events: readonly ReceivedEvent[]): { seqs: boolean; chain: boolean } {
  const seqs = events.every((e, i) => e.seq === i + 1);
  const chain = events.every((e, i) => i === 0 || e.prevHash === events[i - 1]!.hash);
  return { seqs, chain };
}
