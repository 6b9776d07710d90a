import { describe, expect, it } from "vitest";
import { parseCard } from "../../devices/hid-badge/card-format.js";
import { KeyReportDecoder, type KeyDecoderOptions, type KeyLine } from "../../devices/hid-badge/key-decoder.js";
import { typeReports } from "../../devices/hid-badge/keymap.js";

/** Reports as hex, one per space-separated word; each 8 bytes: modifiers, reserved, six keys. */
const reports = (words: string): Buffer[] => words.trim().split(/\s+/).map((w) => Buffer.from(w, "hex"));
const UP = "0000000000000000";

/** "0012345678" + Enter from a 125 kHz EM4100 reader (VID ffff, PID 0035), key-down then release. */
const EM4100_0012345678 = reports(
  [
    "0000270000000000", UP, "0000270000000000", UP, "00001e0000000000", UP, "00001f0000000000", UP, "0000200000000000", UP,
    "0000210000000000", UP, "0000220000000000", UP, "0000230000000000", UP, "0000240000000000", UP, "0000250000000000", UP,
    "0000280000000000", UP,
  ].join(" "),
);

const options = (o: Partial<KeyDecoderOptions> = {}): KeyDecoderOptions => ({ interKeyTimeoutMs: 150, maxLength: 32, terminators: new Set(["enter"]), ...o });

/** Feeds reports `stepMs` apart from t = 1000 and collects what the decoder says. */
function decode(input: readonly Buffer[], o: Partial<KeyDecoderOptions> = {}, stepMs = 4): KeyLine[] {
  const d = new KeyReportDecoder(options(o));
  return input.flatMap((r, i) => d.push(r, 1000 + i * stepMs));
}

const CARD = { format: "decimal10", hexDigits: [8, 14] } as const;

describe("boot-keyboard reports → card reads", () => {
  it("an EM4100 reader's 10 digits and Enter, key-down and release per digit", () => {
    expect(decode(EM4100_0012345678)).toEqual([{ kind: "line", text: "0012345678" }]);
    expect(parseCard("0012345678", CARD)).toEqual({ ok: true, card: { card: "0012345678", format: "decimal10", uid: "00BC614E" } });
  });

  it("the encoder types exactly the captured reports", () => {
    expect(typeReports("0012345678\n")).toEqual(EM4100_0012345678);
  });

  it("Shift (left 0x02 or right 0x20) types upper-case hex; the canonical UID is upper case either way", () => {
    const shifted = reports(`0000210000000000 ${UP} 0200040000000000 ${UP} 2000060000000000 ${UP} 0000270000000000 ${UP} 0000280000000000`);
    expect(decode(shifted)).toEqual([{ kind: "line", text: "4AC0" }]);
    const lower = decode(typeReports("04a3b2c1\n"));
    expect(lower).toEqual([{ kind: "line", text: "04a3b2c1" }]);
    expect(parseCard("04a3b2c1", { format: "hex", hexDigits: [8, 14] })).toEqual({ ok: true, card: { card: "04A3B2C1", format: "hex", uid: "04A3B2C1" } });
    expect(parseCard("04A3B2C1D2E3F4", { format: "hex", hexDigits: [8, 14] })).toMatchObject({ ok: true, card: { card: "04A3B2C1D2E3F4" } });
    expect(parseCard("04A3B2C1D2", { format: "hex", hexDigits: [8, 14] })).toEqual({ ok: false, reason: "10 hex digits (expected 8 or 14)" });
  });

  it("Wiegand facility,card (comma is 0x36) and the 8-digit form give the same canonical card", () => {
    expect(decode(reports(`0000200000000000 ${UP} 0000360000000000 ${UP} 0000210000000000 ${UP} 0000280000000000`))).toEqual([{ kind: "line", text: "3,4" }]);
    const w = { format: "wiegand", hexDigits: [8] } as const;
    expect(parseCard("123,45678", w)).toEqual({ ok: true, card: { card: "123,45678", format: "wiegand", facility: 123, number: 45678 } });
    expect(parseCard("01245678", w)).toEqual({ ok: true, card: { card: "012,45678", format: "wiegand", facility: 12, number: 45678 } });
    expect(parseCard("12,345", w)).toMatchObject({ ok: true, card: { card: "012,00345" } });
    expect(parseCard("300,1", w)).toEqual({ ok: false, reason: "facility 300 is above 255" });
    expect(parseCard("1,65536", w)).toEqual({ ok: false, reason: "card 65536 is above 65535" });
  });

  it("decimal10 refuses other lengths and values above 32 bits", () => {
    expect(parseCard("12345678", CARD)).toEqual({ ok: false, reason: "not 10 decimal digits (8 characters)" });
    expect(parseCard("4294967296", CARD)).toEqual({ ok: false, reason: "larger than a 32-bit UID" });
    expect(parseCard("4294967295", CARD)).toMatchObject({ ok: true, card: { uid: "FFFFFFFF" } });
  });

  it("a key counts on its way down only: overlapping presses type each key once, a held key does not repeat", () => {
    // '1' down, '1'+'2' down, '2' still down (reported again), all up, Enter.
    const overlapping = reports(`00001e0000000000 00001e1f00000000 00001f0000000000 00001f0000000000 ${UP} 0000280000000000 ${UP}`);
    expect(decode(overlapping)).toEqual([{ kind: "line", text: "12" }]);
    // The same digit twice needs a release in between, as readers send it.
    expect(decode(reports(`00001e0000000000 ${UP} 00001e0000000000 ${UP} 0000280000000000`))).toEqual([{ kind: "line", text: "11" }]);
  });

  it("rollover reports (every slot 0x01) carry no key state and are skipped", () => {
    const rollover = reports(`00001e0000000000 0000010101010101 00001e0000000000 ${UP} 0000280000000000`);
    expect(decode(rollover)).toEqual([{ kind: "line", text: "1" }]);
  });

  it("keypad digits and keypad Enter read like the main block", () => {
    expect(decode(reports(`0000590000000000 ${UP} 0000620000000000 ${UP} 0000580000000000 ${UP}`))).toEqual([{ kind: "line", text: "10" }]);
  });

  it("Tab ends a card only when configured; Enter alone on an empty read types nothing", () => {
    expect(decode(typeReports("42\t"), { terminators: new Set(["tab"]) })).toEqual([{ kind: "line", text: "42" }]);
    expect(decode(typeReports("42\t\n"))).toEqual([{ kind: "rejected", reason: "unexpected key 0x2b", partial: "42" }]);
    expect(decode(typeReports("\n\n"))).toEqual([]);
  });

  it("a pause longer than the inter-key timeout discards the partial read; the next card decodes", () => {
    const d = new KeyReportDecoder(options());
    const partial = typeReports("00123");
    const out = partial.flatMap((r, i) => d.push(r, i * 4));
    expect(out).toEqual([]);
    const full = typeReports("0012345678\n");
    const later = full.flatMap((r, i) => d.push(r, 40 + 151 + i * 4));
    expect(later).toEqual([
      { kind: "rejected", reason: "no terminator within the inter-key timeout", partial: "00123" },
      { kind: "line", text: "0012345678" },
    ]);
  });

  it("a garbled read (a key no card contains) is rejected at its Enter, and the reader is in step again after it", () => {
    const f1 = Buffer.from("00003a0000000000", "hex");
    const out = decode([...typeReports("00"), f1, Buffer.alloc(8), ...typeReports("12\n0012345678\n")]);
    expect(out).toEqual([
      { kind: "rejected", reason: "unexpected key 0x3a", partial: "00" },
      { kind: "line", text: "0012345678" },
    ]);
  });

  it("reads longer than maxLength are rejected whole", () => {
    expect(decode(typeReports("123456\n"), { maxLength: 5 })).toEqual([{ kind: "rejected", reason: "longer than 5 characters", partial: "12345" }]);
  });

  it("numbered reports: the id byte is checked and stripped; a report of another id taints the read", () => {
    expect(decode(typeReports("77\n", 2), { reportId: 2 })).toEqual([{ kind: "line", text: "77" }]);
    const wrong = [...typeReports("7", 2), ...typeReports("7", 3), ...typeReports("\n", 2)];
    expect(decode(wrong, { reportId: 2 })).toEqual([{ kind: "rejected", reason: "report id 3 (expected 2)", partial: "7" }]);
  });

  it("coalesced reads split into reports; a chunk of the wrong size taints the read", () => {
    expect(decode([Buffer.concat(typeReports("0012345678\n"))])).toEqual([{ kind: "line", text: "0012345678" }]);
    const torn = [...typeReports("00"), Buffer.from("0000270000", "hex"), ...typeReports("1\n")];
    expect(decode(torn)).toEqual([{ kind: "rejected", reason: "5-byte report (expected 8)", partial: "00" }]);
  });

  it("reset hands back a read in progress as rejected", () => {
    const d = new KeyReportDecoder(options());
    typeReports("0012").forEach((r, i) => d.push(r, i));
    expect(d.reset("reader closed")).toEqual([{ kind: "rejected", reason: "reader closed", partial: "0012" }]);
    expect(d.reset("again")).toEqual([]);
  });
});
