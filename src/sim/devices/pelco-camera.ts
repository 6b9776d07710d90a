import { record, SerialDevice } from "./serial-device.js";

/**
 * PTZ cameras listening on an RS-485 line (a PTY in tests, a `sim:` line in demo mode), written
 * from PROTOCOLS.md §5.1 with their own checksums (Pelco-D: sum of bytes 2–6; Pelco-P: XOR of
 * STX through ETX), independent of our codec. Every byte that is not part of a valid frame is
 * counted, so a test can tell noise from frames that were cut or interleaved.
 */
export interface Received {
  address: number;
  /** The 4 payload bytes: cmd1/data1, cmd2/data2, data1/data3, data2/data4. */
  payload: [number, number, number, number];
  hex: string;
  at: number;
}

export class CameraSim extends SerialDevice {
  readonly frames: Received[] = [];
  skipped = 0;
  private buf = Buffer.alloc(0);

  constructor(
    path: string,
    private readonly protocol: "d" | "p",
  ) {
    super(path, protocol === "d" ? 2400 : 4800);
  }

  protected override reset(): void {
    this.buf = Buffer.alloc(0);
  }

  protected receive(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    const len = this.protocol === "d" ? 7 : 8;
    while (this.buf.length >= len) {
      const f = this.buf.subarray(0, len);
      if (this.valid(f)) {
        record(this.frames, { address: f[1]!, payload: [f[2]!, f[3]!, f[4]!, f[5]!], hex: f.toString("hex"), at: Date.now() });
        this.buf = this.buf.subarray(len);
      } else {
        this.skipped++;
        this.buf = this.buf.subarray(1);
      }
    }
  }

  private valid(f: Buffer): boolean {
    if (this.protocol === "d") return f[0] === 0xff && ((f[1]! + f[2]! + f[3]! + f[4]! + f[5]!) & 0xff) === f[6];
    return f[0] === 0xa0 && f[6] === 0xaf && (f[0]! ^ f[1]! ^ f[2]! ^ f[3]! ^ f[4]! ^ f[5]! ^ f[6]!) === f[7];
  }
}
