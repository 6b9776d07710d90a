import type { HIDAsync } from "node-hid";
import type { Clock } from "../core/clock.js";
import { NotReadyError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { ReopeningStreamConnection, TransportNotOpenError, type Connection, type ReopenPolicy } from "./connection.js";
import type { TransportKind } from "./lease.js";
import { lazyModule } from "./lazy-module.js";

/** The subset of node-hid we use; a type-only import, so nothing loads until an HID lease opens. */
export type NodeHidModule = Pick<typeof import("node-hid"), "HIDAsync" | "devicesAsync">;

export interface HidTarget {
  vendorId: number;
  productId: number;
  /** /dev/hidrawN when several identical readers are plugged in. */
  path?: string | undefined;
}

/** What an HID lease hands to drivers. Input reports arrive through `lease.onData`. */
export interface HidHandle {
  /** Output report; the first byte is the report id (0 when the device uses none). */
  write(report: Buffer | number[]): Promise<void>;
}

export const LIBUSB_INSTALL_HINT = "apt-get install -y libusb-1.0-0";

/**
 * node-hid's native addon needs libusb-1.0 and libudev even for the hidraw backend, so it is
 * imported only when an HID lease opens.
 */
export const nodeHid = lazyModule<NodeHidModule>(() => import("node-hid"), hidLoadError);

/** What a failed node-hid import turns into: transient, and it says how to fix the host. */
export function hidLoadError(why: string): NotReadyError {
  return new NotReadyError(`node-hid cannot be loaded (${why}); install the USB library with \`${LIBUSB_INSTALL_HINT}\` and restart`);
}

export function hidKey(t: HidTarget): string {
  return t.path ?? `hid:${hex4(t.vendorId)}:${hex4(t.productId)}`;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

/**
 * An HID device (badge reader). node-hid has no hotplug events: an unplug surfaces as an
 * error on the device, after which we reopen by path or vendor/product id with backoff.
 */
export class HidConnection extends ReopeningStreamConnection<HidHandle> implements Connection<HidHandle> {
  readonly kind: TransportKind = "hid";
  readonly handle: HidHandle;
  private device: HIDAsync | null = null;

  constructor(
    readonly target: HidTarget,
    log: Logger,
    private readonly load: () => Promise<NodeHidModule> = () => nodeHid.load(),
    clock?: Clock,
    reopen?: ReopenPolicy,
  ) {
    super(hidKey(target), log, clock, reopen);
    this.handle = { write: (report) => this.write(report) };
  }

  private async write(report: Buffer | number[]): Promise<void> {
    if (!this.device || this.state !== "open") throw new TransportNotOpenError(this.key, this.state, this.lastError);
    await this.device.write(report);
  }

  protected async openOnce(): Promise<void> {
    const hid = await this.load();
    const { vendorId, productId, path } = this.target;
    let device: HIDAsync;
    try {
      device = path ? await hid.HIDAsync.open(path) : await hid.HIDAsync.open(vendorId, productId);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new NotReadyError(`HID device ${this.key} cannot be opened: ${why}`);
    }
    device.on("data", (report: Buffer) => this.data.emit(report));
    device.on("error", (err: Error) => {
      if (this.device !== device) return;
      this.lost(new NotReadyError(`HID device ${this.key} lost: ${err.message}`));
    });
    this.device = device;
  }

  protected async closeOnce(): Promise<void> {
    const device = this.device;
    this.device = null;
    if (!device) return;
    device.removeAllListeners("data");
    await device.close().catch(() => {});
  }
}
