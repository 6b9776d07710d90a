import { describe, expect, it } from "vitest";
import { contactOpen, hardwarePulse, lockCommandValues, lockOutputLocked, lockSignalFor } from "../../src/actions/point-values.js";
import { parseAction } from "./actions.js";
import { Cmd, decodeCommand, OutputControl } from "./commands.js";
import { OsdpOptions, osdpCapabilities } from "./definition.js";
import { PdView } from "./pd-view.js";
import { encodeWiegand } from "./wiegand.js";

const opts = OsdpOptions.parse({
  pds: [
    { address: 1, name: "cell-1", scbk: "00112233445566778899aabbccddeeff", inputs: [{ number: 0, name: "door_contact", kind: "door_contact", invert: true }], outputs: [{ number: 0, name: "strike", kind: "strike", pulseMs: 4000 }], readers: [{ id: "cell-1-in" }] },
    { address: 2, name: "entry" },
  ],
});
const single = OsdpOptions.parse({ pds: [{ address: 5, name: "gate" }] });
const ok = (r: ReturnType<typeof parseAction>) => {
  if (!r.ok) throw new Error(r.message);
  return r.action;
};

describe("osdp options", () => {
  it("fills defaults and turns the secure channel on with a key", () => {
    expect(opts).toMatchObject({ pollIntervalMs: 100, replyTimeoutMs: 200, retries: 2, offlineAfterMs: 8000 });
    expect(opts.pds[0]).toMatchObject({ secure: true, crc: true, installMode: false });
    expect(opts.pds[1]).toMatchObject({ secure: false });
  });

  it("rejects duplicate addresses, a malformed key and secure without a key", () => {
    expect(OsdpOptions.safeParse({ pds: [{ address: 1, name: "a" }, { address: 1, name: "b" }] }).success).toBe(false);
    expect(OsdpOptions.safeParse({ pds: [{ address: 1, name: "a", scbk: "abc" }] }).success).toBe(false);
    expect(OsdpOptions.safeParse({ pds: [{ address: 1, name: "a", secure: true }] }).success).toBe(false);
    expect(OsdpOptions.safeParse({ pds: [{ address: 127, name: "a" }] }).success).toBe(false);
    expect(OsdpOptions.safeParse({ pds: [{ address: 1, name: "a", scbk: { env: "OSDP_KEY" } }] }).success).toBe(true);
  });

  it("exposes per-PD points and the card events", () => {
    const names = osdpCapabilities(opts).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["cell-1.online", "cell-1.door_contact", "cell-1.strike", "cell-1.led", "entry.buzzer", "card_read", "tamper"]));
    expect(osdpCapabilities(opts).find((c) => c.name === "cell-1.strike")).toMatchObject({ kind: "enum", values: ["off", "on", "pulse"] });
  });
});

describe("osdp command values", () => {
  it("pulses a named strike for ms, rounded up to 100 ms ticks", () => {
    const a = ok(parseAction({ output: "cell-1.strike", action: "pulse", ms: 2950 }, opts));
    expect(a.pd.address).toBe(1);
    expect(decodeCommand(Cmd.OUT, a.data)).toEqual({ kind: "out", records: [{ output: 0, control: OutputControl.TEMPORARY_ON, timer100ms: 30 }] });
    expect(a.state).toEqual({ "cell-1.strike": "on" });
    expect(a.refreshAfterMs).toBe(3050);
    const byDefault = ok(parseAction({ output: "strike", pd: "cell-1", action: "pulse" }, opts));
    expect(decodeCommand(Cmd.OUT, byDefault.data)).toMatchObject({ records: [{ timer100ms: 40 }] });
  });

  it("switches outputs by number, name or set style", () => {
    expect(decodeCommand(Cmd.OUT, ok(parseAction({ output: 0, action: "on" }, single)).data)).toMatchObject({ records: [{ output: 0, control: OutputControl.PERMANENT_ON }] });
    expect(ok(parseAction({ "cell-1.strike": false }, opts)).state).toEqual({ "cell-1.strike": "off" });
    expect(ok(parseAction({ "cell-1.strike": "on" }, opts)).state).toEqual({ "cell-1.strike": "on" });
    expect(ok(parseAction({ output: "output3", pd: 2, action: "off" }, opts)).state).toEqual({ "entry.output3": "off" });
  });

  it("takes the door controller's hardware pulse: { point: 'pulse', ms }", () => {
    const a = ok(parseAction({ "cell-1.strike": "pulse", ms: 7000 }, opts));
    expect(decodeCommand(Cmd.OUT, a.data)).toEqual({ kind: "out", records: [{ output: 0, control: OutputControl.TEMPORARY_ON, timer100ms: 70 }] });
    expect(parseAction({ "cell-1.strike": "pulse", "entry.output0": "on" }, opts)).toMatchObject({ ok: false });
  });

  it("drives the LED and buzzer", () => {
    const led = decodeCommand(Cmd.LED, ok(parseAction({ "cell-1.led": "green" }, opts)).data);
    expect(led).toMatchObject({ records: [{ reader: 0, led: 0, temporary: { control: 0 }, permanent: { control: 1, onTime: 1, offTime: 0, onColor: 2 } }] });
    const flash = decodeCommand(Cmd.LED, ok(parseAction({ led: "red", flash: true, ms: 1000 }, single)).data);
    expect(flash).toMatchObject({ records: [{ temporary: { control: 2, onTime: 5, offTime: 5, onColor: 1, timer100ms: 10 }, permanent: { control: 0 } }] });
    expect(decodeCommand(Cmd.BUZ, ok(parseAction({ buzzer: "beep", ms: 300, count: 2 }, single)).data)).toEqual({ kind: "buzzer", record: { reader: 0, tone: 2, onTime: 3, offTime: 3, count: 2 } });
    expect(decodeCommand(Cmd.BUZ, ok(parseAction({ "gate.buzzer": "off" }, single)).data)).toMatchObject({ record: { tone: 1 } });
  });

  it("says what is wrong", () => {
    expect(parseAction({ output: 0, action: "on" }, opts)).toEqual({ ok: false, message: expect.stringContaining("say which with pd") });
    expect(parseAction({ output: "cell-1.nope", action: "on" }, opts)).toMatchObject({ ok: false, message: expect.stringContaining("no output") });
    expect(parseAction({ output: 0, action: "open" }, single)).toMatchObject({ ok: false });
    expect(parseAction({ led: "purple" }, single)).toMatchObject({ ok: false });
    expect(parseAction({ lock: "UNLOCK" }, single)).toMatchObject({ ok: false });
    expect(parseAction({ output: 0, action: "on", pd: "ghost" }, opts)).toMatchObject({ ok: false, message: expect.stringContaining("ghost") });
  });
});

describe("osdp PD view", () => {
  it("publishes inputs (inverted where configured) and outputs by point name, changes only", () => {
    const v = new PdView(opts.pds[0]!);
    expect(v.fromReply({ kind: "istatr", inputs: [false, true] })).toEqual([{ type: "state", values: { "cell-1.door_contact": true, "cell-1.input1": true } }]);
    expect(v.fromReply({ kind: "istatr", inputs: [false, true] })).toEqual([]);
    expect(v.fromReply({ kind: "ostatr", outputs: [true] })).toEqual([{ type: "state", values: { "cell-1.strike": "on" } }]);
  });

  it("turns tamper into state plus an event on each change", () => {
    const v = new PdView(opts.pds[0]!);
    expect(v.fromReply({ kind: "lstatr", tamper: false, powerFailure: false })).toEqual([{ type: "state", values: { "cell-1.tamper": false, "cell-1.power_failure": false } }]);
    const t = v.fromReply({ kind: "lstatr", tamper: true, powerFailure: false });
    expect(t).toContainEqual({ type: "event", name: "tamper", data: { pd: "cell-1", value: "active" } });
  });

  it("decodes card reads into facility and card number", () => {
    const v = new PdView(opts.pds[0]!);
    const card = encodeWiegand("wiegand26", 200, 51234);
    const [m] = v.fromReply({ kind: "raw", card: { reader: 0, format: "wiegand", ...card } });
    expect(m).toEqual({
      type: "event",
      name: "card_read",
      data: { pd: "cell-1", address: 1, reader: 0, readerId: "cell-1-in", format: "wiegand", bits: 26, data: Buffer.from(card.data).toString("hex"), value: "wiegand26", wiegand: "wiegand26", facility: 200, card: 51234, parityOk: true },
    });
    const [raw] = v.fromReply({ kind: "raw", card: { reader: 1, format: "unspecified", bits: 40, data: new Uint8Array(5) } });
    expect(raw).toMatchObject({ data: { value: "raw", bits: 40, readerId: undefined } });
  });
});

describe("osdp points as the door controller drives them", () => {
  const strike = osdpCapabilities(opts).find((c) => c.name === "cell-1.strike");

  it("a fail-secure door's strike gets device-timed pulses, unlock and lock", () => {
    const signal = lockSignalFor("auto", "secure", strike);
    expect(hardwarePulse(signal)).toBe(true);
    const open = ok(parseAction(lockCommandValues("cell-1.strike", "open", signal, 5000), opts));
    expect(decodeCommand(Cmd.OUT, open.data)).toMatchObject({ records: [{ output: 0, control: OutputControl.TEMPORARY_ON, timer100ms: 50 }] });
    expect(ok(parseAction(lockCommandValues("cell-1.strike", "unlock", signal, 5000), opts)).state).toEqual({ "cell-1.strike": "on" });
    expect(ok(parseAction(lockCommandValues("cell-1.strike", "lock", signal, 5000), opts)).state).toEqual({ "cell-1.strike": "off" });
    expect(lockOutputLocked("off", signal)).toBe(true);
    expect(lockOutputLocked("on", signal)).toBe(false);
  });

  it("reads the door contact and exit button state", () => {
    const v = new PdView(OsdpOptions.parse({ pds: [{ address: 1, name: "d", inputs: [{ number: 0, name: "door_contact", kind: "door_contact" }] }] }).pds[0]!);
    const [m] = v.fromReply({ kind: "istatr", inputs: [true] });
    expect(m?.type === "state" && contactOpen(m.values["d.door_contact"], "open")).toBe(true);
  });
});
