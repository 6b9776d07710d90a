import { Backoff } from "../core/backoff.js";
import type { Clock, TimerHandle } from "../core/clock.js";
import { FatalDriverError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Device } from "../config/schema.js";
import type { TransportLease } from "../transports/lease.js";
import type { Command, CommandResult, DeviceDriver, DeviceMessage, DeviceStore, DriverDefinition } from "./contract.js";

export type SlotState = "idle" | "starting" | "running" | "retrying" | "stopping" | "stopped";

export interface SlotDeps {
  clock: Clock;
  log: Logger;
  store: DeviceStore;
  acquire(device: Device): TransportLease | null;
  deliver(deviceId: string, def: DriverDefinition<unknown>, msg: DeviceMessage): void;
  backoff: { baseMs: number; capMs: number; fatalMs: number };
}

export interface SlotStatus {
  deviceId: string;
  driver: string;
  state: SlotState;
  online: boolean;
  attempts: number;
  lastError?: string;
}

/**
 * One configured device and its driver instance: start, retry with backoff on failure, stop
 * within a deadline. A failure here marks only this device offline; nothing propagates.
 */
export class DeviceSlot {
  private state: SlotState = "idle";
  private online = false;
  private driver: DeviceDriver | null = null;
  private lease: TransportLease | null = null;
  private abort: AbortController | null = null;
  private retryTimer: TimerHandle | null = null;
  private unwatch: (() => void) | null = null;
  private lastError: string | undefined;
  private readonly backoff: Backoff;
  private readonly log: Logger;

  constructor(
    readonly device: Device,
    readonly def: DriverDefinition<unknown>,
    private readonly deps: SlotDeps,
  ) {
    this.backoff = new Backoff({ baseMs: deps.backoff.baseMs, capMs: deps.backoff.capMs });
    this.log = deps.log.child({ device: device.id, driver: def.id });
  }

  status(): SlotStatus {
    const s: SlotStatus = { deviceId: this.device.id, driver: this.def.id, state: this.state, online: this.online, attempts: this.backoff.attempts };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    return s;
  }

  /** Resolves after the first attempt settles (success or scheduled retry); never rejects. */
  async start(): Promise<void> {
    if (this.state === "stopping" || this.state === "stopped") return;
    this.state = "starting";
    this.abort = new AbortController();
    try {
      this.lease ??= this.deps.acquire(this.device);
      this.watchLease();
      this.driver = this.def.create({
        deviceId: this.device.id,
        config: this.device.options,
        log: this.log,
        transport: this.lease,
        store: this.deps.store,
        now: () => this.deps.clock.now(),
        emit: (msg) => this.emit(msg),
      });
      await this.driver.start(this.abort.signal);
      if (this.state !== "starting") return; // stopped meanwhile
      this.state = "running";
      this.backoff.reset();
      this.lastError = undefined;
      this.log.info("driver started");
      if (this.transportDecidesAvailability() && (this.lease === null || this.lease.state === "open")) this.setOnline(true);
    } catch (err) {
      await this.failed(err);
    }
  }

  async stop(reason: "shutdown" | "removed", deadlineMs: number): Promise<void> {
    const previous = this.state;
    this.state = "stopping";
    if (this.retryTimer) this.deps.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.abort?.abort();
    if (this.driver && (previous === "running" || previous === "starting")) {
      await withDeadline(this.driver.stop(reason), deadlineMs).catch((err) => this.log.warn({ err }, "driver stop failed or timed out"));
    }
    this.driver = null;
    this.unwatch?.();
    this.unwatch = null;
    await this.lease?.release().catch((err) => this.log.warn({ err }, "transport release failed"));
    this.lease = null;
    this.setOnline(false, reason);
    this.state = "stopped";
  }

  async command(cmd: Command): Promise<CommandResult> {
    if (this.state !== "running" || !this.driver) return { status: "error", code: "offline", message: `device ${this.device.id} is ${this.state}` };
    if (!this.driver.command) return { status: "error", code: "unsupported", message: `driver ${this.def.id} takes no commands` };
    const remaining = cmd.deadline - this.deps.clock.now();
    if (remaining <= 0) return { status: "error", code: "timeout", message: "command deadline passed before execution" };
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), remaining);
    try {
      return await this.driver.command(cmd, ac.signal);
    } catch (err) {
      return { status: "error", code: "device", message: errorText(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Current values of named points, from the device itself (read-back after an outage). */
  async read(names: readonly string[], timeoutMs = 2000): Promise<Record<string, unknown>> {
    if (this.state !== "running" || !this.driver) throw new Error(`device ${this.device.id} is ${this.state}`);
    if (!this.driver.read) throw new Error(`driver ${this.def.id} cannot read on demand`);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      return await this.driver.read(names, ac.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private transportDecidesAvailability(): boolean {
    return (this.def.availability ?? "transport") === "transport";
  }

  private watchLease(): void {
    if (!this.lease || this.unwatch) return;
    this.unwatch = this.lease.onStateChange((s) => {
      if (s !== "open") this.setOnline(false, `transport ${s}`);
      else if (this.state === "running" && this.transportDecidesAvailability()) this.setOnline(true);
    });
  }

  private async failed(err: unknown): Promise<void> {
    this.lastError = errorText(err);
    const fatal = err instanceof FatalDriverError;
    this.setOnline(false, this.lastError);
    const driver = this.driver;
    this.driver = null;
    if (driver) await withDeadline(driver.stop("restart"), 2000).catch(() => {});
    if (this.state === "stopping" || this.state === "stopped") return;
    this.state = "retrying";
    // A fatal error will not fix itself, but config or hardware can change under us: retry slowly.
    const delay = fatal ? this.deps.backoff.fatalMs : this.backoff.next();
    this.log.error({ err, retryInMs: delay, fatal }, "driver failed to start; device marked unavailable");
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = null;
      void this.start();
    }, delay);
  }

  private emit(msg: DeviceMessage): void {
    try {
      if (msg.type === "availability") {
        this.setOnline(msg.online, msg.reason);
        return;
      }
      this.deps.deliver(this.device.id, this.def, msg);
    } catch (err) {
      this.log.error({ err }, "message handling failed");
    }
  }

  private setOnline(online: boolean, reason?: string): void {
    if (online === this.online) return;
    this.online = online;
    const msg: DeviceMessage = reason === undefined ? { type: "availability", online } : { type: "availability", online, reason };
    try {
      this.deps.deliver(this.device.id, this.def, msg);
    } catch (err) {
      this.log.error({ err }, "availability delivery failed");
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
