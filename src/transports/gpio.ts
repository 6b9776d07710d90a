import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { ReopeningConnection, TransportNotOpenError, type Connection, type ReopenPolicy } from "./connection.js";
import type { TransportKind } from "./lease.js";

export type GpioValue = 0 | 1;
export type GpioDirection = "in" | "out";
export type GpioEdge = "none" | "rising" | "falling" | "both";

/** One requested line (relay output, door contact, exit button). */
export interface GpioLine {
  read(): Promise<GpioValue>;
  write(value: GpioValue): Promise<void>;
  /** Called on the configured edge(s) with the new value; returns the stop function. */
  watch(cb: (value: GpioValue) => void): () => void;
  close(): Promise<void>;
}

/**
 * A GPIO chip behind an interface, so the sysfs backend (onoff) can be replaced by a libgpiod
 * one (chip + line offset, no global numbering) without touching drivers.
 */
export interface GpioBackend {
  readonly name: string;
  /** Fails (NotReadyError) when the chip cannot be used at all; called before any open. */
  ready?(): Promise<void>;
  /** `line` is the offset on the chip, not a global number. */
  open(line: number, direction: GpioDirection, edge: GpioEdge): Promise<GpioLine>;
}

/** What a GPIO lease hands to drivers. */
export interface GpioHandle {
  readonly chip: string;
  open(line: number, direction: GpioDirection, edge?: GpioEdge): Promise<GpioLine>;
}

/**
 * A GPIO chip as a pooled transport. Lines opened through the handle are closed with the
 * chip, so a driver that forgets one does not keep it exported.
 */
export class GpioConnection extends ReopeningConnection<GpioHandle> implements Connection<GpioHandle> {
  readonly kind: TransportKind = "gpio";
  readonly handle: GpioHandle;
  /** Lines handed out, each with the backend line it wraps. */
  private readonly lines = new Map<GpioLine, GpioLine>();

  constructor(
    readonly chip: string,
    private readonly backend: GpioBackend,
    log: Logger,
    clock?: Clock,
    reopen?: ReopenPolicy,
  ) {
    super(`gpio:${chip}`, log, clock, reopen);
    this.handle = { chip, open: (line, direction, edge = "none") => this.openLine(line, direction, edge) };
  }

  protected async openOnce(): Promise<void> {
    await this.backend.ready?.();
  }

  protected async closeOnce(): Promise<void> {
    const lines = [...this.lines.values()];
    this.lines.clear();
    await Promise.all(lines.map((l) => l.close().catch((err) => this.log.warn({ err }, "GPIO line close failed"))));
  }

  private async openLine(line: number, direction: GpioDirection, edge: GpioEdge): Promise<GpioLine> {
    if (this.state !== "open") throw new TransportNotOpenError(this.key, this.state, this.lastError);
    const inner = await this.backend.open(line, direction, edge);
    const tracked: GpioLine = {
      read: () => inner.read(),
      write: (v) => inner.write(v),
      watch: (cb) => inner.watch(cb),
      close: async () => {
        if (this.lines.delete(tracked)) await inner.close();
      },
    };
    this.lines.set(tracked, inner);
    return tracked;
  }
}
