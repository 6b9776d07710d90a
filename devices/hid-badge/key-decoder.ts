import { KEY, keyChar, terminatorOf, type Terminator } from "./keymap.js";

/** What the reader typed, one terminated read at a time. */
export type KeyLine =
  /** A read ended by a terminator. */
  | { kind: "line"; text: string }
  /** A read thrown away: garbled, too long, or left unfinished past the inter-key timeout. */
  | { kind: "rejected"; reason: string; partial: string };

export interface KeyDecoderOptions {
  /** Keys further apart than this belong to different reads; an unfinished read is discarded. */
  interKeyTimeoutMs: number;
  /** Longest read accepted; a longer one is garbage. */
  maxLength: number;
  terminators: ReadonlySet<Terminator>;
  /** Readers with numbered reports prefix each with this id byte. */
  reportId?: number | undefined;
}

export const BOOT_REPORT_BYTES = 8;

/**
 * Boot-protocol keyboard reports (`[modifiers, reserved, key1..key6]`) → typed reads. Stateful,
 * pure otherwise: time comes in with each report. A key counts on its way down only (it is in
 * this report and was not in the last), so the all-zero release reports type nothing and a
 * held key does not repeat. Never throws: anything it cannot read taints the current read,
 * which is then rejected at its terminator or timeout, and the next read starts clean.
 */
export class KeyReportDecoder {
  private pressed = new Set<number>();
  private text = "";
  private taint: string | null = null;
  private lastKeyAt = -Infinity;
  private readonly reportBytes: number;

  constructor(private readonly opts: KeyDecoderOptions) {
    this.reportBytes = BOOT_REPORT_BYTES + (opts.reportId === undefined ? 0 : 1);
  }

  /**
   * One chunk from the transport: normally one report, several when reads were coalesced.
   * `atMs` is a monotonic time in milliseconds.
   */
  push(chunk: Uint8Array, atMs: number): KeyLine[] {
    const out: KeyLine[] = [];
    if (chunk.length === 0 || chunk.length % this.reportBytes !== 0) {
      this.expire(atMs, out);
      this.spoil(`${chunk.length}-byte report (expected ${this.reportBytes})`);
      this.lastKeyAt = atMs;
      return out;
    }
    for (let at = 0; at < chunk.length; at += this.reportBytes) this.report(chunk.subarray(at, at + this.reportBytes), atMs, out);
    return out;
  }

  /** Forget everything (the transport went away mid-read); a partial read is returned rejected. */
  reset(reason: string): KeyLine[] {
    const out: KeyLine[] = this.text || this.taint ? [{ kind: "rejected", reason, partial: this.text }] : [];
    this.clear();
    this.pressed.clear();
    return out;
  }

  private report(r: Uint8Array, atMs: number, out: KeyLine[]): void {
    let body = r;
    if (this.opts.reportId !== undefined) {
      if (r[0] !== this.opts.reportId) {
        this.expire(atMs, out);
        this.spoil(`report id ${r[0]} (expected ${this.opts.reportId})`);
        this.lastKeyAt = atMs;
        return;
      }
      body = r.subarray(1);
    }
    const modifiers = body[0]!;
    const keys: number[] = [];
    for (let i = 2; i < BOOT_REPORT_BYTES; i++) if (body[i] !== 0) keys.push(body[i]!);
    // Phantom state (rollover, self-test failure): no valid key information, wait for the next.
    if (keys.some((k) => k === KEY.ERROR_ROLLOVER || k === KEY.POST_FAIL || k === KEY.ERROR_UNDEFINED)) return;
    // Boot reports are sent on change only; after a long silence a "held" key is a stale memory.
    if (atMs - this.lastKeyAt > this.opts.interKeyTimeoutMs) this.pressed.clear();
    const down = keys.filter((k) => !this.pressed.has(k));
    this.pressed = new Set(keys);
    for (const usage of down) this.key(usage, modifiers, atMs, out);
  }

  private key(usage: number, modifiers: number, atMs: number, out: KeyLine[]): void {
    this.expire(atMs, out);
    this.lastKeyAt = atMs;
    const terminator = terminatorOf(usage);
    if (terminator !== undefined && this.opts.terminators.has(terminator)) {
      if (this.taint !== null) out.push({ kind: "rejected", reason: this.taint, partial: this.text });
      else if (this.text.length > 0) out.push({ kind: "line", text: this.text });
      this.clear();
      return;
    }
    if (this.taint !== null) return;
    const ch = keyChar(usage, modifiers);
    if (ch === undefined) this.spoil(`unexpected key 0x${usage.toString(16).padStart(2, "0")}`);
    else if (this.text.length >= this.opts.maxLength) this.spoil(`longer than ${this.opts.maxLength} characters`);
    else this.text += ch;
  }

  /** A read left unfinished longer than the inter-key timeout is over. */
  private expire(atMs: number, out: KeyLine[]): void {
    if ((this.text || this.taint) && atMs - this.lastKeyAt > this.opts.interKeyTimeoutMs) {
      const why = this.taint === null ? "no terminator within the inter-key timeout" : `${this.taint}, then the inter-key timeout`;
      out.push({ kind: "rejected", reason: why, partial: this.text });
      this.clear();
    }
  }

  private spoil(reason: string): void {
    this.taint ??= reason;
  }

  private clear(): void {
    this.text = "";
    this.taint = null;
  }
}
