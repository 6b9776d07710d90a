import { Cmd, encodeKeyset } from "./commands.js";
import { encodePacket, type DecodedPacket, type Packet } from "./frame.js";
import { decodeReply, NakCode, nakText, Reply, type DecodedReply } from "./replies.js";
import { CpHandshake, SecureSession } from "./secure-session.js";
import type { CommandOutcome, PdSessionConfig, QueuedCommand, SessionUpdate } from "./session-types.js";

export type { CommandOutcome, PdSessionConfig, QueuedCommand, SessionUpdate } from "./session-types.js";

/**
 * Pure per-PD state of the control panel: sequence numbers (0 after a reset, then 1,2,3,1…),
 * reply matching, retries, the connect sequence (ID, CAP, secure channel, optional KEYSET,
 * LSTAT/ISTAT/OSTAT), online/offline after a silence, and whether to send a queued command or
 * a POLL next. Time is passed in (monotonic ms), nothing here does I/O or starts timers.
 */
/** Connect sequence steps; "secure" is the whole handshake (CHLNG then SCRYPT). */
type Step = "id" | "cap" | "secure" | "keyset" | "lstat" | "istat" | "ostat";
type Exchange = Exclude<Step, "secure"> | "chlng" | "scrypt" | "poll" | "app";
interface InFlight {
  step: Exchange;
  sqn: number;
  frame: Buffer;
  attempts: number;
  command?: QueuedCommand;
}

const PLAIN: Record<Exclude<Exchange, "app" | "chlng" | "scrypt" | "keyset">, { code: number; data: number[] }> = {
  id: { code: Cmd.ID, data: [0] },
  cap: { code: Cmd.CAP, data: [0] },
  lstat: { code: Cmd.LSTAT, data: [] },
  istat: { code: Cmd.ISTAT, data: [] },
  ostat: { code: Cmd.OSTAT, data: [] },
  poll: { code: Cmd.POLL, data: [] },
};

export class PdSession {
  private sqn = 0;
  private online = false;
  private steps: Step[] = [];
  private inFlight: InFlight | null = null;
  private queue: QueuedCommand[] = [];
  private handshake: CpHandshake | null = null;
  private session: SecureSession | null = null;
  private lastReplyAt = -Infinity;
  private lastSentAt = -Infinity;
  /** A BUSY PD is asked again only after a poll interval. */
  private retryAt = -Infinity;
  private updates: SessionUpdate[] = [];

  constructor(readonly cfg: PdSessionConfig) {
    this.restartConnect();
  }

  get isOnline(): boolean {
    return this.online;
  }

  get isSecure(): boolean {
    return this.session !== null;
  }

  enqueue(cmd: QueuedCommand): void {
    this.queue.push(cmd);
  }

  /** The line is gone (port closed, adapter unplugged): offline now, reconnect from scratch later. */
  disconnect(reason: string): SessionUpdate[] {
    this.goOffline(reason);
    return this.flush();
  }

  /** Monotonic time at which this PD wants the bus next (≤ now: right away). */
  dueAt(): number {
    if (this.inFlight) return Math.max(this.lastSentAt, this.retryAt);
    if (!this.online && this.steps[0] === "id") return this.lastSentAt + this.cfg.offlineRetryMs;
    if (this.steps.length > 0 || this.queue.length > 0) return this.lastSentAt;
    return this.lastSentAt + this.cfg.pollIntervalMs;
  }

  /** The bytes to transmit now (a retry resends the same frame), plus any news (expired commands, offline). */
  nextRequest(now: number): { frame: Buffer | null; updates: SessionUpdate[] } {
    this.checkSilence(now);
    this.dropExpired(now);
    const late = this.inFlight?.command;
    if (late && late.deadline <= now) {
      // A repeat after the deadline would act late; drop it and resynchronise the sequence.
      this.finish(this.inFlight!, { ok: false, code: "timeout", message: "deadline passed while retrying" });
      this.resetLink("command abandoned at its deadline");
    }
    this.inFlight ??= this.build();
    this.inFlight.attempts++;
    this.lastSentAt = now;
    return { frame: this.inFlight.frame, updates: this.flush() };
  }

  /** No matching reply within the reply timeout. */
  onTimeout(now: number): SessionUpdate[] {
    const f = this.inFlight;
    if (f) {
      // Probing an offline PD is one attempt at a time; a connected one gets `retries` repeats.
      const maxAttempts = this.online || f.step !== "id" ? 1 + this.cfg.retries : 1;
      if (f.attempts >= maxAttempts) this.giveUp(f, "no reply");
    }
    this.checkSilence(now);
    return this.flush();
  }

  /**
   * Offers a packet from the line. Returns null when it does not answer the request in flight
   * (other address, other SQN, not a reply): keep listening. Otherwise the exchange is over.
   */
  onPacket(p: DecodedPacket, now: number): SessionUpdate[] | null {
    const f = this.inFlight;
    if (!f || !p.reply || p.address !== this.cfg.address || p.sqn !== f.sqn) return null;
    let data = p.data;
    // A PD answers secure-channel errors with a plain NAK.
    if (this.session && !(p.scb === undefined && p.code === Reply.NAK)) {
      const u = this.session.unwrapReply(p);
      if (!u.ok) {
        this.resetLink(`secure channel: ${u.reason}`);
        this.finish(f, { ok: false, code: "device", message: u.reason });
        return this.flush();
      }
      data = u.data;
    }
    this.inFlight = null;
    this.lastReplyAt = now;
    this.sqn = f.sqn === 3 ? 1 : f.sqn + 1;
    const reply = decodeReply(p.code, data);
    if (reply.kind === "busy") {
      this.inFlight = { ...f, attempts: 0 }; // the PD did not take it: repeat the same frame later
      this.sqn = f.sqn;
      this.retryAt = now + this.cfg.pollIntervalMs;
    } else if (reply.kind === "nak") this.onNak(f, reply.code);
    else this.onReply(f, reply);
    return this.flush();
  }

  private build(): InFlight {
    const step = this.steps[0];
    if (step === undefined) {
      const cmd = this.queue.shift();
      return cmd ? this.frame("app", cmd.code, cmd.data, undefined, cmd) : this.frame("poll", Cmd.POLL, new Uint8Array(0));
    }
    if (step === "secure") {
      this.handshake ??= CpHandshake.forKey(this.cfg.scbk, this.cfg.random(8));
      const c = this.handshake.challenge();
      return this.frame("chlng", Cmd.CHLNG, c.data, c.scb);
    }
    if (step === "keyset") return this.frame("keyset", Cmd.KEYSET, encodeKeyset(this.cfg.scbk!));
    return this.frame(step, PLAIN[step].code, Uint8Array.from(PLAIN[step].data));
  }

  private frame(step: Exchange, code: number, data: Uint8Array, scb?: Packet["scb"], command?: QueuedCommand): InFlight {
    const p = { address: this.cfg.address, reply: false, sqn: this.sqn, useCrc: this.cfg.useCrc, code, data };
    const frame = this.session ? this.session.wrapCommand(p, true) : encodePacket({ ...p, scb }, { mark: true });
    return command ? { step, sqn: this.sqn, frame, attempts: 0, command } : { step, sqn: this.sqn, frame, attempts: 0 };
  }

  private onReply(f: InFlight, reply: DecodedReply): void {
    if (reply.kind === "invalid") this.updates.push({ kind: "problem", message: `bad reply 0x${reply.code.toString(16)}: ${reply.reason}` });
    switch (f.step) {
      case "chlng":
        return this.onCcrypt(reply);
      case "scrypt":
        return this.onRmacI(reply);
      case "keyset":
        this.updates.push({ kind: "keyset" });
        this.session = null;
        this.handshake = null;
        this.steps[0] = "secure"; // reconnect with the key just stored
        return;
      case "app":
        this.finish(f, { ok: true, reply });
        break;
    }
    if (reply.kind !== "ack" && reply.kind !== "invalid") this.updates.push({ kind: "reply", reply });
    if (f.step !== "app" && f.step !== "poll") this.stepDone();
  }

  private onCcrypt(reply: DecodedReply): void {
    const hs = this.handshake;
    if (!hs || reply.kind !== "ccrypt") return this.secureFailed(`expected CCRYPT, got ${reply.kind}`);
    const next = hs.onCcrypt(reply.rndB, reply.cryptogram);
    if ("error" in next) return this.secureFailed(next.error);
    const p = { address: this.cfg.address, reply: false, sqn: this.sqn, useCrc: this.cfg.useCrc, code: Cmd.SCRYPT, data: next.data, scb: next.scb };
    this.inFlight = { step: "scrypt", sqn: this.sqn, frame: encodePacket(p, { mark: true }), attempts: 0 };
  }

  private onRmacI(reply: DecodedReply): void {
    const hs = this.handshake;
    if (!hs || reply.kind !== "rmac_i") return this.secureFailed(`expected RMAC_I, got ${reply.kind}`);
    const s = hs.onRmacI(reply.rmac);
    if ("error" in s) return this.secureFailed(s.error);
    this.session = s;
    this.handshake = null;
    this.steps.shift();
    this.updates.push({ kind: "secure", defaultKey: hs.usesDefaultKey });
    if (hs.usesDefaultKey && this.cfg.scbk) this.steps.unshift("keyset");
    this.maybeOnline();
  }

  private secureFailed(reason: string): void {
    const hs = this.handshake;
    this.handshake = null;
    if (hs && !hs.usesDefaultKey && this.cfg.installMode) {
      // A PD in install mode only knows SCBK-D; retry with it and hand over the SCBK after.
      this.handshake = CpHandshake.forKey(null, this.cfg.random(8));
      return;
    }
    this.failConnect(`secure channel failed: ${reason}`);
  }

  private onNak(f: InFlight, code: number): void {
    const text = `NAK ${code} (${nakText(code)}) to ${f.step}`;
    if (code === NakCode.SEQUENCE || ((code === NakCode.SC_CONDITIONS || code === NakCode.SC_UNSUPPORTED) && this.session)) {
      // Out of step with the PD: restart the sequence (and the secure channel) and try the command once more.
      this.resetLink(text);
      if (f.command && !f.command.requeued) this.queue.unshift({ ...f.command, requeued: true });
      else this.finish(f, { ok: false, code: "device", message: text });
      return;
    }
    if (f.step === "chlng" || f.step === "scrypt") return this.secureFailed(text);
    if (f.step === "keyset") return this.failConnect(`PD refused the SCBK: ${text}`);
    if (f.step === "app") return this.finish(f, { ok: false, code: "device", message: text });
    if (f.step !== "poll") this.stepDone(); // a PD without inputs/outputs may NAK LSTAT/ISTAT/OSTAT or CAP
  }

  private stepDone(): void {
    this.steps.shift();
    this.maybeOnline();
  }

  private maybeOnline(): void {
    if (this.steps.length > 0 || this.online) return;
    this.online = true;
    this.updates.push({ kind: "online" });
  }

  private giveUp(f: InFlight, why: string): void {
    this.inFlight = null;
    this.finish(f, { ok: false, code: "timeout", message: `${why} from PD ${this.cfg.address} after ${f.attempts} attempt(s)` });
    if (!this.online) this.restartConnect();
    else this.resetLink(`${why} to ${f.step}`);
  }

  private finish(f: InFlight, outcome: CommandOutcome): void {
    if (this.inFlight === f) this.inFlight = null;
    if (f.command) this.updates.push({ kind: "result", tag: f.command.tag, outcome });
  }

  /** Resynchronise with a connected PD: SQN 0 again, and a fresh secure channel if we had one. */
  private resetLink(reason: string): void {
    this.sqn = 0;
    this.updates.push({ kind: "problem", message: reason });
    this.handshake = null;
    if (this.session || this.steps[0] === "keyset") {
      this.session = null;
      this.steps = ["secure", ...this.steps.filter((s) => s !== "secure" && s !== "keyset")];
    }
  }

  private failConnect(reason: string): void {
    this.updates.push({ kind: "problem", message: reason });
    this.goOffline(reason);
  }

  private checkSilence(now: number): void {
    if (this.online && now - this.lastReplyAt >= this.cfg.offlineAfterMs) this.goOffline(`no valid reply for ${this.cfg.offlineAfterMs} ms`);
  }

  private goOffline(reason: string): void {
    const f = this.inFlight;
    this.inFlight = null;
    if (f) this.finish(f, { ok: false, code: "offline", message: reason });
    for (const cmd of this.queue.splice(0)) this.updates.push({ kind: "result", tag: cmd.tag, outcome: { ok: false, code: "offline", message: reason } });
    if (this.online) this.updates.push({ kind: "offline", reason });
    this.online = false;
    this.restartConnect();
  }

  private restartConnect(): void {
    this.sqn = 0;
    this.session = null;
    this.handshake = null;
    const secure: Step[] = this.cfg.secure ? ["secure"] : [];
    const status: Step[] = this.cfg.queryStatusOnConnect ? ["lstat", "istat", "ostat"] : [];
    this.steps = ["id", "cap", ...secure, ...status];
  }

  private dropExpired(now: number): void {
    this.queue = this.queue.filter((c) => {
      if (c.deadline > now) return true;
      this.updates.push({ kind: "result", tag: c.tag, outcome: { ok: false, code: "timeout", message: "deadline passed before the command was sent" } });
      return false;
    });
  }

  private flush(): SessionUpdate[] {
    const u = this.updates;
    this.updates = [];
    return u;
  }
}
