import { candidateLength, decodePacket, MAX_PACKET_LEN, SOM, type DecodedPacket } from "./frame.js";

/**
 * What a control panel waits for: a reply from the polled PD, in the check mode it asked in
 * (a PD answers in the mode of the command). Garbage must then pass a CRC-16 and match the
 * address to be taken for a reply.
 */
export const replyFilter =
  (address: number, useCrc: boolean) =>
  (p: DecodedPacket): boolean =>
    p.reply && p.address === address && p.useCrc === useCrc;

/**
 * Streaming packet splitter for a noisy RS-485 line. Bytes arrive in arbitrary chunks; garbage,
 * mark bytes and broken packets are skipped one byte at a time so the next valid packet is
 * always found. A fake SOM whose LEN points past the data received so far does not block a
 * complete valid packet behind it: the reader looks ahead before waiting for more bytes.
 * Never throws on input.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private droppedBytes = 0;

  /** `accept` narrows what counts as valid (e.g. replies from the polled address only). */
  constructor(private readonly accept: (p: DecodedPacket) => boolean = () => true) {}

  /** Garbage bytes skipped so far. */
  get dropped(): number {
    return this.droppedBytes;
  }

  /** Bytes held while waiting for the rest of a packet. */
  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.droppedBytes += this.buf.length;
    this.buf = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): DecodedPacket[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: DecodedPacket[] = [];
    let pos = 0;
    for (;;) {
      const som = this.buf.indexOf(SOM, pos);
      if (som < 0) {
        this.drop(this.buf.length - pos);
        pos = this.buf.length;
        break;
      }
      this.drop(som - pos);
      pos = som;
      const got = this.tryAt(pos);
      if (got === "skip") {
        this.drop(1);
        pos += 1;
        continue;
      }
      if (got !== "wait") {
        out.push(got);
        pos += got.raw.length;
        continue;
      }
      const ahead = this.findCompleteAfter(pos);
      if (ahead >= 0) {
        this.drop(ahead - pos);
        pos = ahead;
        continue;
      }
      // Bound memory: a candidate that cannot complete within the largest packet is garbage.
      if (this.buf.length - pos > MAX_PACKET_LEN) {
        this.drop(1);
        pos += 1;
        continue;
      }
      break;
    }
    this.buf = this.buf.subarray(pos);
    return out;
  }

  private tryAt(at: number): DecodedPacket | "skip" | "wait" {
    const avail = this.buf.length - at;
    const len = candidateLength(this.buf, at, avail);
    if (len < 0) return "skip";
    if (len === 0 || len > avail) return "wait";
    const r = decodePacket(this.buf.subarray(at, at + len));
    return r.ok && this.accept(r.packet) ? r.packet : "skip";
  }

  /** Start of the first complete, valid packet after `from`, or -1. */
  private findCompleteAfter(from: number): number {
    for (let j = this.buf.indexOf(SOM, from + 1); j >= 0; j = this.buf.indexOf(SOM, j + 1)) {
      const got = this.tryAt(j);
      if (got !== "skip" && got !== "wait") return j;
    }
    return -1;
  }

  private drop(n: number): void {
    this.droppedBytes += n;
  }
}
