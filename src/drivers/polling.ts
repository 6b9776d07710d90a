import { FatalDriverError } from "../core/errors.js";
import type { LeaseState, TransportLease } from "../transports/lease.js";
import type { SerialHandle } from "../transports/serial.js";
import type { DeviceMessage } from "./contract.js";

/**
 * Availability of a polled device (`availability: "driver"`): online at the first answer,
 * offline after `missLimit` polls in a row went unanswered, and at once when the transport
 * is not open. A device that answers with an error still counts as answering.
 */
export class PolledAvailability {
  private online: boolean | null = null;
  private misses = 0;

  constructor(
    private readonly emit: (m: DeviceMessage) => void,
    private readonly missLimit: number,
  ) {}

  get isOnline(): boolean {
    return this.online === true;
  }

  answered(): void {
    this.misses = 0;
    this.set(true);
  }

  missed(reason: string): void {
    this.misses++;
    if (this.misses >= this.missLimit) this.set(false, `${reason} (${this.misses} polls unanswered)`);
  }

  transport(state: LeaseState): void {
    if (state === "open") return;
    this.misses = this.missLimit;
    this.set(false, `transport ${state}`);
  }

  private set(online: boolean, reason?: string): void {
    if (this.online === online) return;
    this.online = online;
    this.emit(reason === undefined ? { type: "availability", online } : { type: "availability", online, reason });
  }
}

/**
 * Runs `tick` every `intervalMs` until stopped, never two at once: the interval counts from the
 * start of a tick, and a slow tick delays the next one instead of overlapping it.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private active = false;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  /** Stops scheduling and waits for a running tick to finish. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.run(), ms);
  }

  private run(): void {
    this.timer = null;
    if (!this.active) return;
    const started = performance.now();
    this.running = this.tick()
      .catch((err) => this.onError(err))
      .finally(() => {
        this.running = null;
        if (this.active) this.schedule(Math.max(0, this.intervalMs - (performance.now() - started)));
      });
  }
}

/** A serial lease with its data feed, as serial drivers need it. */
export type SerialLease = TransportLease<SerialHandle> & { onData: NonNullable<TransportLease<SerialHandle>["onData"]> };

/** The serial lease a serial driver was given; a FatalDriverError when the device's config has none. */
export function requireSerialLease(transport: TransportLease<unknown> | null, deviceId: string): SerialLease {
  if (!transport || transport.kind !== "serial" || !transport.onData) {
    throw new FatalDriverError(`device ${deviceId} needs a serial transport (transport: { kind: serial, path: … })`);
  }
  return transport as SerialLease;
}
