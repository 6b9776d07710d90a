import type { IClientOptions } from "mqtt";
import type { Transport } from "../config/schema.js";
import { systemClock, type Clock } from "../core/clock.js";
import { FatalDriverError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { DEFAULT_REOPEN, TransportNotOpenError, type Connection, type ReopenPolicy } from "./connection.js";
import { GpioConnection, type GpioBackend, type GpioHandle } from "./gpio.js";
import { OnoffGpioBackend } from "./gpio-onoff.js";
import { HidConnection, hidKey, type HidHandle, type NodeHidModule } from "./hid.js";
import type { LeaseState, TransportKind, TransportLease } from "./lease.js";
import { LocalMqttConnection, type MqttHandle } from "./mqtt-local.js";
import { PooledLease, type PoolEntry } from "./pooled-lease.js";
import { RequestBus } from "./request-bus.js";
import { describeSerial, SerialConnection, type SerialHandle } from "./serial.js";

export type SerialTransportConfig = Extract<Transport, { kind: "serial" }>;
export type MqttTransportConfig = Extract<Transport, { kind: "mqtt" }>;
export type HidTransportConfig = Extract<Transport, { kind: "hid" }>;
export type GpioTransportConfig = Extract<Transport, { kind: "gpio" }>;

export interface TransportPoolOptions {
  log: Logger;
  /** The local broker MQTT-speaking devices use (embedded or external); needed only for kind "mqtt". */
  mqttUrl?: string;
  /** Credentials, clientId, keepalive for the local broker client. */
  mqttClientOptions?: IClientOptions;
  mqttReconnectPeriodMs?: number;
  clock?: Clock;
  /** Reopen backoff for serial, HID and GPIO (default 250 ms doubling to 10 s, jittered). */
  reopen?: ReopenPolicy;
  /** Quiet gap between exclusive sections on one transport (RS-485 turnaround). */
  turnaroundMs?: number;
  /** Replaces the lazy node-hid import (tests, or a build without HID). */
  hidLoader?: () => Promise<NodeHidModule>;
  /** GPIO backend per chip; default onoff (sysfs), loaded on first use. */
  gpioBackend?: (chip: string) => GpioBackend;
}

export interface TransportStatus {
  key: string;
  kind: TransportKind;
  state: LeaseState;
  holders: string[];
  lastError?: string;
}

/**
 * Shared, reference-counted transports (Node-RED serialPool style): the first acquire opens,
 * later acquires of the same key share, the last release closes. Several devices on one
 * RS-485 bus therefore share one port and one request queue.
 */
export class TransportPool {
  private readonly entries = new Map<string, PoolEntry<unknown>>();
  /** Connections still closing, so a re-acquire waits instead of fighting over the device. */
  private readonly closing = new Map<string, Promise<void>>();
  private shutDown = false;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: TransportPoolOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log.child({ component: "transports" });
  }

  acquire(deviceId: string, t: SerialTransportConfig): TransportLease<SerialHandle>;
  acquire(deviceId: string, t: MqttTransportConfig): TransportLease<MqttHandle>;
  acquire(deviceId: string, t: HidTransportConfig): TransportLease<HidHandle>;
  acquire(deviceId: string, t: GpioTransportConfig): TransportLease<GpioHandle>;
  acquire(deviceId: string, t: Transport): TransportLease | null;
  acquire(deviceId: string, t: Transport): TransportLease | null {
    if (t.kind === "none") return null;
    if (this.shutDown) throw new TransportNotOpenError(this.keyOf(t), "closed", new Error("transport pool is shut down"));
    const key = this.keyOf(t);
    let entry = this.entries.get(key);
    if (entry) {
      this.checkCompatible(entry, t, deviceId);
    } else {
      const created: PoolEntry<unknown> = (entry = this.createEntry(key, t));
      this.entries.set(key, created);
      const previous = this.closing.get(key);
      const open = () => {
        if (this.entries.get(key) === created) created.connection.open();
      };
      if (previous) void previous.finally(open);
      else open();
    }
    const lease = new PooledLease<unknown>(deviceId, entry, (l) => this.giveBack(key, l));
    entry.holders.add(lease);
    this.log.debug({ device: deviceId, transport: key, holders: entry.holders.size }, "transport acquired");
    return lease;
  }

  status(): TransportStatus[] {
    return [...this.entries.values()].map((e) => {
      const c = e.connection;
      const s: TransportStatus = { key: c.key, kind: c.kind, state: c.state, holders: [...e.holders].map((l) => l.deviceId) };
      if (c.lastError) s.lastError = c.lastError.message;
      return s;
    });
  }

  /**
   * Shutdown: close every transport, whoever still holds it. Resolves within `deadlineMs`
   * with the keys that had not finished closing by then (normally none).
   */
  async closeAll(deadlineMs: number): Promise<{ timedOut: string[] }> {
    this.shutDown = true;
    const pending = new Map<string, Promise<void>>(this.closing);
    for (const [key, entry] of this.entries) pending.set(key, this.closeEntry(key, entry));
    this.entries.clear();
    const unfinished = new Set(pending.keys());
    const all = [...pending].map(([key, p]) => p.then(() => unfinished.delete(key)));
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    const deadline = new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, deadlineMs)));
    await Promise.race([Promise.all(all), deadline]);
    if (timer) this.clock.clearTimeout(timer);
    const timedOut = [...unfinished];
    if (timedOut.length) this.log.error({ timedOut, deadlineMs }, "transports did not close before the deadline");
    return { timedOut };
  }

  private keyOf(t: Exclude<Transport, { kind: "none" }>): string {
    switch (t.kind) {
      case "serial":
        return t.path;
      case "mqtt":
        return `mqtt:${this.opts.mqttUrl ?? "(unset)"}`;
      case "hid":
        return hidKey(t);
      case "gpio":
        return `gpio:${t.chip}`;
    }
  }

  private createEntry(key: string, t: Exclude<Transport, { kind: "none" }>): PoolEntry<unknown> {
    const connection = this.createConnection(key, t);
    const bus = new RequestBus<unknown>(connection.handle, { clock: this.clock, label: key, turnaroundMs: this.opts.turnaroundMs ?? 0 });
    return { connection, bus, holders: new Set(), config: t };
  }

  private createConnection(key: string, t: Exclude<Transport, { kind: "none" }>): Connection<unknown> {
    const log = this.log.child({ transport: key });
    const reopen = this.opts.reopen ?? DEFAULT_REOPEN;
    switch (t.kind) {
      case "serial":
        return new SerialConnection(t, log, this.clock, reopen);
      case "mqtt": {
        if (!this.opts.mqttUrl) throw new FatalDriverError("an mqtt transport needs the local broker URL, and none is configured");
        const mqttOpts = { url: this.opts.mqttUrl, reconnectPeriodMs: this.opts.mqttReconnectPeriodMs ?? 1000 };
        return new LocalMqttConnection(this.opts.mqttClientOptions ? { ...mqttOpts, clientOptions: this.opts.mqttClientOptions } : mqttOpts, log);
      }
      case "hid":
        return new HidConnection(t, log, this.opts.hidLoader, this.clock, reopen);
      case "gpio": {
        const backend = this.opts.gpioBackend?.(t.chip) ?? new OnoffGpioBackend(t.chip, log);
        return new GpioConnection(t.chip, backend, log, this.clock, reopen);
      }
    }
  }

  /** Two devices on one serial bus must agree on its line settings, or one of them is misconfigured. */
  private checkCompatible(entry: PoolEntry<unknown>, t: Transport, deviceId: string): void {
    const first = entry.config as Transport;
    if (t.kind !== "serial" || first.kind !== "serial") return;
    const [want, have] = [describeSerial(t), describeSerial(first)];
    if (want !== have) {
      const holders = [...entry.holders].map((l) => l.deviceId).join(", ");
      throw new FatalDriverError(`device ${deviceId} wants ${t.path} at ${want}, but it is open at ${have} for ${holders}`);
    }
  }

  private async giveBack(key: string, lease: PooledLease<unknown>): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || !entry.holders.delete(lease)) return this.closing.get(key); // closed by closeAll meanwhile
    this.log.debug({ device: lease.deviceId, transport: key, holders: entry.holders.size }, "transport released");
    if (entry.holders.size > 0) return;
    this.entries.delete(key);
    const closed = this.closeEntry(key, entry);
    this.closing.set(key, closed);
    void closed.finally(() => {
      if (this.closing.get(key) === closed) this.closing.delete(key);
    });
    return closed;
  }

  private closeEntry(key: string, entry: PoolEntry<unknown>): Promise<void> {
    entry.bus.close(new TransportNotOpenError(key, "closed"));
    return entry.connection.close().catch((err) => this.log.warn({ err, transport: key }, "transport close failed"));
  }
}
