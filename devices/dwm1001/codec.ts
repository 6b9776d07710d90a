/**
 * Qorvo/Decawave DWM1001 UART TLV API (PROTOCOLS.md §2.1), pure bytes ⇄ messages.
 *
 * Every frame is `Type(1) Length(1) Value(Length)`, multi-byte values little-endian, no checksum.
 * A response is `40 01 <err>` followed, when err is 0, by the value TLVs of the command
 * (`RESPONSE_SHAPE`). Tables from the vendor's host API (dwm1001_tlv.h, dwm_api.c).
 */

export const CMD = {
  POS_GET: 0x02,
  UR_GET: 0x04,
  CFG_GET: 0x08,
  LOC_GET: 0x0c,
  RESET: 0x14,
  VER_GET: 0x15,
  NODE_ID_GET: 0x30,
  STATUS_GET: 0x32,
} as const;

export const TLV = {
  RET_VAL: 0x40,
  POS_XYZ: 0x41,
  RNG_AN_DIST: 0x48,
  RNG_AN_POS_DIST: 0x49,
  NODE_ID: 0x4e,
  FW_VER: 0x50,
  CFG_VER: 0x51,
  HW_VER: 0x52,
  STATUS: 0x5a,
  /** Dummy/idle byte (SPI filler). */
  IDLE: 0xff,
} as const;

/** Return values in `40 01 <err>`. */
export const ERROR_TEXT: Readonly<Record<number, string>> = {
  0: "ok",
  1: "unknown command or broken TLV frame",
  2: "internal error",
  3: "invalid parameter",
  4: "busy",
  5: "operation not permitted",
};
export const MAX_ERROR_CODE = 5;

export const POS_LEN = 13;
export const AN_POS_DIST_ENTRY = 20;
export const AN_DIST_ENTRY = 13;
/** Quality factors are percentages; a larger byte means we are not looking at a real frame. */
export const MAX_QUALITY = 100;

export interface Tlv {
  type: number;
  value: Buffer;
}

export interface DwmResponse {
  command: number;
  /** 0 ok, see ERROR_TEXT. A non-zero response carries no value TLVs. */
  error: number;
  tlvs: Tlv[];
}

/** One value TLV a response may hold: accepted types and a check of its value. */
export interface TlvSpec {
  types: readonly number[];
  /** `value` holds the bytes received so far (possibly fewer than `len`): say "no" as early as possible. */
  plausible(type: number, len: number, value: Buffer): boolean;
}

const qf = (b: number | undefined) => b === undefined || b <= MAX_QUALITY;
const fixed = (type: number, n: number): TlvSpec => ({ types: [type], plausible: (_t, len) => len === n });

const position: TlvSpec = { types: [TLV.POS_XYZ], plausible: (_t, len, v) => len === POS_LEN && qf(v[12]) };

const ranging: TlvSpec = {
  types: [TLV.RNG_AN_DIST, TLV.RNG_AN_POS_DIST],
  plausible(type, len, v) {
    if (len < 1) return false;
    const entry = type === TLV.RNG_AN_DIST ? AN_DIST_ENTRY : AN_POS_DIST_ENTRY;
    const cnt = v[0];
    if (cnt === undefined) return (len - 1) % entry === 0;
    if (len !== 1 + entry * cnt) return false;
    for (let i = 0; i < cnt; i++) {
      const base = 1 + i * entry;
      if (!qf(v[base + (type === TLV.RNG_AN_DIST ? 12 : 6)])) return false;
      if (type === TLV.RNG_AN_POS_DIST && !qf(v[base + 19])) return false;
    }
    return true;
  },
};

/** The value TLVs that follow `40 01 00`, per command we send. Commands not listed answer with the header only. */
export const RESPONSE_SHAPE: Readonly<Record<number, readonly TlvSpec[]>> = {
  [CMD.POS_GET]: [position],
  [CMD.LOC_GET]: [position, ranging],
  [CMD.NODE_ID_GET]: [fixed(TLV.NODE_ID, 8)],
  [CMD.STATUS_GET]: [{ types: [TLV.STATUS], plausible: (_t, len) => len === 1 || len === 2 }],
  [CMD.VER_GET]: [fixed(TLV.FW_VER, 4), fixed(TLV.CFG_VER, 4), fixed(TLV.HW_VER, 4)],
};

export function encodeRequest(command: number, value: Uint8Array = new Uint8Array(0)): Buffer {
  if (value.length > 255) throw new RangeError("a TLV value holds at most 255 bytes");
  return Buffer.concat([Buffer.from([command, value.length]), value]);
}

export function encodeResponse(r: Omit<DwmResponse, "command">): Buffer {
  const parts: Buffer[] = [Buffer.from([TLV.RET_VAL, 0x01, r.error])];
  for (const t of r.tlvs) parts.push(encodeRequest(t.type, t.value));
  return Buffer.concat(parts);
}

// ---- value decoders ------------------------------------------------------------------------

export interface Position {
  /** Millimetres, as on the wire. */
  x: number;
  y: number;
  z: number;
  /** 0–100. */
  quality: number;
}

/** A tag's view: the anchors it ranged to, with their positions (RNG_AN_POS_DIST). */
export interface AnchorRange {
  anchorId: string;
  distanceMm: number;
  quality: number;
  position: Position;
}

/** An anchor's view: the tags it ranged to (RNG_AN_DIST). */
export interface TagRange {
  /** The low 16 bits as 4 hex digits, the id the LEAPS gateway and the shell print. */
  tagId: string;
  /** The full 64-bit UWB address, 16 hex digits. */
  address: string;
  distanceMm: number;
  quality: number;
}

export interface Location {
  position: Position;
  ranging: { kind: "anchors"; anchors: AnchorRange[] } | { kind: "tags"; tags: TagRange[] };
}

export interface NodeStatus {
  locationReady: boolean;
  uwbmacJoined: boolean;
  flags: number;
}

export const shortId = (n: number): string => (n & 0xffff).toString(16).padStart(4, "0");

function readPosition(v: Buffer, at: number): Position {
  return { x: v.readInt32LE(at), y: v.readInt32LE(at + 4), z: v.readInt32LE(at + 8), quality: v[at + 12]! };
}

const find = (r: DwmResponse, ...types: number[]) => r.tlvs.find((t) => types.includes(t.type));

export function decodePosition(r: DwmResponse): Position | null {
  const t = find(r, TLV.POS_XYZ);
  return r.error === 0 && t && t.value.length === POS_LEN ? readPosition(t.value, 0) : null;
}

/** `dwm_loc_get` → own position plus ranging; null when the response is not a valid one. */
export function decodeLocation(r: DwmResponse): Location | null {
  const position = decodePosition(r);
  const rng = find(r, TLV.RNG_AN_DIST, TLV.RNG_AN_POS_DIST);
  if (!position || !rng || !ranging.plausible(rng.type, rng.value.length, rng.value)) return null;
  const v = rng.value;
  const cnt = v.length > 0 ? v[0]! : 0;
  if (rng.type === TLV.RNG_AN_POS_DIST) {
    const anchors: AnchorRange[] = [];
    for (let i = 0, at = 1; i < cnt; i++, at += AN_POS_DIST_ENTRY) {
      anchors.push({ anchorId: shortId(v.readUInt16LE(at)), distanceMm: v.readUInt32LE(at + 2), quality: v[at + 6]!, position: readPosition(v, at + 7) });
    }
    return { position, ranging: { kind: "anchors", anchors } };
  }
  const tags: TagRange[] = [];
  for (let i = 0, at = 1; i < cnt; i++, at += AN_DIST_ENTRY) {
    const addr = v.readBigUInt64LE(at);
    tags.push({ tagId: shortId(v.readUInt16LE(at)), address: addr.toString(16).padStart(16, "0"), distanceMm: v.readUInt32LE(at + 8), quality: v[at + 12]! });
  }
  return { position, ranging: { kind: "tags", tags } };
}

export function decodeStatus(r: DwmResponse): NodeStatus | null {
  const t = find(r, TLV.STATUS);
  if (r.error !== 0 || !t || t.value.length < 1 || t.value.length > 2) return null;
  const flags = t.value.length === 2 ? t.value.readUInt16LE(0) : t.value[0]!;
  return { locationReady: (flags & 0x01) !== 0, uwbmacJoined: (flags & 0x02) !== 0, flags };
}

/** `dwm_node_id_get` → 64-bit UWB address as 16 hex digits. */
export function decodeNodeId(r: DwmResponse): string | null {
  const t = find(r, TLV.NODE_ID);
  return r.error === 0 && t && t.value.length === 8 ? t.value.readBigUInt64LE(0).toString(16).padStart(16, "0") : null;
}

// ---- value encoders (device side: the test module, golden frames) -------------------------

function writePosition(p: Position): Buffer {
  const b = Buffer.alloc(POS_LEN);
  b.writeInt32LE(p.x, 0);
  b.writeInt32LE(p.y, 4);
  b.writeInt32LE(p.z, 8);
  b[12] = p.quality;
  return b;
}

export function encodeLocation(loc: Location): Buffer {
  const entries =
    loc.ranging.kind === "anchors"
      ? loc.ranging.anchors.map((a) => {
          const e = Buffer.alloc(7);
          e.writeUInt16LE(parseInt(a.anchorId, 16), 0);
          e.writeUInt32LE(a.distanceMm, 2);
          e[6] = a.quality;
          return Buffer.concat([e, writePosition(a.position)]);
        })
      : loc.ranging.tags.map((t) => {
          const e = Buffer.alloc(AN_DIST_ENTRY);
          e.writeBigUInt64LE(BigInt(`0x${t.address}`), 0);
          e.writeUInt32LE(t.distanceMm, 8);
          e[12] = t.quality;
          return e;
        });
  const type = loc.ranging.kind === "anchors" ? TLV.RNG_AN_POS_DIST : TLV.RNG_AN_DIST;
  return encodeResponse({
    error: 0,
    tlvs: [
      { type: TLV.POS_XYZ, value: writePosition(loc.position) },
      { type, value: Buffer.concat([Buffer.from([entries.length]), ...entries]) },
    ],
  });
}
