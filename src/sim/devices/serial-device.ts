import { SerialPort } from "serialport";
import { isVirtualSerialPath, virtualSerialPorts } from "../../transports/virtual-serial.js";

/** How many entries a simulator's records (requests, frames, writes) keep, so a long demo run stays small. */
export const RECORD_LIMIT = 10_000;

/** Append to a record, dropping the oldest entries beyond RECORD_LIMIT. */
export function record<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > RECORD_LIMIT) list.splice(0, list.length - RECORD_LIMIT);
}

interface DeviceLine {
  write(bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

/**
 * The device end of a serial line, for the device simulators: either an OS port (in tests, the
 * far end of a socat PTY pair) or an in-process virtual line (`sim:<name>`, demo mode). Every
 * received chunk goes to `receive`; replies and line noise go out through `inject`. Closing it
 * and opening it again is how a test unplugs the device.
 */
export abstract class SerialDevice {
  private line: DeviceLine | null = null;

  constructor(
    readonly path: string,
    private readonly baudRate = 9600,
  ) {}

  /** Bytes from the driver under test. */
  protected abstract receive(chunk: Buffer): void;

  /** Called on each open, to drop what a previous connection left half-received. */
  protected reset(): void {}

  get isOpen(): boolean {
    return this.line !== null;
  }

  async open(): Promise<void> {
    this.reset();
    this.line = isVirtualSerialPath(this.path) ? this.attachVirtual() : await this.openPort();
  }

  async close(): Promise<void> {
    const line = this.line;
    this.line = null;
    await line?.close();
  }

  /** Write bytes to the line: a reply, or noise nobody asked for. */
  inject(bytes: Buffer): Promise<void> {
    return this.line?.write(bytes) ?? Promise.resolve();
  }

  private attachVirtual(): DeviceLine {
    const end = virtualSerialPorts.attach(this.path, (chunk) => this.receive(chunk));
    return {
      write: async (bytes) => end.write(bytes),
      close: async () => end.detach(),
    };
  }

  private async openPort(): Promise<DeviceLine> {
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    port.on("error", () => {}); // the cable is unplugged on purpose in some tests
    port.on("data", (chunk: Buffer) => this.receive(chunk));
    return {
      write: (bytes) => (port.isOpen ? new Promise((resolve) => port.write(bytes, () => port.drain(() => resolve()))) : Promise.resolve()),
      close: () => (port.isOpen ? new Promise<void>((resolve) => port.close(() => resolve())) : Promise.resolve()),
    };
  }
}
