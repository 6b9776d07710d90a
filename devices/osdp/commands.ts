/**
 * CP→PD command codes with pure payload encoders and decoders (PROTOCOLS.md §3). Encoders take
 * typed records and return the bytes after the command code; decoders (used by the PD side and
 * by tests) never throw and return `{ kind: "invalid" }` with a reason instead.
 */
export const Cmd = {
  POLL: 0x60,
  ID: 0x61,
  CAP: 0x62,
  LSTAT: 0x64,
  ISTAT: 0x65,
  OSTAT: 0x66,
  RSTAT: 0x67,
  OUT: 0x68,
  LED: 0x69,
  BUZ: 0x6a,
  TEXT: 0x6b,
  COMSET: 0x6e,
  KEYSET: 0x75,
  CHLNG: 0x76,
  SCRYPT: 0x77,
  ACURXSIZE: 0x7b,
  MFG: 0x80,
  ABORT: 0xa2,
  KEEPACTIVE: 0xa7,
} as const;

/**
 * OUT control codes. 1/2 set the permanent state and cancel a running timer; 5/6 set a
 * temporary state for `timer100ms` and then fall back to the permanent one (a strike pulse).
 */
export const OutputControl = { NOP: 0, PERMANENT_OFF: 1, PERMANENT_ON: 2, PERMANENT_OFF_AFTER_TIMER: 3, PERMANENT_ON_AFTER_TIMER: 4, TEMPORARY_ON: 5, TEMPORARY_OFF: 6 } as const;

export interface OutputRecord {
  output: number;
  control: number;
  /** In units of 100 ms (0–65535). */
  timer100ms: number;
}

export const LedColor = { black: 0, red: 1, green: 2, amber: 3, blue: 4, magenta: 5, cyan: 6, white: 7 } as const;
export type LedColorName = keyof typeof LedColor;

/** One LED record: an optional temporary pattern over a permanent one. Times in 100 ms units. */
export interface LedRecord {
  reader: number;
  led: number;
  temporary: { control: number; onTime: number; offTime: number; onColor: number; offColor: number; timer100ms: number };
  permanent: { control: number; onTime: number; offTime: number; onColor: number; offColor: number };
}
/** LED temporary control: 1 cancels it (back to permanent), 2 sets it and starts the timer. Permanent control: 1 sets it. */
export const LedControl = { NOP: 0, CANCEL_OR_SET: 1, SET_TEMPORARY: 2 } as const;

export interface BuzzerRecord {
  reader: number;
  /** 1 = off, 2 = default tone. */
  tone: number;
  onTime: number;
  offTime: number;
  /** 0 = repeat until told otherwise. */
  count: number;
}

const u8 = (v: number, what: string): number => {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${what} ${v} is not a byte`);
  return v;
};
const u16 = (v: number, what: string): number => {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${what} ${v} does not fit 16 bits`);
  return v;
};

export function encodeOut(records: readonly OutputRecord[]): Uint8Array {
  const out = new Uint8Array(records.length * 4);
  records.forEach((r, k) => {
    const t = u16(r.timer100ms, "timer");
    out.set([u8(r.output, "output"), u8(r.control, "control"), t & 0xff, t >> 8], k * 4);
  });
  return out;
}

export function encodeLed(records: readonly LedRecord[]): Uint8Array {
  const out = new Uint8Array(records.length * 14);
  records.forEach((r, k) => {
    const t = r.temporary;
    const p = r.permanent;
    const timer = u16(t.timer100ms, "LED timer");
    const bytes = [r.reader, r.led, t.control, t.onTime, t.offTime, t.onColor, t.offColor, timer & 0xff, timer >> 8, p.control, p.onTime, p.offTime, p.onColor, p.offColor];
    out.set(bytes.map((b, i) => u8(b, `LED byte ${i}`)), k * 14);
  });
  return out;
}

export function encodeBuzzer(r: BuzzerRecord): Uint8Array {
  return Uint8Array.from([u8(r.reader, "reader"), u8(r.tone, "tone"), u8(r.onTime, "on time"), u8(r.offTime, "off time"), u8(r.count, "count")]);
}

/** KEYSET with a 16-byte SCBK (key type 1). */
export function encodeKeyset(scbk: Uint8Array): Uint8Array {
  if (scbk.length !== 16) throw new RangeError("SCBK must be 16 bytes");
  return Uint8Array.from([0x01, 16, ...scbk]);
}

export type DecodedCommand =
  | { kind: "poll" | "lstat" | "istat" | "ostat" | "rstat" }
  | { kind: "id" | "cap"; replyType: number }
  | { kind: "out"; records: OutputRecord[] }
  | { kind: "led"; records: LedRecord[] }
  | { kind: "buzzer"; record: BuzzerRecord }
  | { kind: "keyset"; keyType: number; key: Uint8Array }
  | { kind: "chlng"; rndA: Uint8Array }
  | { kind: "scrypt"; cryptogram: Uint8Array }
  | { kind: "comset"; address: number; baudRate: number }
  | { kind: "other"; code: number; data: Uint8Array }
  | { kind: "invalid"; code: number; reason: string };

export function decodeCommand(code: number, d: Uint8Array): DecodedCommand {
  const bad = (reason: string): DecodedCommand => ({ kind: "invalid", code, reason });
  const exact = (n: number): boolean => d.length === n;
  switch (code) {
    case Cmd.POLL:
      return exact(0) ? { kind: "poll" } : bad("POLL carries no data");
    case Cmd.LSTAT:
      return exact(0) ? { kind: "lstat" } : bad("LSTAT carries no data");
    case Cmd.ISTAT:
      return exact(0) ? { kind: "istat" } : bad("ISTAT carries no data");
    case Cmd.OSTAT:
      return exact(0) ? { kind: "ostat" } : bad("OSTAT carries no data");
    case Cmd.RSTAT:
      return exact(0) ? { kind: "rstat" } : bad("RSTAT carries no data");
    case Cmd.ID:
    case Cmd.CAP:
      return exact(1) ? { kind: code === Cmd.ID ? "id" : "cap", replyType: d[0]! } : bad("ID/CAP carry one byte");
    case Cmd.OUT: {
      if (d.length === 0 || d.length % 4) return bad(`OUT length ${d.length} is not a multiple of 4`);
      const records: OutputRecord[] = [];
      for (let i = 0; i < d.length; i += 4) records.push({ output: d[i]!, control: d[i + 1]!, timer100ms: d[i + 2]! | (d[i + 3]! << 8) });
      return { kind: "out", records };
    }
    case Cmd.LED: {
      if (d.length === 0 || d.length % 14) return bad(`LED length ${d.length} is not a multiple of 14`);
      const records: LedRecord[] = [];
      for (let i = 0; i < d.length; i += 14) {
        const b = (k: number): number => d[i + k]!;
        records.push({
          reader: b(0),
          led: b(1),
          temporary: { control: b(2), onTime: b(3), offTime: b(4), onColor: b(5), offColor: b(6), timer100ms: b(7) | (b(8) << 8) },
          permanent: { control: b(9), onTime: b(10), offTime: b(11), onColor: b(12), offColor: b(13) },
        });
      }
      return { kind: "led", records };
    }
    case Cmd.BUZ:
      return exact(5) ? { kind: "buzzer", record: { reader: d[0]!, tone: d[1]!, onTime: d[2]!, offTime: d[3]!, count: d[4]! } } : bad("BUZ carries 5 bytes");
    case Cmd.KEYSET:
      if (d.length < 2 || d[1] !== d.length - 2) return bad("KEYSET length does not match its key length byte");
      return { kind: "keyset", keyType: d[0]!, key: d.slice(2) };
    case Cmd.CHLNG:
      return exact(8) ? { kind: "chlng", rndA: d.slice() } : bad("CHLNG carries 8 random bytes");
    case Cmd.SCRYPT:
      return exact(16) ? { kind: "scrypt", cryptogram: d.slice() } : bad("SCRYPT carries a 16-byte cryptogram");
    case Cmd.COMSET:
      return exact(5) ? { kind: "comset", address: d[0]!, baudRate: (d[1]! | (d[2]! << 8) | (d[3]! << 16) | (d[4]! << 24)) >>> 0 } : bad("COMSET carries 5 bytes");
    default:
      return { kind: "other", code, data: d.slice() };
  }
}
