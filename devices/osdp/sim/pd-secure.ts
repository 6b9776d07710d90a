import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * The PD half of the OSDP secure channel, written for the simulator separately from the
 * driver's code (block by block with plain AES-ECB), so that a mistake in the driver's MAC
 * chain or payload cipher shows up as a failed handshake or MAC instead of cancelling out.
 * Key derivation and cryptograms are the formulas PROTOCOLS.md §3 gives.
 */
const ecb = (key: Uint8Array, block: Uint8Array): Buffer => {
  const c = createCipheriv("aes-128-ecb", key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
};
const ecbDecrypt = (key: Uint8Array, block: Uint8Array): Buffer => {
  const c = createDecipheriv("aes-128-ecb", key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
};
const xor = (a: Uint8Array, b: Uint8Array): Buffer => Buffer.from(a.map((x, i) => x ^ b[i]!));
const inverted = (b: Uint8Array): Buffer => Buffer.from(b.map((x) => 0xff - x));

function blocksPadded(data: Uint8Array, always: boolean): Buffer[] {
  const needs = always || data.length % 16 !== 0;
  const total = needs ? (Math.floor(data.length / 16) + 1) * 16 : data.length;
  const buf = Buffer.alloc(total);
  Buffer.from(data).copy(buf);
  if (needs) buf[data.length] = 0x80;
  const out: Buffer[] = [];
  for (let i = 0; i < total; i += 16) out.push(buf.subarray(i, i + 16));
  return out;
}

export class PdSecure {
  private enc: Buffer = Buffer.alloc(16);
  private mac1: Buffer = Buffer.alloc(16);
  private mac2: Buffer = Buffer.alloc(16);
  private rndA: Buffer = Buffer.alloc(8);
  private rndB: Buffer = Buffer.alloc(8);
  /** Last MAC of each direction: the chain. */
  private cmac: Buffer = Buffer.alloc(16);
  private rmac: Buffer = Buffer.alloc(16);
  active = false;

  /** CHLNG: derive keys from the CP's random; returns our random and the client cryptogram. */
  challenge(scbk: Uint8Array, rndA: Uint8Array, rndB: Uint8Array = randomBytes(8)): { rndB: Buffer; cryptogram: Buffer } {
    this.active = false;
    this.rndA = Buffer.from(rndA);
    this.rndB = Buffer.from(rndB);
    const derive = (b1: number) => ecb(scbk, Buffer.concat([Buffer.from([0x01, b1]), this.rndA.subarray(0, 6), Buffer.alloc(8)]));
    this.enc = derive(0x82);
    this.mac1 = derive(0x01);
    this.mac2 = derive(0x02);
    return { rndB: this.rndB, cryptogram: ecb(this.enc, Buffer.concat([this.rndA, this.rndB])) };
  }

  /** SCRYPT: check the CP's cryptogram; on success the session starts and R-MAC-I is returned. */
  confirm(serverCryptogram: Uint8Array): Buffer | null {
    const expected = ecb(this.enc, Buffer.concat([this.rndB, this.rndA]));
    if (!expected.equals(Buffer.from(serverCryptogram))) return null;
    this.rmac = ecb(this.mac2, ecb(this.mac1, expected));
    this.active = true;
    return this.rmac;
  }

  private mac(iv: Buffer, message: Uint8Array): Buffer {
    const blocks = blocksPadded(message, false);
    let chain = iv;
    blocks.forEach((b, i) => {
      chain = ecb(i === blocks.length - 1 ? this.mac2 : this.mac1, xor(b, chain));
    });
    return chain;
  }

  /** Verifies a command's 4-byte MAC (chained from our last reply MAC) and records it. */
  verifyCommand(macInput: Uint8Array, mac: Uint8Array): boolean {
    const full = this.mac(this.rmac, macInput);
    if (!full.subarray(0, 4).equals(Buffer.from(mac))) return false;
    this.cmac = full;
    return true;
  }

  /** MAC for a reply, chained from the command just verified. */
  signReply(macInput: Uint8Array): Buffer {
    this.rmac = this.mac(this.cmac, macInput);
    return this.rmac;
  }

  decryptCommand(cipher: Uint8Array): Buffer | null {
    if (cipher.length % 16 !== 0 || cipher.length === 0) return null;
    let prev = inverted(this.rmac);
    const plain: Buffer[] = [];
    for (let i = 0; i < cipher.length; i += 16) {
      const block = Buffer.from(cipher.subarray(i, i + 16));
      plain.push(xor(ecbDecrypt(this.enc, block), prev));
      prev = block;
    }
    const all = Buffer.concat(plain);
    const end = all.lastIndexOf(0x80);
    return end >= 0 && all.subarray(end + 1).every((b) => b === 0) ? all.subarray(0, end) : null;
  }

  encryptReply(plain: Uint8Array): Buffer {
    let prev = inverted(this.cmac);
    const out: Buffer[] = [];
    for (const b of blocksPadded(plain, true)) {
      prev = ecb(this.enc, xor(b, prev));
      out.push(prev);
    }
    return Buffer.concat(out);
  }
}
