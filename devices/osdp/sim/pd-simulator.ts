import { Cmd, decodeCommand, OutputControl } from "../commands.js";
import { FrameReader } from "../frame-reader.js";
import { encodePacket, type DecodedPacket } from "../frame.js";
import { encodeFlags, encodePdCap, encodePdId, encodeRaw, NakCode, Reply, type RawCard } from "../replies.js";
import { SCBK_D } from "../secure-channel.js";
import { PdSecure } from "./pd-secure.js";

/**
 * A simulated OSDP reader/door controller (PD) for tests and demo mode: bytes from the CP in,
 * reply frames out. It keeps sequence numbers like libosdp (0 resets, a repeated SQN gets the last reply
 * again, any other jump is NAKed), answers ID/CAP/LSTAT/ISTAT/OSTAT/OUT/LED/BUZ, reports
 * queued card reads and input changes on POLL, and runs the secure channel (SCBK, or SCBK-D
 * in install mode, then KEYSET) with its own crypto code.
 */
export interface PdSimulatorOptions {
  address: number;
  scbk?: Uint8Array;
  installMode?: boolean;
  inputs?: number;
  outputs?: number;
  useCrc?: boolean;
  /** Wall clock for timed outputs (a strike pulse ends by itself). */
  now?: () => number;
}

export class PdSimulator {
  readonly inputs: boolean[];
  readonly outputs: boolean[];
  /** The last valid commands addressed to us, in order (after decryption); capped for long demo runs. */
  readonly log: { code: number; data: Uint8Array; secure: boolean }[] = [];
  tamper = false;
  powerFailure = false;
  /** When set, commands are read but never answered. */
  mute = false;
  scbk: Uint8Array | undefined;
  installMode: boolean;
  private readonly reader: FrameReader;
  private readonly cards: RawCard[] = [];
  private inputsChanged = false;
  private lastSqn = -1;
  private lastReply: Buffer | null = null;
  private readonly sc = new PdSecure();
  private keyInUse: Uint8Array | null = null;
  private readonly pulseEnds = new Map<number, number>();

  constructor(private readonly opts: PdSimulatorOptions) {
    this.inputs = new Array<boolean>(opts.inputs ?? 4).fill(false);
    this.outputs = new Array<boolean>(opts.outputs ?? 1).fill(false);
    this.scbk = opts.scbk;
    this.installMode = opts.installMode ?? false;
    this.reader = new FrameReader((p) => !p.reply && p.address === opts.address);
  }

  get secureActive(): boolean {
    return this.sc.active;
  }

  queueCard(card: RawCard): void {
    this.cards.push(card);
  }

  /** Output state now, with a timed pulse switched back off once it ran out. */
  output(n: number): boolean {
    const end = this.pulseEnds.get(n);
    if (end !== undefined && (this.opts.now ?? Date.now)() >= end) {
      this.pulseEnds.delete(n);
      this.outputs[n] = false;
    }
    return this.outputs[n] ?? false;
  }

  setInput(n: number, value: boolean): void {
    this.inputs[n] = value;
    this.inputsChanged = true;
  }

  /** Feed line bytes; returns the reply frames to send back. */
  receive(chunk: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    for (const p of this.reader.push(chunk)) {
      const r = this.handle(p);
      if (r && !this.mute) out.push(r);
    }
    return out;
  }

  private handle(p: DecodedPacket): Buffer | null {
    if (p.sqn === 0) {
      this.sc.active = false; // the CP restarts the link
    } else if (p.sqn === this.lastSqn && this.lastReply) {
      return this.lastReply;
    } else if (p.sqn !== (this.lastSqn === 3 ? 1 : this.lastSqn + 1)) {
      return this.reply(p, Reply.NAK, [NakCode.SEQUENCE], false);
    }
    this.lastSqn = p.sqn;
    let data = p.data;
    const secureType = p.scb?.type ?? 0;
    if (secureType >= 0x15) {
      if (!this.sc.active || !p.mac || !this.sc.verifyCommand(p.macInput, p.mac)) return this.reply(p, Reply.NAK, [NakCode.SC_CONDITIONS], false);
      if (secureType === 0x17) {
        const plain = this.sc.decryptCommand(p.data);
        if (!plain) return this.reply(p, Reply.NAK, [NakCode.SC_CONDITIONS], false);
        data = plain;
      }
    } else if (this.sc.active && p.code !== Cmd.CHLNG) {
      return this.reply(p, Reply.NAK, [NakCode.SC_CONDITIONS], false);
    }
    this.log.push({ code: p.code, data, secure: secureType >= 0x15 });
    if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
    const [code, payload, scb] = this.answer(p, data);
    return this.reply(p, code, payload, this.sc.active && scb === undefined, scb);
  }

  private answer(p: DecodedPacket, data: Uint8Array): [number, Uint8Array | number[], { type: number; data: Uint8Array }?] {
    const cmd = decodeCommand(p.code, data);
    switch (cmd.kind) {
      case "poll":
        return this.pollReply();
      case "id":
        return [Reply.PDID, encodePdId({ vendor: "0a0b0c", model: 7, version: 2, serial: 0x12345678, firmware: "3.2.1" })];
      case "cap":
        return [Reply.PDCAP, encodePdCap([
          { function: 1, compliance: 1, items: this.inputs.length },
          { function: 2, compliance: 1, items: this.outputs.length },
          { function: 8, compliance: 1, items: 0 },
          { function: 9, compliance: 1, items: 0 },
        ])];
      case "lstat":
        return [Reply.LSTATR, [this.tamper ? 1 : 0, this.powerFailure ? 1 : 0]];
      case "istat":
        this.inputsChanged = false;
        return [Reply.ISTATR, encodeFlags(this.inputs)];
      case "ostat":
        return [Reply.OSTATR, encodeFlags(this.outputs.map((_, n) => this.output(n)))];
      case "out":
        for (const r of cmd.records) {
          if (r.output >= this.outputs.length) return [Reply.NAK, [NakCode.RECORD]];
          this.outputs[r.output] = r.control === OutputControl.PERMANENT_ON || r.control === OutputControl.TEMPORARY_ON;
          if (r.control === OutputControl.TEMPORARY_ON) this.pulseEnds.set(r.output, (this.opts.now ?? Date.now)() + r.timer100ms * 100);
          else this.pulseEnds.delete(r.output);
        }
        return [Reply.ACK, []];
      case "led":
      case "buzzer":
        return [Reply.ACK, []];
      case "chlng": {
        const selector = p.scb?.data[0] ?? 1;
        const key = selector === 0 ? (this.installMode ? SCBK_D : null) : (this.scbk ?? null);
        if (!key) return [Reply.NAK, [NakCode.SC_CONDITIONS]];
        this.keyInUse = key;
        const { rndB, cryptogram } = this.sc.challenge(key, cmd.rndA);
        return [Reply.CCRYPT, Buffer.concat([Buffer.from("CUID0001"), rndB, cryptogram]), { type: 0x12, data: Uint8Array.of(selector) }];
      }
      case "scrypt": {
        const rmacI = this.keyInUse ? this.sc.confirm(cmd.cryptogram) : null;
        if (!rmacI) return [Reply.NAK, [NakCode.SC_CONDITIONS]];
        return [Reply.RMAC_I, rmacI, { type: 0x14, data: Uint8Array.of(0x01) }];
      }
      case "keyset":
        if (!p.mac || cmd.key.length !== 16) return [Reply.NAK, [NakCode.SC_CONDITIONS]];
        this.scbk = cmd.key;
        this.installMode = false;
        return [Reply.ACK, []];
      default:
        return [Reply.NAK, [NakCode.UNKNOWN_COMMAND]];
    }
  }

  private pollReply(): [number, Uint8Array | number[]] {
    const card = this.cards.shift();
    if (card) return [Reply.RAW, encodeRaw(card)];
    if (this.inputsChanged) {
      this.inputsChanged = false;
      return [Reply.ISTATR, encodeFlags(this.inputs)];
    }
    return [Reply.ACK, []];
  }

  private reply(p: DecodedPacket, code: number, payload: Uint8Array | number[], secure: boolean, scb?: { type: number; data: Uint8Array }): Buffer {
    const base = { address: this.opts.address, reply: true, sqn: p.sqn, useCrc: this.opts.useCrc ?? true, code };
    let frame: Buffer;
    if (secure) {
      const plain = Uint8Array.from(payload);
      const data = plain.length ? this.sc.encryptReply(plain) : plain;
      frame = encodePacket({ ...base, data, scb: { type: plain.length ? 0x18 : 0x16, data: new Uint8Array(0) } }, { mac: (input) => this.sc.signReply(input) });
    } else {
      frame = encodePacket({ ...base, data: Uint8Array.from(payload), scb });
    }
    this.lastReply = frame;
    return frame;
  }
}
