import { describe, expect, it } from "vitest";
import { CAPTURE, hex } from "../../test/osdp/fixtures.js";
import { PdSimulator } from "./sim/pd-simulator.js";
import { Cmd, encodeBuzzer, encodeOut, OutputControl } from "./commands.js";
import { FrameReader } from "./frame-reader.js";
import { PdSession, type PdSessionConfig, type SessionUpdate } from "./pd-session.js";
import { encodeWiegand } from "./wiegand.js";

const KEY = Uint8Array.from(hex("00112233445566778899aabbccddeeff"));
let counter = 0;
const config = (over: Partial<PdSessionConfig> = {}): PdSessionConfig => ({
  address: 0x65,
  useCrc: true,
  secure: false,
  scbk: null,
  installMode: false,
  retries: 2,
  offlineAfterMs: 8000,
  pollIntervalMs: 100,
  offlineRetryMs: 1000,
  queryStatusOnConnect: true,
  random: (n) => Uint8Array.from({ length: n }, () => counter++ & 0xff),
  ...over,
});

/** Session and simulator joined in memory; `now` is the fake monotonic time. */
function wire(session: PdSession, sim: PdSimulator) {
  const reader = new FrameReader((p) => p.reply);
  const all: SessionUpdate[] = [];
  let now = 0;
  let drop = 0;
  const step = (): SessionUpdate[] => {
    now = Math.max(now, session.dueAt());
    const { frame, updates } = session.nextRequest(now);
    const out = [...updates];
    let replies = sim.receive(frame!);
    if (drop > 0 && replies.length) {
      drop--;
      replies = [];
    }
    now += 20;
    for (const p of replies.flatMap((r) => reader.push(r))) {
      const u = session.onPacket(p, now);
      if (u) {
        out.push(...u);
        all.push(...out);
        return out;
      }
    }
    now += 180;
    out.push(...session.onTimeout(now));
    all.push(...out);
    return out;
  };
  return {
    step,
    all,
    get now() {
      return now;
    },
    set now(v: number) {
      now = v;
    },
    dropNextReplies: (n: number) => (drop = n),
    until(pred: (u: SessionUpdate[]) => boolean, max = 50): SessionUpdate[] {
      for (let i = 0; i < max; i++) if (pred(step())) return all;
      throw new Error(`condition not reached; updates: ${JSON.stringify(all.map((u) => u.kind))}`);
    },
  };
}
const has = (kind: SessionUpdate["kind"]) => (u: SessionUpdate[]) => u.some((x) => x.kind === kind);

describe("PdSession against the captured libosdp exchange", () => {
  it("sends ID, CAP, POLL, OUT, BUZ byte for byte with SQN 0,1,2,3,1", () => {
    const s = new PdSession(config({ queryStatusOnConnect: false }));
    const reader = new FrameReader();
    const answer = (line: string, now: number) => s.onPacket(reader.push(hex(line))[0]!, now)!;
    expect(s.nextRequest(0).frame).toEqual(hex(CAPTURE.id.cp));
    expect(answer(CAPTURE.pdid.pd, 10)).toEqual([expect.objectContaining({ kind: "reply", reply: expect.objectContaining({ kind: "pdid" }) })]);
    expect(s.nextRequest(20).frame).toEqual(hex(CAPTURE.cap.cp));
    expect(answer(CAPTURE.pdcap.pd, 30).map((u) => u.kind)).toEqual(["reply", "online"]);
    expect(s.nextRequest(200).frame).toEqual(hex(CAPTURE.poll.cp));
    expect(answer(CAPTURE.ack.pd, 210)).toEqual([]);
    s.enqueue({ tag: 1, code: Cmd.OUT, data: encodeOut([{ output: 0, control: OutputControl.PERMANENT_ON, timer100ms: 0 }]), deadline: 10_000 });
    s.enqueue({ tag: 2, code: Cmd.BUZ, data: encodeBuzzer({ reader: 0, tone: 2, onTime: 1, offTime: 1, count: 1 }), deadline: 10_000 });
    expect(s.dueAt()).toBeLessThanOrEqual(220);
    expect(s.nextRequest(220).frame).toEqual(hex(CAPTURE.out.cp));
    const ackOut = reader.push(hex("53 e5 08 00 07 40"))[0]; // incomplete: no CRC yet
    expect(ackOut).toBeUndefined();
    reader.reset();
    expect(s.onTimeout(420)).toEqual([]); // first attempt lost; same frame again
    expect(s.nextRequest(420).frame).toEqual(hex(CAPTURE.out.cp));
    s.onTimeout(620);
    s.nextRequest(620);
    const gaveUp = s.onTimeout(820);
    expect(gaveUp).toContainEqual(expect.objectContaining({ kind: "result", tag: 1, outcome: expect.objectContaining({ ok: false, code: "timeout" }) }));
  });
});

describe("PdSession with a simulated PD", () => {
  it("connects: ID, CAP, LSTAT, ISTAT, OSTAT, then POLL; reports a card read", () => {
    const sim = new PdSimulator({ address: 0x65 });
    const w = wire(new PdSession(config()), sim);
    w.until(has("online"));
    expect(sim.log.map((c) => c.code)).toEqual([Cmd.ID, Cmd.CAP, Cmd.LSTAT, Cmd.ISTAT, Cmd.OSTAT]);
    const card = encodeWiegand("wiegand26", 12, 3456);
    sim.queueCard({ reader: 0, format: "wiegand", ...card });
    const got = w.until(has("reply"));
    expect(got.at(-1)).toEqual({ kind: "reply", reply: { kind: "raw", card: { reader: 0, format: "wiegand", ...card } } });
    expect(sim.log.at(-1)!.code).toBe(Cmd.POLL);
  });

  it("talks in checksum mode (CTRL bit 2 clear) when CRC is off, secure channel included", () => {
    const sim = new PdSimulator({ address: 4, useCrc: false, scbk: KEY });
    const s = new PdSession(config({ address: 4, useCrc: false, secure: true, scbk: KEY }));
    const w = wire(s, sim);
    const first = s.nextRequest(0).frame!;
    expect(first[5]! & 0x04).toBe(0); // CTRL after the mark byte
    expect(first.readUInt16LE(3)).toBe(first.length - 1); // LEN counts SOM through the 1-byte checksum
    sim.receive(first);
    w.until(has("online"));
    expect(s.isSecure).toBe(true);
  });

  it("runs the secure channel with the SCBK; commands and replies are MACed and encrypted", () => {
    const sim = new PdSimulator({ address: 3, scbk: KEY });
    const s = new PdSession(config({ address: 3, secure: true, scbk: KEY }));
    const w = wire(s, sim);
    w.until(has("online"));
    expect(w.all).toContainEqual({ kind: "secure", defaultKey: false });
    expect(s.isSecure && sim.secureActive).toBe(true);
    s.enqueue({ tag: 7, code: Cmd.OUT, data: encodeOut([{ output: 0, control: OutputControl.TEMPORARY_ON, timer100ms: 30 }]), deadline: w.now + 5000 });
    const done = w.until(has("result"));
    expect(done.at(-1)).toEqual({ kind: "result", tag: 7, outcome: { ok: true, reply: { kind: "ack" } } });
    expect(sim.outputs[0]).toBe(true);
    expect(sim.log.at(-1)).toMatchObject({ code: Cmd.OUT, secure: true });
    sim.queueCard({ reader: 0, format: "wiegand", ...encodeWiegand("wiegand34", 4242, 777) });
    expect(w.until(has("reply")).at(-1)).toMatchObject({ reply: { kind: "raw", card: { bits: 34 } } });
  });

  it("install mode: SCBK refused, SCBK-D accepted, the SCBK handed over with KEYSET, then reconnects with it", () => {
    const sim = new PdSimulator({ address: 9, installMode: true });
    const w = wire(new PdSession(config({ address: 9, secure: true, scbk: KEY, installMode: true })), sim);
    w.until(has("online"));
    const kinds = w.all.filter((u) => u.kind === "secure" || u.kind === "keyset" || u.kind === "online");
    expect(kinds).toEqual([{ kind: "secure", defaultKey: true }, { kind: "keyset" }, { kind: "secure", defaultKey: false }, { kind: "online" }]);
    expect(Buffer.from(sim.scbk!)).toEqual(Buffer.from(KEY));
    expect(sim.installMode).toBe(false);
  });

  it("a wrong SCBK outside install mode never comes online", () => {
    const sim = new PdSimulator({ address: 9, scbk: Uint8Array.from(hex("ff".repeat(16))) });
    const w = wire(new PdSession(config({ address: 9, secure: true, scbk: KEY })), sim);
    for (let i = 0; i < 10; i++) w.step();
    expect(w.all.some((u) => u.kind === "online")).toBe(false);
    expect(w.all).toContainEqual({ kind: "problem", message: expect.stringContaining("secure channel failed") });
  });

  it("a lost reply is repeated by the PD for the same SQN, and the command runs once", () => {
    const sim = new PdSimulator({ address: 0x65 });
    const s = new PdSession(config());
    const w = wire(s, sim);
    w.until(has("online"));
    s.enqueue({ tag: 1, code: Cmd.OUT, data: encodeOut([{ output: 0, control: OutputControl.PERMANENT_ON, timer100ms: 0 }]), deadline: w.now + 5000 });
    w.dropNextReplies(1);
    w.until(has("result"));
    expect(w.all.at(-1)).toMatchObject({ kind: "result", tag: 1, outcome: { ok: true } });
    expect(sim.log.filter((c) => c.code === Cmd.OUT)).toHaveLength(1);
  });

  it("goes offline 8 s after the last valid reply, fails queued commands, and comes back", () => {
    const sim = new PdSimulator({ address: 0x65, scbk: KEY });
    const s = new PdSession(config({ secure: true, scbk: KEY }));
    const w = wire(s, sim);
    w.until(has("online"));
    const lastReply = w.now;
    sim.mute = true;
    s.enqueue({ tag: 5, code: Cmd.LED, data: new Uint8Array(14), deadline: w.now + 60_000 });
    const off = w.until(has("offline"), 200);
    expect(w.now - lastReply).toBeGreaterThanOrEqual(8000);
    expect(w.now - lastReply).toBeLessThan(9000);
    expect(off).toContainEqual(expect.objectContaining({ kind: "result", tag: 5, outcome: expect.objectContaining({ ok: false }) }));
    expect(s.isOnline).toBe(false);
    // Offline PDs are probed with one ID every offlineRetryMs.
    const t = w.now;
    w.step();
    expect(s.dueAt()).toBe(w.now - 200 + 1000);
    sim.mute = false;
    w.until(has("online"), 20);
    expect(w.now - t).toBeLessThan(3000);
    expect(s.isSecure).toBe(true);
  });

  it("never sends a command after its deadline", () => {
    const sim = new PdSimulator({ address: 0x65 });
    const s = new PdSession(config());
    const w = wire(s, sim);
    w.until(has("online"));
    s.enqueue({ tag: 3, code: Cmd.OUT, data: encodeOut([{ output: 0, control: 2, timer100ms: 0 }]), deadline: w.now - 1 });
    expect(w.step()).toContainEqual({ kind: "result", tag: 3, outcome: { ok: false, code: "timeout", message: expect.any(String) } });
    expect(sim.log.some((c) => c.code === Cmd.OUT)).toBe(false);
  });

  it("resynchronises after a NAK for the sequence number and retries the command once", () => {
    const sim = new PdSimulator({ address: 0x65 });
    const s = new PdSession(config());
    const w = wire(s, sim);
    w.until(has("online"));
    // Make the PD believe it saw one more message than the CP sent: the next SQN is unexpected.
    const pd = sim as unknown as { lastSqn: number };
    const next = (q: number) => (q === 3 ? 1 : q + 1);
    pd.lastSqn = next(next(pd.lastSqn));
    s.enqueue({ tag: 4, code: Cmd.OUT, data: encodeOut([{ output: 0, control: 2, timer100ms: 0 }]), deadline: w.now + 5000 });
    w.until(has("result"));
    expect(w.all.find((u) => u.kind === "result")).toMatchObject({ kind: "result", tag: 4, outcome: { ok: true } });
    expect(w.all).toContainEqual({ kind: "problem", message: expect.stringContaining("NAK 4") });
  });
});
