import { SerialPort } from "serialport";

/**
 * The device end of a PTY pair for simulators written in tests: opens the port, hands every
 * received chunk to `receive`, and writes replies or line noise. Closing it and opening it again
 * is how a test unplugs the device (with the socat pair's kill/start).
 */
export abstract class PtyDevice {
  private port: SerialPort | null = null;

  constructor(
    protected readonly path: string,
    private readonly baudRate = 9600,
  ) {}

  /** Bytes from the driver under test. */
  protected abstract receive(chunk: Buffer): void;

  /** Called after each open, to drop what a previous connection left half-received. */
  protected reset(): void {}

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    port.on("error", () => {}); // the cable is unplugged on purpose in some tests
    port.on("data", (chunk: Buffer) => this.receive(chunk));
    this.reset();
    this.port = port;
  }

  async close(): Promise<void> {
    const p = this.port;
    this.port = null;
    if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
  }

  /** Write bytes to the line: a reply, or noise nobody asked for. */
  inject(bytes: Buffer): Promise<void> {
    const p = this.port;
    if (!p?.isOpen) return Promise.resolve();
    return new Promise((resolve) => p.write(bytes, () => p.drain(() => resolve())));
  }
}
