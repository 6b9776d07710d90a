import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { Device } from "../config/schema.js";
import type { TransportLease } from "../transports/lease.js";
import type { Command, CommandResult, DeviceMessage, DeviceStore, DriverDefinition } from "./contract.js";
import { DeviceSlot, type SlotStatus } from "./device-slot.js";
import type { DriverRegistry } from "./registry.js";

export interface SupervisorOptions {
  registry: DriverRegistry;
  clock: Clock;
  log: Logger;
  acquire(device: Device): TransportLease | null;
  storeFor(deviceId: string): DeviceStore;
  /** Every normalized message from every device, in the order each device emitted them. */
  onMessage(deviceId: string, def: DriverDefinition<unknown>, msg: DeviceMessage): void;
  backoff?: { baseMs: number; capMs: number; fatalMs: number };
}

/** Starts, isolates, retries and stops all configured devices. */
export class DriverSupervisor {
  private readonly slots = new Map<string, DeviceSlot>();

  constructor(private readonly opts: SupervisorOptions) {}

  /** Starts every enabled device concurrently; one failing device never blocks the others. */
  async startAll(devices: readonly Device[]): Promise<void> {
    const log = this.opts.log.child({ subsystem: "drivers" });
    for (const device of devices) {
      if (!device.enabled) continue;
      const def = this.opts.registry.get(device.driver);
      if (!def) {
        // The config loader rejects unknown drivers; this guards programmatic use.
        log.error({ device: device.id, driver: device.driver }, "unknown driver; device not started");
        continue;
      }
      this.slots.set(
        device.id,
        new DeviceSlot(device, def, {
          clock: this.opts.clock,
          log: log,
          store: this.opts.storeFor(device.id),
          acquire: this.opts.acquire,
          deliver: this.opts.onMessage,
          backoff: this.opts.backoff ?? { baseMs: 1000, capMs: 60_000, fatalMs: 300_000 },
        }),
      );
    }
    await Promise.all([...this.slots.values()].map((s) => s.start()));
  }

  async stopAll(deadlineMs: number): Promise<void> {
    await Promise.all([...this.slots.values()].map((s) => s.stop("shutdown", deadlineMs)));
  }

  async command(deviceId: string, cmd: Command): Promise<CommandResult> {
    const slot = this.slots.get(deviceId);
    if (!slot) return { status: "error", code: "invalid", message: `no device "${deviceId}"` };
    return slot.command(cmd);
  }

  /** Ask a device for the current values of its points; rejects when it cannot answer. */
  read(deviceId: string, names: readonly string[]): Promise<Record<string, unknown>> {
    const slot = this.slots.get(deviceId);
    if (!slot) return Promise.reject(new Error(`no device "${deviceId}"`));
    return slot.read(names);
  }

  status(): SlotStatus[] {
    return [...this.slots.values()].map((s) => s.status());
  }

  definitionOf(deviceId: string): DriverDefinition<unknown> | undefined {
    return this.slots.get(deviceId)?.def;
  }
}
