import { decodePelco, FRAME_LEN, PELCO_D_SYNC, PELCO_P_STX, type PelcoFrame, type PelcoProtocol } from "./codec.js";

/**
 * Splits a Pelco byte stream into frames. Pelco has no length byte and 0xFF is also a legal
 * speed, so the checksum is what marks a real frame: at each candidate sync byte try to decode,
 * and on failure drop just that one byte and look again. Used by receivers (the test camera,
 * bus sniffers); the driver itself only writes.
 */
export class PelcoFrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly len: number;
  private readonly sync: number;
  /** Bytes discarded while looking for a frame: a line-quality figure. */
  skipped = 0;

  constructor(readonly protocol: PelcoProtocol) {
    this.len = FRAME_LEN[protocol];
    this.sync = protocol === "d" ? PELCO_D_SYNC : PELCO_P_STX;
  }

  push(chunk: Uint8Array): PelcoFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: PelcoFrame[] = [];
    let i = 0;
    while (this.buf.length - i >= this.len) {
      if (this.buf[i] !== this.sync) {
        i++;
        this.skipped++;
        continue;
      }
      const frame = decodePelco(this.protocol, this.buf, i);
      if (frame) {
        out.push(frame);
        i += this.len;
      } else {
        i++;
        this.skipped++;
      }
    }
    this.buf = this.buf.subarray(i);
    return out;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }
}
