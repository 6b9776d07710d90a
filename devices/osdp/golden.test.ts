import { describe, expect, it } from "vitest";
import { ANNEX_E, CAPTURE, CHECKSUM_VECTORS, CRC_VECTORS, hex } from "../../test/osdp/fixtures.js";
import { Cmd, decodeCommand, encodeBuzzer, encodeOut, OutputControl } from "./commands.js";
import { checksum8, crc16 } from "./crc.js";
import { decodePacket, encodePacket } from "./frame.js";
import { decodeReply, encodePdCap, encodePdId, encodeRaw, Reply } from "./replies.js";
import { clientCryptogram, deriveSessionKeys, initialRmac, SCBK_D, serverCryptogram } from "./secure-channel.js";
import { decodeWiegand } from "./wiegand.js";

const ADDR = 0x65;
const cp = (code: number, sqn: number, data: Uint8Array | number[]): Buffer =>
  encodePacket({ address: ADDR, reply: false, sqn, useCrc: true, code, data: Uint8Array.from(data) }, { mark: true });
const pd = (code: number, sqn: number, data: Uint8Array | number[]): Buffer =>
  encodePacket({ address: ADDR, reply: true, sqn, useCrc: true, code, data: Uint8Array.from(data) });
const decoded = (line: string) => {
  const bytes = hex(line);
  const r = decodePacket(bytes[0] === 0xff ? bytes.subarray(1) : bytes);
  if (!r.ok) throw new Error(r.reason);
  return r.packet;
};

describe("OSDP CRC-16 and checksum (Annex E vectors)", () => {
  it.each(CRC_VECTORS)("CRC of $input is $crc, sent LSB first", ({ input, crc }) => {
    const value = crc16(hex(input));
    expect(Buffer.from([value & 0xff, value >> 8])).toEqual(hex(crc));
  });

  it.each(CHECKSUM_VECTORS)("checksum of $input is $checksum", ({ input, checksum }) => {
    expect(checksum8(hex(input))).toBe(hex(checksum)[0]);
  });

  it("CRC-16/AUG-CCITT check value of '123456789' is 0xE5CC", () => {
    expect(crc16(Buffer.from("123456789"))).toBe(0xe5cc);
  });

  it("frames built from the vector headers carry exactly those check bytes", () => {
    // 53 7F … 6E 00 80 25 00 00: a COMSET to broadcast in CRC and checksum mode.
    const data = [0x00, 0x80, 0x25, 0x00, 0x00];
    const withCrc = encodePacket({ address: 0x7f, reply: false, sqn: 0, useCrc: true, code: Cmd.COMSET, data: Uint8Array.from(data) });
    expect(withCrc).toEqual(hex(CRC_VECTORS[0].input + CRC_VECTORS[0].crc));
    const withSum = encodePacket({ address: 0x7f, reply: false, sqn: 0, useCrc: false, code: Cmd.COMSET, data: Uint8Array.from(data) });
    expect(withSum).toEqual(hex(CHECKSUM_VECTORS[0].input + CHECKSUM_VECTORS[0].checksum));
    expect(encodePacket({ address: 0, reply: false, sqn: 0, useCrc: false, code: Cmd.ID, data: Uint8Array.of(0) })).toEqual(hex("53 00 08 00 00 61 00 44"));
    expect(decodeCommand(Cmd.COMSET, Uint8Array.from(data))).toEqual({ kind: "comset", address: 0, baudRate: 9600 });
  });
});

describe("OSDP captured libosdp exchange, byte for byte", () => {
  it("CP commands: ID, CAP, POLL, OUT, BUZ", () => {
    expect(cp(Cmd.ID, 0, [0])).toEqual(hex(CAPTURE.id.cp));
    expect(cp(Cmd.CAP, 1, [0])).toEqual(hex(CAPTURE.cap.cp));
    expect(cp(Cmd.POLL, 2, [])).toEqual(hex(CAPTURE.poll.cp));
    expect(cp(Cmd.OUT, 3, encodeOut([{ output: 0, control: OutputControl.PERMANENT_ON, timer100ms: 0 }]))).toEqual(hex(CAPTURE.out.cp));
    expect(cp(Cmd.BUZ, 1, encodeBuzzer({ reader: 0, tone: 2, onTime: 1, offTime: 1, count: 1 }))).toEqual(hex(CAPTURE.buz.cp));
  });

  it("CP commands decode back to what was sent", () => {
    expect(decodeCommand(Cmd.OUT, decoded(CAPTURE.out.cp).data)).toEqual({ kind: "out", records: [{ output: 0, control: 2, timer100ms: 0 }] });
    expect(decodeCommand(Cmd.BUZ, decoded(CAPTURE.buz.cp).data)).toEqual({ kind: "buzzer", record: { reader: 0, tone: 2, onTime: 1, offTime: 1, count: 1 } });
    const poll = decoded(CAPTURE.poll.cp);
    expect([poll.address, poll.reply, poll.sqn, poll.useCrc, poll.code]).toEqual([ADDR, false, 2, true, Cmd.POLL]);
  });

  it("PDID decodes and re-encodes", () => {
    const p = decoded(CAPTURE.pdid.pd);
    const r = decodeReply(p.code, p.data);
    expect(r).toEqual({ kind: "pdid", id: { vendor: "bebafe", model: 1, version: 1, serial: 0xdeadbeaf, firmware: "173.222.173" } });
    if (r.kind !== "pdid") throw new Error("not PDID");
    expect(pd(Reply.PDID, 0, encodePdId(r.id))).toEqual(hex(CAPTURE.pdid.pd));
  });

  it("PDCAP decodes and re-encodes", () => {
    const p = decoded(CAPTURE.pdcap.pd);
    const r = decodeReply(p.code, p.data);
    if (r.kind !== "pdcap") throw new Error("not PDCAP");
    expect(r.caps).toHaveLength(8);
    expect(r.caps[0]).toEqual({ function: 1, compliance: 1, items: 4 }); // 4 inputs
    expect(r.caps[6]).toEqual({ function: 10, compliance: 0, items: 1 }); // receive buffer 256
    expect(pd(Reply.PDCAP, 1, encodePdCap(r.caps))).toEqual(hex(CAPTURE.pdcap.pd));
  });

  it("ACK to POLL", () => {
    expect(pd(Reply.ACK, 2, [])).toEqual(hex(CAPTURE.ack.pd));
    expect(decodeReply(Reply.ACK, decoded(CAPTURE.ack.pd).data)).toEqual({ kind: "ack" });
  });

  it("RAW card read: Wiegand 26 bits a5 5a c3 40", () => {
    const p = decoded(CAPTURE.raw.pd);
    const r = decodeReply(p.code, p.data);
    if (r.kind !== "raw") throw new Error("not RAW");
    expect(r.card).toEqual({ reader: 0, format: "wiegand", bits: 26, data: Uint8Array.from(hex("a5 5a c3 40")) });
    expect(pd(Reply.RAW, 1, encodeRaw(r.card))).toEqual(hex(CAPTURE.raw.pd));
    // libosdp's test pattern has no valid Wiegand parity; the numbers still decode.
    expect(decodeWiegand(r.card.bits, r.card.data)).toEqual({ format: "wiegand26", facility: 74, card: 46470, parityOk: false });
  });
});

describe("OSDP secure channel (Annex E vectors)", () => {
  const rndA = hex(ANNEX_E.rndA);
  const rndB = hex(ANNEX_E.rndB);
  const keys = deriveSessionKeys(SCBK_D, rndA);

  it("SCBK-D is 30 31 … 3F", () => {
    expect(Buffer.from(SCBK_D)).toEqual(hex(ANNEX_E.scbkD));
  });

  it("session keys S-ENC, S-MAC1, S-MAC2", () => {
    expect(Buffer.from(keys.enc)).toEqual(hex(ANNEX_E.sEnc));
    expect(Buffer.from(keys.mac1)).toEqual(hex(ANNEX_E.sMac1));
    expect(Buffer.from(keys.mac2)).toEqual(hex(ANNEX_E.sMac2));
  });

  it("client (PD) and host (CP) cryptograms", () => {
    expect(Buffer.from(clientCryptogram(keys.enc, rndA, rndB))).toEqual(hex(ANNEX_E.clientCryptogram));
    expect(Buffer.from(serverCryptogram(keys.enc, rndA, rndB))).toEqual(hex(ANNEX_E.hostCryptogram));
  });

  it("initial R-MAC", () => {
    expect(Buffer.from(initialRmac(keys, hex(ANNEX_E.hostCryptogram)))).toEqual(hex(ANNEX_E.rmacI));
  });
});
