/**
 * PD→CP reply codes with pure payload decoders and encoders (PROTOCOLS.md §3). Decoders never
 * throw: a malformed payload is `{ kind: "invalid", reason }`.
 */
export const Reply = {
  ACK: 0x40,
  NAK: 0x41,
  PDID: 0x45,
  PDCAP: 0x46,
  LSTATR: 0x48,
  ISTATR: 0x49,
  OSTATR: 0x4a,
  RSTATR: 0x4b,
  RAW: 0x50,
  KEYPAD: 0x53,
  COM: 0x54,
  CCRYPT: 0x76,
  RMAC_I: 0x78,
  BUSY: 0x79,
} as const;

export const NakCode = {
  CHECK: 1,
  LENGTH: 2,
  UNKNOWN_COMMAND: 3,
  SEQUENCE: 4,
  SC_UNSUPPORTED: 5,
  SC_CONDITIONS: 6,
  BIO_TYPE: 7,
  BIO_FORMAT: 8,
  RECORD: 9,
} as const;

const NAK_TEXT: Record<number, string> = {
  1: "bad checksum/CRC",
  2: "bad command length",
  3: "unknown command",
  4: "unexpected sequence number",
  5: "secure channel not supported",
  6: "security conditions not met",
  7: "biometric type not supported",
  8: "biometric format not supported",
  9: "cannot process record",
};
export const nakText = (code: number): string => NAK_TEXT[code] ?? `NAK code ${code}`;

export interface PdId {
  vendor: string; // OUI as hex, e.g. "bebafe"
  model: number;
  version: number;
  serial: number;
  firmware: string; // "major.minor.build"
}
export interface PdCap {
  function: number;
  compliance: number;
  items: number;
}
export type CardFormat = "unspecified" | "wiegand";
export interface RawCard {
  reader: number;
  format: CardFormat;
  bits: number;
  data: Uint8Array;
}

export type DecodedReply =
  | { kind: "ack" | "busy" }
  | { kind: "nak"; code: number; detail: Uint8Array }
  | { kind: "pdid"; id: PdId }
  | { kind: "pdcap"; caps: PdCap[] }
  | { kind: "lstatr"; tamper: boolean; powerFailure: boolean }
  | { kind: "istatr"; inputs: boolean[] }
  | { kind: "ostatr"; outputs: boolean[] }
  | { kind: "rstatr"; readers: number[] }
  | { kind: "raw"; card: RawCard }
  | { kind: "keypad"; reader: number; digits: Uint8Array }
  | { kind: "com"; address: number; baudRate: number }
  | { kind: "ccrypt"; cuid: Uint8Array; rndB: Uint8Array; cryptogram: Uint8Array }
  | { kind: "rmac_i"; rmac: Uint8Array }
  | { kind: "other"; code: number; data: Uint8Array }
  | { kind: "invalid"; code: number; reason: string };

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const u32le = (d: Uint8Array, i: number): number => (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
/** Status bytes are 0/1; anything non-zero counts as active. */
const flags = (d: Uint8Array): boolean[] => Array.from(d, (b) => b !== 0);

export function decodeReply(code: number, d: Uint8Array): DecodedReply {
  const bad = (reason: string): DecodedReply => ({ kind: "invalid", code, reason });
  switch (code) {
    case Reply.ACK:
      return d.length === 0 ? { kind: "ack" } : bad("ACK carries no data");
    case Reply.BUSY:
      return d.length === 0 ? { kind: "busy" } : bad("BUSY carries no data");
    case Reply.NAK:
      return d.length >= 1 ? { kind: "nak", code: d[0]!, detail: d.slice(1) } : bad("NAK without error code");
    case Reply.PDID:
      if (d.length !== 12) return bad(`PDID carries 12 bytes, got ${d.length}`);
      return {
        kind: "pdid",
        id: { vendor: hex(d.subarray(0, 3)), model: d[3]!, version: d[4]!, serial: u32le(d, 5), firmware: `${d[9]}.${d[10]}.${d[11]}` },
      };
    case Reply.PDCAP: {
      if (d.length % 3) return bad(`PDCAP length ${d.length} is not a multiple of 3`);
      const caps: PdCap[] = [];
      for (let i = 0; i < d.length; i += 3) caps.push({ function: d[i]!, compliance: d[i + 1]!, items: d[i + 2]! });
      return { kind: "pdcap", caps };
    }
    case Reply.LSTATR:
      return d.length === 2 ? { kind: "lstatr", tamper: d[0] !== 0, powerFailure: d[1] !== 0 } : bad("LSTATR carries 2 bytes");
    case Reply.ISTATR:
      return { kind: "istatr", inputs: flags(d) };
    case Reply.OSTATR:
      return { kind: "ostatr", outputs: flags(d) };
    case Reply.RSTATR:
      return { kind: "rstatr", readers: Array.from(d) };
    case Reply.RAW: {
      if (d.length < 4) return bad("RAW shorter than its header");
      const bits = d[2]! | (d[3]! << 8);
      const bytes = Math.ceil(bits / 8);
      if (bits === 0 || d.length !== 4 + bytes) return bad(`RAW with ${bits} bits carries ${d.length - 4} data bytes`);
      const format: CardFormat = d[1] === 0x01 ? "wiegand" : "unspecified";
      if (d[1]! > 0x01) return bad(`RAW format ${d[1]} unknown`);
      return { kind: "raw", card: { reader: d[0]!, format, bits, data: d.slice(4) } };
    }
    case Reply.KEYPAD:
      if (d.length < 2 || d[1] !== d.length - 2) return bad("KEYPAD digit count does not match");
      return { kind: "keypad", reader: d[0]!, digits: d.slice(2) };
    case Reply.COM:
      return d.length === 5 ? { kind: "com", address: d[0]!, baudRate: u32le(d, 1) } : bad("COM carries 5 bytes");
    case Reply.CCRYPT:
      if (d.length !== 32) return bad("CCRYPT carries 32 bytes");
      return { kind: "ccrypt", cuid: d.slice(0, 8), rndB: d.slice(8, 16), cryptogram: d.slice(16, 32) };
    case Reply.RMAC_I:
      return d.length === 16 ? { kind: "rmac_i", rmac: d.slice() } : bad("RMAC_I carries 16 bytes");
    default:
      return { kind: "other", code, data: d.slice() };
  }
}

export function encodePdId(id: PdId): Uint8Array {
  const out = Buffer.alloc(12);
  Buffer.from(id.vendor, "hex").copy(out, 0, 0, 3);
  out[3] = id.model;
  out[4] = id.version;
  out.writeUInt32LE(id.serial >>> 0, 5);
  const fw = id.firmware.split(".").map((s) => Number(s) & 0xff);
  out.set([fw[0] ?? 0, fw[1] ?? 0, fw[2] ?? 0], 9);
  return out;
}

export const encodePdCap = (caps: readonly PdCap[]): Uint8Array => Uint8Array.from(caps.flatMap((c) => [c.function, c.compliance, c.items]));

export const encodeFlags = (values: readonly boolean[]): Uint8Array => Uint8Array.from(values, (v) => (v ? 1 : 0));

export function encodeRaw(card: RawCard): Uint8Array {
  const out = new Uint8Array(4 + card.data.length);
  out.set([card.reader, card.format === "wiegand" ? 0x01 : 0x00, card.bits & 0xff, card.bits >> 8]);
  out.set(card.data, 4);
  return out;
}
