import { encodePacket, type DecodedPacket, type Packet } from "./frame.js";
import {
  clientCryptogram,
  computeMac,
  decryptPayload,
  deriveSessionKeys,
  encryptPayload,
  initialRmac,
  KeySelector,
  sameBytes,
  SCBK_D,
  Scs,
  serverCryptogram,
  type SessionKeys,
} from "./secure-channel.js";

/**
 * The CP side of one secure-channel session: the handshake (CHLNG → CCRYPT → SCRYPT → RMAC_I)
 * and, once established, wrapping commands and unwrapping replies with the MAC chain.
 * Command MACs chain from the last reply MAC and vice versa; command payloads are encrypted
 * with IV = NOT(last reply MAC), replies with IV = NOT(last command MAC).
 */
export class CpHandshake {
  private keys: SessionKeys | null = null;
  private rndB: Uint8Array | null = null;
  private serverCrypt: Uint8Array | null = null;

  constructor(
    readonly baseKey: Uint8Array,
    readonly selector: number,
    readonly rndA: Uint8Array,
  ) {}

  static forKey(scbk: Uint8Array | null, rndA: Uint8Array): CpHandshake {
    return scbk ? new CpHandshake(scbk, KeySelector.SCBK, rndA) : new CpHandshake(SCBK_D, KeySelector.SCBK_D, rndA);
  }

  get usesDefaultKey(): boolean {
    return this.selector === KeySelector.SCBK_D;
  }

  /** SCB and data of the CHLNG command. */
  challenge(): { scb: Packet["scb"]; data: Uint8Array } {
    return { scb: { type: Scs.CHLNG, data: Uint8Array.of(this.selector) }, data: this.rndA };
  }

  /** Checks the PD's cryptogram; returns the SCRYPT command, or an error when the PD holds another key. */
  onCcrypt(rndB: Uint8Array, pdCryptogram: Uint8Array): { scb: Packet["scb"]; data: Uint8Array } | { error: string } {
    const keys = deriveSessionKeys(this.baseKey, this.rndA);
    if (!sameBytes(clientCryptogram(keys.enc, this.rndA, rndB), pdCryptogram)) {
      return { error: `PD cryptogram does not match (${this.usesDefaultKey ? "SCBK-D" : "SCBK"})` };
    }
    this.keys = keys;
    this.rndB = rndB;
    this.serverCrypt = serverCryptogram(keys.enc, this.rndA, rndB);
    return { scb: { type: Scs.SCRYPT, data: Uint8Array.of(this.selector) }, data: this.serverCrypt };
  }

  /** Checks R-MAC-I; returns the established session or an error. */
  onRmacI(rmac: Uint8Array): SecureSession | { error: string } {
    if (!this.keys || !this.serverCrypt || !this.rndB) return { error: "RMAC_I before CCRYPT" };
    const expected = initialRmac(this.keys, this.serverCrypt);
    if (!sameBytes(expected, rmac)) return { error: "R-MAC-I does not match" };
    return new SecureSession(this.keys, expected);
  }
}

export type Unwrapped = { ok: true; data: Uint8Array } | { ok: false; reason: string };

export class SecureSession {
  private cMac: Uint8Array;
  private rMac: Uint8Array;

  constructor(
    private readonly keys: SessionKeys,
    rmacI: Uint8Array,
  ) {
    this.rMac = rmacI;
    this.cMac = rmacI;
  }

  /** Encodes a command inside the session: MAC only when there is no data, else MAC plus encryption. */
  wrapCommand(p: Omit<Packet, "scb" | "mac">, mark: boolean): Buffer {
    const encrypted = p.data.length > 0;
    const data = encrypted ? encryptPayload(this.keys.enc, this.rMac, p.data) : p.data;
    const scb = { type: encrypted ? Scs.CMD_ENC : Scs.CMD_MAC, data: new Uint8Array(0) };
    return encodePacket({ ...p, scb, data }, {
      mark,
      mac: (input) => {
        this.cMac = computeMac(this.keys, this.rMac, input);
        return this.cMac;
      },
    });
  }

  /** Verifies a reply's MAC against the chain and decrypts its payload. */
  unwrapReply(p: DecodedPacket): Unwrapped {
    const type = p.scb?.type;
    if (type !== Scs.REPLY_MAC && type !== Scs.REPLY_ENC) return { ok: false, reason: `reply without session SCB (type ${type ?? "none"})` };
    if (!p.mac) return { ok: false, reason: "reply without MAC" };
    const mac = computeMac(this.keys, this.cMac, p.macInput);
    if (!sameBytes(mac.subarray(0, 4), p.mac)) return { ok: false, reason: "reply MAC mismatch" };
    this.rMac = mac;
    if (type === Scs.REPLY_MAC || p.data.length === 0) return { ok: true, data: p.data };
    const plain = decryptPayload(this.keys.enc, this.cMac, p.data);
    return plain ? { ok: true, data: plain } : { ok: false, reason: "reply payload does not decrypt" };
  }
}
