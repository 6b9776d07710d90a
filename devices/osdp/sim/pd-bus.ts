import { SerialPort } from "serialport";
import type { PdSimulator } from "./pd-simulator.js";

/**
 * The device side of a simulated RS-485 bus (tests, demo mode): one end of a socat PTY pair
 * with any number of simulated PDs on it (each picks out its own address). It can spray
 * garbage around the replies and be reopened after the "cable" was pulled.
 */
export class PdBus {
  private port: SerialPort | null = null;
  /** Bytes of line noise written before each reply (0 = clean line). */
  noiseBytes = 0;
  private seed = 12345;

  constructor(
    private readonly path: string,
    readonly pds: PdSimulator[],
  ) {}

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on("error", () => {}); // the cable is pulled on purpose
    port.on("data", (chunk: Buffer) => {
      for (const pd of this.pds) for (const reply of pd.receive(chunk)) this.send(reply);
    });
    this.port = port;
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Unsolicited noise, e.g. a babbling device between exchanges. */
  babble(n: number): void {
    this.port?.write(this.noise(n));
  }

  private send(reply: Buffer): void {
    const port = this.port;
    if (!port?.isOpen) return;
    port.write(this.noiseBytes ? Buffer.concat([this.noise(this.noiseBytes), reply]) : reply);
  }

  /** Seeded noise, rich in SOM bytes (0x53) and fake lengths, so the reader has to work. */
  private noise(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      this.seed = (this.seed * 1103515245 + 12345) & 0x7fffffff;
      const r = this.seed >> 8;
      out[i] = r % 5 === 0 ? 0x53 : r & 0xff;
    }
    return out;
  }
}
