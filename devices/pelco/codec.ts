/**
 * Pelco-D and Pelco-P PTZ frames (PROTOCOLS.md §5.1). Pure bytes ⇄ commands.
 *
 * Pelco-D, 7 bytes: `FF | addr | cmd1 | cmd2 | data1 | data2 | sum(bytes 2..6) mod 256`
 * Pelco-P, 8 bytes: `A0 | addr | data1 | data2 | data3 | data4 | AF | XOR(bytes 1..7)`
 *
 * Two public implementations get this wrong and must not be followed: one swaps go-to (0x07)
 * and clear (0x05) preset, another uses XOR for the Pelco-D checksum. Pelco-D sums; Pelco-P
 * XORs STX through ETX (not "bytes 1-5" as one summary says).
 */

export type PelcoProtocol = "d" | "p";

export const PELCO_D_SYNC = 0xff;
export const PELCO_P_STX = 0xa0;
export const PELCO_P_ETX = 0xaf;
export const FRAME_LEN: Readonly<Record<PelcoProtocol, number>> = { d: 7, p: 8 };

/** Highest regular pan/tilt speed; above it only "turbo" (pan). */
export const MAX_SPEED = 0x3f;
const TURBO: Readonly<Record<PelcoProtocol, number>> = { d: 0xff, p: 0x40 };

/** Movement bits, the same in Pelco-D cmd2 and Pelco-P data2. */
const BIT = { right: 0x02, left: 0x04, up: 0x08, down: 0x10, tele: 0x20, wide: 0x40 } as const;
const MOVE_MASK = 0x7e;
/** Extended preset opcodes (cmd2 / data2 with the low bit set). */
export const PRESET_OP = { set: 0x03, clear: 0x05, goto: 0x07 } as const;
export type PresetAction = keyof typeof PRESET_OP;

export type PtzCommand =
  | { kind: "stop" }
  | {
      kind: "move";
      pan?: "left" | "right";
      tilt?: "up" | "down";
      zoom?: "tele" | "wide";
      /** 0–63; ignored without `pan`. */
      panSpeed?: number;
      /** 0–63; ignored without `tilt`. */
      tiltSpeed?: number;
      /** Fastest pan the camera has (Pelco-D 0xFF, Pelco-P 0x40). */
      turbo?: boolean;
    }
  | { kind: "preset"; action: PresetAction; preset: number };

/** A frame this codec does not model (focus, iris, aux, queries …): kept as raw payload bytes. */
export interface PtzOther {
  kind: "other";
  bytes: [number, number, number, number];
}

export interface PelcoFrame {
  protocol: PelcoProtocol;
  /** The address byte as sent on the wire (already offset). */
  address: number;
  command: PtzCommand | PtzOther;
}

export function pelcoDChecksum(frame: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 1; i <= 5; i++) sum += frame[i]!;
  return sum & 0xff;
}

export function pelcoPChecksum(frame: ArrayLike<number>): number {
  let x = 0;
  for (let i = 0; i <= 6; i++) x ^= frame[i]!;
  return x;
}

function byteIn(name: string, v: number, max: number): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${name} must be an integer 0–${max}, got ${v}`);
  return v;
}

/** The four payload bytes shared by both protocols: [cmd1|data1, cmd2|data2, pan speed, tilt speed|preset]. */
function payload(protocol: PelcoProtocol, cmd: PtzCommand): [number, number, number, number] {
  switch (cmd.kind) {
    case "stop":
      return [0, 0, 0, 0];
    case "preset":
      return [0, PRESET_OP[cmd.action], 0, byteIn("preset", cmd.preset, 0xff)];
    case "move": {
      let bits = 0;
      if (cmd.pan) bits |= BIT[cmd.pan];
      if (cmd.tilt) bits |= BIT[cmd.tilt];
      if (cmd.zoom) bits |= BIT[cmd.zoom];
      const pan = !cmd.pan ? 0 : cmd.turbo ? TURBO[protocol] : byteIn("panSpeed", cmd.panSpeed ?? MAX_SPEED, MAX_SPEED);
      const tilt = cmd.tilt ? byteIn("tiltSpeed", cmd.tiltSpeed ?? MAX_SPEED, MAX_SPEED) : 0;
      return [0, bits, pan, tilt];
    }
  }
}

/** Encode one command for the camera at wire address `address` (0–255). Throws RangeError on bad input. */
export function encodePelco(protocol: PelcoProtocol, address: number, cmd: PtzCommand): Buffer {
  byteIn("address", address, 0xff);
  const [a, b, c, d] = payload(protocol, cmd);
  if (protocol === "d") {
    const f = Buffer.from([PELCO_D_SYNC, address, a, b, c, d, 0]);
    f[6] = pelcoDChecksum(f);
    return f;
  }
  const f = Buffer.from([PELCO_P_STX, address, a, b, c, d, PELCO_P_ETX, 0]);
  f[7] = pelcoPChecksum(f);
  return f;
}

function decodePayload(protocol: PelcoProtocol, bytes: [number, number, number, number]): PtzCommand | PtzOther {
  const [a, b, c, d] = bytes;
  if (a === 0 && b === 0 && c === 0 && d === 0) return { kind: "stop" };
  if (a === 0 && c === 0) {
    for (const action of Object.keys(PRESET_OP) as PresetAction[]) {
      if (PRESET_OP[action] === b) return { kind: "preset", action, preset: d };
    }
  }
  // A movement frame has only movement bits, and no both-ways bits (left+right, up+down, tele+wide).
  const both = (x: number, y: number) => (b & x) !== 0 && (b & y) !== 0;
  if (a !== 0 || (b & ~MOVE_MASK) !== 0 || both(BIT.left, BIT.right) || both(BIT.up, BIT.down) || both(BIT.tele, BIT.wide)) {
    return { kind: "other", bytes };
  }
  const cmd: Extract<PtzCommand, { kind: "move" }> = { kind: "move" };
  if (b & (BIT.left | BIT.right)) {
    cmd.pan = b & BIT.left ? "left" : "right";
    if (c === TURBO[protocol]) cmd.turbo = true;
    else if (c <= MAX_SPEED) cmd.panSpeed = c;
    else return { kind: "other", bytes };
  } else if (c !== 0) return { kind: "other", bytes };
  if (b & (BIT.up | BIT.down)) {
    if (d > MAX_SPEED) return { kind: "other", bytes };
    cmd.tilt = b & BIT.up ? "up" : "down";
    cmd.tiltSpeed = d;
  } else if (d !== 0) return { kind: "other", bytes };
  if (b & (BIT.tele | BIT.wide)) cmd.zoom = b & BIT.tele ? "tele" : "wide";
  return cmd;
}

/**
 * Decode one frame that starts at `offset`. Returns null when the bytes there are not a valid
 * frame (wrong sync/ETX, bad checksum, too short). Never throws.
 */
export function decodePelco(protocol: PelcoProtocol, buf: Uint8Array, offset = 0): PelcoFrame | null {
  const len = FRAME_LEN[protocol];
  if (offset < 0 || buf.length - offset < len) return null;
  const f = buf.subarray(offset, offset + len);
  if (protocol === "d") {
    if (f[0] !== PELCO_D_SYNC || f[6] !== pelcoDChecksum(f)) return null;
  } else if (f[0] !== PELCO_P_STX || f[6] !== PELCO_P_ETX || f[7] !== pelcoPChecksum(f)) {
    return null;
  }
  const bytes: [number, number, number, number] = [f[2]!, f[3]!, f[4]!, f[5]!];
  return { protocol, address: f[1]!, command: decodePayload(protocol, bytes) };
}
