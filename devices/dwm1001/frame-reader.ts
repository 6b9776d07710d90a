import { MAX_ERROR_CODE, RESPONSE_SHAPE, TLV, type DwmResponse, type Tlv } from "./codec.js";

/**
 * Finding DWM1001 responses in a byte stream. TLV frames carry no checksum, so a response is
 * recognised by its structure: `40 01 <err 0–5>` and then exactly the value TLVs the command
 * answers with, each with a plausible length and quality bytes ≤ 100. A candidate that breaks
 * the structure costs one byte: the scan moves on to the next `40`. The rest of the resync is
 * timing: the driver collects each reply in a fresh buffer (PROTOCOLS.md §2.1).
 */

export type ScanResult =
  | { kind: "complete"; start: number; end: number; response: DwmResponse }
  /** A candidate starts at `start` but needs more bytes. */
  | { kind: "partial"; start: number }
  | { kind: "none" };

type Candidate =
  | { kind: "invalid" }
  /** Fits so far; `typed` once the header is OK and the first value TLV's type and length fit. */
  | { kind: "partial"; typed: boolean }
  | { kind: "complete"; end: number; response: DwmResponse };

const INVALID: Candidate = { kind: "invalid" };

function candidateAt(buf: Buffer, i: number, command: number): Candidate {
  const partial = (typed: boolean): Candidate => ({ kind: "partial", typed });
  if (buf[i] !== TLV.RET_VAL) return INVALID;
  if (i + 1 >= buf.length) return partial(false);
  if (buf[i + 1] !== 0x01) return INVALID;
  if (i + 2 >= buf.length) return partial(false);
  const error = buf[i + 2]!;
  if (error > MAX_ERROR_CODE) return INVALID;
  if (error !== 0) return { kind: "complete", end: i + 3, response: { command, error, tlvs: [] } };
  const tlvs: Tlv[] = [];
  let at = i + 3;
  for (const spec of RESPONSE_SHAPE[command] ?? []) {
    const typed = tlvs.length > 0;
    if (at >= buf.length) return partial(typed);
    const type = buf[at]!;
    if (!spec.types.includes(type)) return INVALID;
    if (at + 1 >= buf.length) return partial(typed);
    const len = buf[at + 1]!;
    const value = buf.subarray(at + 2, Math.min(buf.length, at + 2 + len));
    if (!spec.plausible(type, len, value)) return INVALID;
    if (value.length < len) return partial(true);
    tlvs.push({ type, value: Buffer.from(value) });
    at += 2 + len;
  }
  return { kind: "complete", end: at, response: { command, error: 0, tlvs } };
}

/** A whole OK reply with its value TLVs: too much structure to occur by chance inside another. */
const isFull = (c: Candidate): c is Extract<Candidate, { kind: "complete" }> =>
  c.kind === "complete" && c.response.error === 0 && c.response.tlvs.length > 0;

/**
 * The response to `command` in `buf`. Normally the earliest candidate, complete or partial. But
 * a cut-off reply or header-like noise can claim the bytes of the real reply behind it, so a
 * candidate that starts inside the earliest one's span overrides it when it is a full reply
 * (and is waited for while it could still become one). A bare 3-byte header
 * never overrides: position bytes can read `40 01 01` (x = 65,856 mm does), which must not pass
 * for an error reply while the real reply around it is still arriving.
 */
export function scanResponse(buf: Buffer, command: number): ScanResult {
  let first: { start: number; c: Exclude<Candidate, { kind: "invalid" }> } | null = null;
  let waitForInner = false;
  for (let i = buf.indexOf(TLV.RET_VAL); i >= 0; i = buf.indexOf(TLV.RET_VAL, i + 1)) {
    if (first?.c.kind === "complete" && i >= first.c.end) break;
    const c = candidateAt(buf, i, command);
    if (c.kind === "invalid") continue;
    if (!first) first = { start: i, c };
    else if (isFull(c)) return { kind: "complete", start: i, end: c.end, response: c.response };
    // An inner partial is waited for when it already has a typed TLV, or when bytes follow the
    // earliest candidate's end (then a new reply may have started inside it).
    else if (c.kind === "partial" && (c.typed || (first.c.kind === "complete" && buf.length > first.c.end))) waitForInner = true;
  }
  if (!first) return { kind: "none" };
  if (first.c.kind === "partial" || waitForInner) return { kind: "partial", start: first.start };
  return { kind: "complete", start: first.start, end: first.c.end, response: first.c.response };
}

/** For `SerialHandle.request`: the reply is complete once a whole response (plus any noise before it) is in. */
export function responseComplete(command: number): (buf: Buffer) => number | null {
  return (buf) => {
    const r = scanResponse(buf, command);
    return r.kind === "complete" ? r.end : null;
  };
}

/** Streaming reader for one expected command, for receivers that see a continuous stream. */
export class DwmResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes dropped as noise: a line-quality figure. */
  skipped = 0;

  constructor(private command: number) {}

  /** Expect responses to another command from now on; drops what is buffered. */
  expect(command: number): void {
    this.command = command;
    this.reset();
  }

  push(chunk: Uint8Array): DwmResponse[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: DwmResponse[] = [];
    for (;;) {
      const r = scanResponse(this.buf, this.command);
      if (r.kind === "complete") {
        this.skipped += r.start;
        out.push(r.response);
        this.buf = this.buf.subarray(r.end);
        continue;
      }
      const keepFrom = r.kind === "partial" ? r.start : this.buf.length;
      this.skipped += keepFrom;
      this.buf = this.buf.subarray(keepFrom);
      return out;
    }
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }
}
