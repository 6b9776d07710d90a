import { createCipheriv, createDecipheriv } from "node:crypto";

/**
 * OSDP secure channel primitives (PROTOCOLS.md §3, SIA OSDP v2.2 Annex D/E), all AES-128:
 * session keys from the SCBK and the CP's random, the two cryptograms of the handshake, the
 * initial R-MAC, the chained CBC-MAC and the payload cipher. Pure functions; the MAC chain
 * state lives in `SecureSession`.
 */
export const SCBK_D = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);

/** SCB types. 0x11–0x14 are the handshake; 0x15/0x16 MAC only, 0x17/0x18 MAC plus encrypted data. */
export const Scs = { CHLNG: 0x11, CCRYPT: 0x12, SCRYPT: 0x13, RMAC_I: 0x14, CMD_MAC: 0x15, REPLY_MAC: 0x16, CMD_ENC: 0x17, REPLY_ENC: 0x18 } as const;

/** SCB key selector of CHLNG/SCRYPT: which base key the CP uses. */
export const KeySelector = { SCBK_D: 0x00, SCBK: 0x01 } as const;

export interface SessionKeys {
  enc: Uint8Array;
  mac1: Uint8Array;
  mac2: Uint8Array;
}

const BLOCK = 16;

function aesEcb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv("aes-128-ecb", key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

function aesCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array, decrypt: boolean): Uint8Array {
  const c = decrypt ? createDecipheriv("aes-128-cbc", key, iv) : createCipheriv("aes-128-cbc", key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const not = (b: Uint8Array): Uint8Array => b.map((x) => ~x & 0xff);

function checkKey(key: Uint8Array, what: string): void {
  if (key.length !== BLOCK) throw new RangeError(`${what} must be 16 bytes, got ${key.length}`);
}

/** S-ENC, S-MAC1, S-MAC2 = AES(SCBK, 01 82|01 01|01 02 ‖ RND.A[0..5] ‖ 00…). */
export function deriveSessionKeys(scbk: Uint8Array, rndA: Uint8Array): SessionKeys {
  checkKey(scbk, "SCBK");
  if (rndA.length !== 8) throw new RangeError("RND.A must be 8 bytes");
  const input = (b1: number): Uint8Array => {
    const x = new Uint8Array(BLOCK);
    x.set([0x01, b1]);
    x.set(rndA.subarray(0, 6), 2);
    return x;
  };
  return { enc: aesEcb(scbk, input(0x82)), mac1: aesEcb(scbk, input(0x01)), mac2: aesEcb(scbk, input(0x02)) };
}

/** The PD's proof in CCRYPT: AES(S-ENC, RND.A ‖ RND.B). */
export const clientCryptogram = (sEnc: Uint8Array, rndA: Uint8Array, rndB: Uint8Array): Uint8Array => aesEcb(sEnc, concat(rndA, rndB));

/** The CP's proof in SCRYPT: AES(S-ENC, RND.B ‖ RND.A). */
export const serverCryptogram = (sEnc: Uint8Array, rndA: Uint8Array, rndB: Uint8Array): Uint8Array => aesEcb(sEnc, concat(rndB, rndA));

/** R-MAC-I, the first link of the MAC chain: AES(S-MAC2, AES(S-MAC1, server cryptogram)). */
export const initialRmac = (keys: SessionKeys, serverCrypt: Uint8Array): Uint8Array => aesEcb(keys.mac2, aesEcb(keys.mac1, serverCrypt));

/**
 * CBC-MAC over a whole message (SOM up to the MAC), chained from `iv` (the other side's last
 * MAC): blocks 1..N-1 under S-MAC1, block N under S-MAC2. A message that is not a multiple of
 * 16 is padded with 0x80 00…. Returns all 16 bytes; the first 4 are sent.
 */
export function computeMac(keys: SessionKeys, iv: Uint8Array, message: Uint8Array): Uint8Array {
  const padded = message.length % BLOCK === 0 ? message : pad(message);
  let chain = iv;
  if (padded.length > BLOCK) {
    const head = aesCbc(keys.mac1, iv, padded.subarray(0, padded.length - BLOCK), false);
    chain = head.subarray(head.length - BLOCK);
  }
  return aesCbc(keys.mac2, chain, padded.subarray(padded.length - BLOCK), false);
}

/** 0x80 then zeros up to the next block boundary; always adds at least the marker. */
function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil((data.length + 1) / BLOCK) * BLOCK);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Payload encryption: AES-CBC(S-ENC, IV = NOT(other side's last MAC)) over data ‖ 80 00…. */
export function encryptPayload(sEnc: Uint8Array, otherSideMac: Uint8Array, plain: Uint8Array): Uint8Array {
  return aesCbc(sEnc, not(otherSideMac), pad(plain), false);
}

/** Inverse of `encryptPayload`; null when the length or the 0x80 marker is wrong. Never throws. */
export function decryptPayload(sEnc: Uint8Array, otherSideMac: Uint8Array, cipher: Uint8Array): Uint8Array | null {
  if (cipher.length === 0 || cipher.length % BLOCK !== 0) return null;
  const plain = aesCbc(sEnc, not(otherSideMac), cipher, true);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0x00) end--;
  if (end < 0 || plain[end] !== 0x80 || plain.length - end > BLOCK) return null;
  return plain.slice(0, end);
}

/** Constant-time-enough comparison for short MACs and cryptograms. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
