import { checksum8, crc16 } from "./crc.js";

/**
 * OSDP packet layout (PROTOCOLS.md §3):
 * `[0xFF mark] 0x53 | ADDR | LEN lo hi | CTRL | [SCB: len type data…] | CODE | DATA… | [MAC 4] | CHK (1) or CRC (2, LSB first)`
 * LEN counts SOM through the check bytes. Replies carry the PD address with bit 7 set.
 */
export const SOM = 0x53;
export const MARK = 0xff;
export const BROADCAST = 0x7f;
export const REPLY_FLAG = 0x80;
const CTRL_SQN = 0x03;
const CTRL_CRC = 0x04;
const CTRL_SCB = 0x08;
const HEADER_LEN = 5;
/** Largest packet accepted; PDs advertise their own receive size, real traffic stays far below. */
export const MAX_PACKET_LEN = 1024;
/** SCB types whose packets end in a 4-byte MAC (secure-channel session traffic). */
export const MAC_LEN = 4;
export const hasMac = (scbType: number | undefined): boolean => scbType !== undefined && scbType >= 0x15 && scbType <= 0x18;

export interface SecurityBlock {
  type: number;
  /** SCB bytes after the type byte (e.g. the key selector of CHLNG). */
  data: Uint8Array;
}

export interface Packet {
  /** 0x00–0x7F, without the reply flag. */
  address: number;
  reply: boolean;
  sqn: number;
  useCrc: boolean;
  scb?: SecurityBlock | undefined;
  code: number;
  /** Payload after the code byte, as on the wire (ciphertext for SCB 0x17/0x18). */
  data: Uint8Array;
  mac?: Uint8Array | undefined;
}

export interface DecodedPacket extends Packet {
  /** The packet without mark, SOM through check bytes. */
  raw: Uint8Array;
  /** Bytes the MAC covers: SOM up to (not including) the MAC. */
  macInput: Uint8Array;
}

export type DecodeResult = { ok: true; packet: DecodedPacket } | { ok: false; reason: string };

/**
 * Builds one packet. When the SCB type calls for a MAC, `mac` receives SOM…data (with LEN
 * already counting MAC and check) and returns at least 4 bytes, of which the first 4 are sent.
 */
export function encodePacket(p: Packet, opts: { mark?: boolean; mac?: (macInput: Uint8Array) => Uint8Array } = {}): Buffer {
  if (p.address < 0 || p.address > 0x7f) throw new RangeError(`OSDP address ${p.address} out of range`);
  if (p.sqn < 0 || p.sqn > 3) throw new RangeError(`OSDP sequence number ${p.sqn} out of range`);
  const withMac = hasMac(p.scb?.type);
  if (withMac && !opts.mac) throw new Error(`SCB type 0x${p.scb!.type.toString(16)} needs a MAC`);
  const scbLen = p.scb ? 2 + p.scb.data.length : 0;
  const checkLen = p.useCrc ? 2 : 1;
  const len = HEADER_LEN + scbLen + 1 + p.data.length + (withMac ? MAC_LEN : 0) + checkLen;
  if (len > MAX_PACKET_LEN) throw new RangeError(`OSDP packet of ${len} bytes exceeds ${MAX_PACKET_LEN}`);
  const mark = opts.mark ? 1 : 0;
  const out = Buffer.alloc(mark + len);
  if (mark) out[0] = MARK;
  let i = mark;
  out[i++] = SOM;
  out[i++] = p.address | (p.reply ? REPLY_FLAG : 0);
  out.writeUInt16LE(len, i);
  i += 2;
  out[i++] = (p.sqn & CTRL_SQN) | (p.useCrc ? CTRL_CRC : 0) | (p.scb ? CTRL_SCB : 0);
  if (p.scb) {
    out[i++] = scbLen;
    out[i++] = p.scb.type;
    out.set(p.scb.data, i);
    i += p.scb.data.length;
  }
  out[i++] = p.code;
  out.set(p.data, i);
  i += p.data.length;
  if (withMac) {
    const mac = opts.mac!(out.subarray(mark, i));
    out.set(mac.subarray(0, MAC_LEN), i);
    i += MAC_LEN;
  }
  if (p.useCrc) out.writeUInt16LE(crc16(out, mark, i), i);
  else out[i] = checksum8(out, mark, i);
  return out;
}

/** Decodes exactly one packet (no mark byte) whose length is `bytes.length`. Never throws. */
export function decodePacket(bytes: Uint8Array): DecodeResult {
  const shape = checkShape(bytes, 0, bytes.length);
  if (shape !== true) return { ok: false, reason: shape };
  const len = bytes[2]! | (bytes[3]! << 8);
  if (len !== bytes.length) return { ok: false, reason: `LEN ${len} but ${bytes.length} bytes` };
  const ctrl = bytes[4]!;
  const useCrc = (ctrl & CTRL_CRC) !== 0;
  const checkLen = useCrc ? 2 : 1;
  const body = len - checkLen;
  if (useCrc) {
    if (crc16(bytes, 0, body) !== (bytes[body]! | (bytes[body + 1]! << 8))) return { ok: false, reason: "CRC mismatch" };
  } else if (checksum8(bytes, 0, body) !== bytes[body]) return { ok: false, reason: "checksum mismatch" };

  let i = HEADER_LEN;
  let scb: SecurityBlock | undefined;
  if (ctrl & CTRL_SCB) {
    const scbLen = bytes[i]!;
    scb = { type: bytes[i + 1]!, data: bytes.slice(i + 2, i + scbLen) };
    i += scbLen;
  }
  const macLen = hasMac(scb?.type) ? MAC_LEN : 0;
  const dataEnd = body - macLen;
  const raw = Uint8Array.from(bytes);
  return {
    ok: true,
    packet: {
      address: bytes[1]! & 0x7f,
      reply: (bytes[1]! & REPLY_FLAG) !== 0,
      sqn: ctrl & CTRL_SQN,
      useCrc,
      scb,
      code: bytes[i]!,
      data: raw.slice(i + 1, dataEnd),
      mac: macLen ? raw.slice(dataEnd, body) : undefined,
      raw,
      macInput: raw.subarray(0, dataEnd),
    },
  };
}

/** Cheap structural check of a candidate at `start` with `avail` bytes present; true or why not. */
function checkShape(b: Uint8Array, start: number, avail: number): true | string {
  if (avail < HEADER_LEN) return "shorter than a header";
  if (b[start] !== SOM) return "no SOM";
  const len = b[start + 2]! | (b[start + 3]! << 8);
  if (len > MAX_PACKET_LEN) return `LEN ${len} exceeds ${MAX_PACKET_LEN}`;
  const ctrl = b[start + 4]!;
  const checkLen = ctrl & CTRL_CRC ? 2 : 1;
  let min = HEADER_LEN + 1 + checkLen;
  if (ctrl & CTRL_SCB) {
    if (avail < HEADER_LEN + 2) return "shorter than its security block";
    const scbLen = b[start + HEADER_LEN]!;
    if (scbLen < 2) return `SCB length ${scbLen} below 2`;
    min += scbLen + (hasMac(b[start + HEADER_LEN + 1]) ? MAC_LEN : 0);
  }
  if (len < min) return `LEN ${len} below the minimum ${min}`;
  return true;
}

/** Length of the candidate packet at `start`, or 0 when the header already rules it out. */
export function candidateLength(b: Uint8Array, start: number, avail: number): number {
  if (avail < HEADER_LEN + 2) return 0;
  return checkShape(b, start, avail) === true ? b[start + 2]! | (b[start + 3]! << 8) : -1;
}
