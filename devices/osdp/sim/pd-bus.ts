import type { PdSimulator } from "./pd-simulator.js";

/**
 * The device side of a simulated RS-485 bus (tests, demo mode): any number of simulated PDs
 * on one line (each picks out its own address). Bytes from the control panel go to `receive`;
 * replies go out through `send`, whatever the medium is (a socat PTY end, an in-process
 * virtual serial line). It can spray seeded garbage around the replies.
 */
export class PdBus {
  /** Bytes of line noise written before each reply (0 = clean line). */
  noiseBytes = 0;
  private seed = 12345;

  constructor(
    readonly pds: PdSimulator[],
    private readonly send: (data: Buffer) => void,
  ) {}

  receive(chunk: Buffer): void {
    for (const pd of this.pds) {
      for (const reply of pd.receive(chunk)) this.send(this.noiseBytes ? Buffer.concat([this.noise(this.noiseBytes), reply]) : reply);
    }
  }

  /** Unsolicited noise, e.g. a babbling device between exchanges. */
  babble(n: number): void {
    this.send(this.noise(n));
  }

  /** Rich in SOM bytes (0x53) and fake lengths, so the reader has to work. */
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
