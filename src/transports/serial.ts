import { SerialPort } from "serialport";
import type { Clock } from "../core/clock.js";
import { NotReadyError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { ReopeningStreamConnection, TransportNotOpenError, type Connection, type ReopenPolicy } from "./connection.js";
import type { TransportKind } from "./lease.js";
import { requestFrame, type FrameCompleteFn } from "./request-bus.js";
import { isVirtualSerialPath, virtualSerialPorts } from "./virtual-serial.js";

export interface SerialSettings {
  path: string;
  baudRate: number;
  dataBits: 7 | 8;
  parity: "none" | "even" | "odd";
  stopBits: 1 | 2;
}

/** What a serial lease hands to drivers. */
export interface SerialHandle {
  readonly path: string;
  /** Resolves when the bytes reached the OS (tcdrain); rejects with TransportNotOpenError while not open. */
  write(data: Buffer): Promise<void>;
  /** Write one frame and wait for a complete reply frame (see requestFrame). Use inside `exclusive`. */
  request(frame: Buffer, isComplete: FrameCompleteFn, timeoutMs: number, signal?: AbortSignal): Promise<Buffer>;
}

export interface SerialConnectionOptions {
  /** Bound on one write (default: 1 s plus twice the time the bytes take on the line). */
  writeTimeoutMs?: number;
}

/**
 * A write that did not finish in time: the port went away under it (the write callback never
 * comes, seen on PTYs) or the line stopped taking bytes. The connection is treated as lost.
 */
export class SerialWriteTimeoutError extends NotReadyError {
  override name = "SerialWriteTimeoutError";
  constructor(path: string, bytes: number, timeoutMs: number) {
    super(`serial write of ${bytes} byte(s) to ${path} did not complete within ${timeoutMs} ms; reopening the port`);
  }
}

/** How long `bytes` take on the wire: start bit, data bits, parity, stop bits per character. */
export function lineTimeMs(s: SerialSettings, bytes: number): number {
  const bitsPerChar = 1 + s.dataBits + (s.parity === "none" ? 0 : 1) + s.stopBits;
  return (bytes * bitsPerChar * 1000) / s.baudRate;
}

/** "9600 8N1": how settings are named in logs and conflict messages. */
export function describeSerial(s: SerialSettings): string {
  return `${s.baudRate} ${s.dataBits}${s.parity[0]!.toUpperCase()}${s.stopBits}`;
}

/**
 * A serial port that survives unplugging: when the port errors or closes under us (USB adapter
 * pulled, PTY gone) it goes `reopening` and reopens the same path with backoff. Data listeners
 * survive every reopen.
 */
export class SerialConnection extends ReopeningStreamConnection<SerialHandle> implements Connection<SerialHandle> {
  readonly kind: TransportKind = "serial";
  readonly handle: SerialHandle;
  private port: SerialPort | null = null;

  constructor(
    readonly settings: SerialSettings,
    log: Logger,
    clock?: Clock,
    reopen?: ReopenPolicy,
    private readonly opts: SerialConnectionOptions = {},
  ) {
    super(settings.path, log, clock, reopen);
    const link = { write: (d: Buffer) => this.write(d), onData: (cb: (chunk: Buffer) => void) => this.onData(cb) };
    this.handle = {
      path: settings.path,
      write: link.write,
      request: (frame, isComplete, timeoutMs, signal) =>
        requestFrame(link, frame, isComplete, timeoutMs, signal ? { clock: this.clock, signal } : { clock: this.clock }),
    };
  }

  write(data: Buffer): Promise<void> {
    const port = this.port;
    if (!port || this.state !== "open") return Promise.reject(new TransportNotOpenError(this.key, this.state, this.lastError));
    const timeoutMs = this.opts.writeTimeoutMs ?? Math.ceil(1000 + 2 * lineTimeMs(this.settings, data.length));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      // A port that closes between write and drain never calls back (the stream waits for an
      // "open" that never comes); nor does a line that stopped taking bytes. Bound it.
      const timer = this.clock.setTimeout(() => {
        const err = new SerialWriteTimeoutError(this.key, data.length, timeoutMs);
        finish(err);
        this.portGone(port, err);
      }, timeoutMs);
      port.write(data, (err) => {
        if (err) return finish(err);
        port.drain((e) => finish(e));
      });
    });
  }

  protected async openOnce(): Promise<void> {
    const { path, baudRate, dataBits, parity, stopBits } = this.settings;
    // `sim:<name>` is an in-process line (demo mode); `binding` is serialport's own extension point, absent from its typings.
    const binding = isVirtualSerialPath(path) ? { binding: virtualSerialPorts.binding } : {};
    const port = new SerialPort({ path, baudRate, dataBits, parity, stopBits, autoOpen: false, ...binding } as ConstructorParameters<typeof SerialPort>[0]);
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(new NotReadyError(`serial port ${path} cannot be opened: ${err.message}`)) : resolve()));
    });
    port.on("data", (chunk: Buffer) => this.data.emit(chunk));
    port.on("error", (err: Error) => {
      if (port.isOpen) this.log.warn({ err: err.message }, "serial port error");
      else this.portGone(port, err);
    });
    port.on("close", (err?: Error) => this.portGone(port, err ?? new Error("closed")));
    this.port = port;
  }

  protected async closeOnce(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (!port) return;
    port.removeAllListeners("close");
    port.removeAllListeners("data");
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private portGone(port: SerialPort, err: Error): void {
    if (this.port !== port) return; // an old instance, or our own close
    this.lost(new NotReadyError(`serial port ${this.key} lost: ${err.message}`));
  }
}
