import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { damaged, FUZZ_SEED } from "../../test/helpers/frame-fuzz.js";
import { blockFor, inputChanges, namedBits, parseCommand } from "./codec.js";
import { modbusFailure, modbusTurn, type ModbusLink } from "./modbus-turn.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

/** CRC-16/MODBUS written out here, independently of the library under test. */
function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
const withCrc = (body: number[]) => {
  const c = crc16(Uint8Array.from(body));
  return Buffer.from([...body, c & 0xff, c >>> 8]);
};
const crcOk = (f: Uint8Array) => f.length >= 4 && crc16(f.subarray(0, -2)) === (f[f.length - 2]! | (f[f.length - 1]! << 8));

/** PROTOCOLS.md §4: modbus-serial client ↔ pymodbus RTU server over socat. */
const EXCHANGE: Array<{ what: string; request: string; reply: string }> = [
  { what: "read 8 discrete inputs", request: "01 02 00 00 00 08 79 cc", reply: "01 02 01 85 60 2b" },
  { what: "coil 3 ON", request: "01 05 00 03 ff 00 7c 3a", reply: "01 05 00 03 ff 00 7c 3a" },
  { what: "read 8 coils", request: "01 01 00 00 00 08 3d cc", reply: "01 01 01 08 50 4e" },
];

/** A byte link whose device answers each written frame from `answer` (as 1+ chunks, asynchronously). */
function fakeBoard(answer: (request: Buffer) => Buffer[] | null, path = "/dev/fake-rtu"): ModbusLink & { written: Buffer[] } {
  const subs = new Set<(c: Buffer) => void>();
  const written: Buffer[] = [];
  return {
    path,
    written,
    onData: (cb) => (subs.add(cb), () => subs.delete(cb)),
    async write(d) {
      written.push(Buffer.from(d));
      const chunks = answer(Buffer.from(d));
      if (chunks) queueMicrotask(() => chunks.forEach((c) => subs.forEach((s) => s(c))));
    },
  };
}

describe("Modbus RTU through modbus-serial on the lease binding: golden exchange (PROTOCOLS.md §4)", () => {
  it("the captured frames carry correct CRC-16/MODBUS, low byte first", () => {
    for (const e of EXCHANGE) for (const f of [hex(e.request), hex(e.reply)]) expect(crcOk(f)).toBe(true);
    expect(withCrc([0x01, 0x02, 0x00, 0x00, 0x00, 0x08]).toString("hex")).toBe("01020000000879cc");
  });

  it("reproduces the exchange byte for byte and decodes the replies", async () => {
    const board = fakeBoard((q) => {
      const e = EXCHANGE.find((x) => hex(x.request).equals(q));
      return e ? [hex(e.reply)] : null;
    });
    const [inputs, coil, coils] = await modbusTurn(board, { unitId: 1, timeoutMs: 200 }, async (c) => [
      await c.readDiscreteInputs(0, 8),
      await c.writeCoil(3, true),
      await c.readCoils(0, 8),
    ]);
    expect(board.written.map((w) => w.toString("hex"))).toEqual(EXCHANGE.map((e) => hex(e.request).toString("hex")));
    expect(namedBits({ a: 0, b: 1, c: 2, h: 7 }, { start: 0, count: 8 }, (inputs as { data: boolean[] }).data)).toEqual({ a: true, b: false, c: true, h: true });
    expect(coil).toEqual({ address: 3, state: true });
    expect((coils as { data: boolean[] }).data.slice(0, 8)).toEqual([false, false, false, true, false, false, false, false]);
  });

  it("an exception reply is a device answer with its code; silence is a timeout", async () => {
    const board = fakeBoard((q) => (q[1] === 0x02 ? [withCrc([0x01, 0x82, 0x02])] : null));
    const err = await modbusTurn(board, { unitId: 1, timeoutMs: 50 }, (c) => c.readDiscreteInputs(0, 8)).catch((e) => e);
    expect(modbusFailure(err)).toMatchObject({ answered: true, code: 2 });
    const silent = await modbusTurn(board, { unitId: 1, timeoutMs: 50 }, (c) => c.readCoils(0, 8)).catch((e) => e);
    expect(modbusFailure(silent)).toMatchObject({ answered: false });
  });

  it("a reply split into single bytes, or after line noise, still decodes", async () => {
    const reply = hex(EXCHANGE[0]!.reply);
    for (const chunks of [[...reply].map((b) => Buffer.from([b])), [hex("00 ff 13 01"), reply]]) {
      const board = fakeBoard(() => chunks);
      const r = await modbusTurn(board, { unitId: 1, timeoutMs: 200 }, (c) => c.readDiscreteInputs(0, 8));
      expect(r.data.slice(0, 8)).toEqual([true, false, true, false, false, false, false, true]);
    }
  });

  it("a failed write (transport lost) fails the request at once, not after the timeout", async () => {
    const board = fakeBoard(() => null);
    board.write = async () => {
      throw new Error("transport /dev/x is not open");
    };
    const t0 = Date.now();
    await expect(modbusTurn(board, { unitId: 1, timeoutMs: 5_000 }, (c) => c.readCoils(0, 8))).rejects.toThrow("not open");
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe("relay point mapping", () => {
  it("plans one read over the mapped addresses and names the bits", () => {
    expect(blockFor({})).toBeNull();
    expect(blockFor({ "contact-1": 4, "contact-2": 2 })).toEqual({ start: 2, count: 3 });
    expect(namedBits({ "contact-1": 4, "contact-2": 2 }, { start: 2, count: 3 }, [true, false, false])).toEqual({ "contact-1": false, "contact-2": true });
    expect(() => blockFor({ a: 0, b: 2000 })).toThrow(RangeError);
  });

  it("reports input changes, none on the first read", () => {
    expect(inputChanges(null, { a: true })).toEqual([]);
    expect(inputChanges({ a: true, b: false }, { a: true, b: true })).toEqual([{ input: "b", value: true, previous: false }]);
  });

  it("parses commands: on/off/pulse with ms, booleans, and rejects unknown names and values", () => {
    const coils = { "strike-1": 0, "relay-2": 5 };
    expect(parseCommand({ "strike-1": "pulse", ms: 3000 }, coils, 1000)).toEqual({ ok: true, actions: [{ name: "strike-1", address: 0, action: "pulse", ms: 3000 }] });
    expect(parseCommand({ "strike-1": "pulse" }, coils, 1000)).toMatchObject({ ok: true, actions: [{ ms: 1000 }] });
    expect(parseCommand({ "relay-2": true, "strike-1": "off" }, coils, 1000)).toEqual({
      ok: true,
      actions: [
        { name: "relay-2", address: 5, action: "on" },
        { name: "strike-1", address: 0, action: "off" },
      ],
    });
    expect(parseCommand({ door: "on" }, coils, 1000)).toMatchObject({ ok: false });
    expect(parseCommand({ "strike-1": "open" }, coils, 1000)).toMatchObject({ ok: false });
    expect(parseCommand({ "strike-1": "pulse", ms: 0 }, coils, 1000)).toMatchObject({ ok: false });
    expect(parseCommand({ ms: 5 }, coils, 1000)).toMatchObject({ ok: false });
    expect(parseCommand({ toString: "on" }, coils, 1000)).toMatchObject({ ok: false });
  });
});

describe("Modbus reply decoding: fuzzing", () => {
  const TURNS = 5_000;
  const PER_TURN = 20;
  const reply = (bits: number) => withCrc([0x01, 0x02, 0x01, bits]);
  const bitsOf = (v: number) => Array.from({ length: 8 }, (_, i) => ((v >> i) & 1) === 1);

  /** Bits the damaged bytes could legitimately carry: any CRC-valid FC02 reply hidden in them. */
  function hiddenReplies(b: Uint8Array): number[] {
    const out: number[] = [];
    for (let i = 0; i + 6 <= b.length; i++) if (b[i] === 1 && b[i + 1] === 2 && b[i + 2] === 1 && crcOk(b.subarray(i, i + 6))) out.push(b[i + 3]!);
    return out;
  }

  it(`${TURNS * PER_TURN} random and mutated replies never throw out of the client, and the next turn reads exactly`, async () => {
    let decoded = 0;
    await fc.assert(
      fc.asyncProperty(
        // Damage within a turn is derived from that turn's reply: a mutation that changes nothing
        // is a duplicated reply, which a later request of the turn may legitimately read.
        fc.integer({ min: 0, max: 255 }).chain((bits) =>
          fc.tuple(fc.constant(bits), fc.array(damaged(fc.constant(Uint8Array.from(reply(bits))), 40), { minLength: PER_TURN, maxLength: PER_TURN })),
        ),
        fc.integer({ min: 0, max: 255 }),
        async ([bits, damage], nextBits) => {
          let k = 0;
          const board = fakeBoard(() => [Buffer.from(damage[k++]!), reply(bits)]);
          await modbusTurn(board, { unitId: 1, timeoutMs: 100 }, async (c) => {
            for (let i = 0; i < PER_TURN; i++) {
              const allowed = [bits, ...hiddenReplies(damage[i]!)].map((v) => JSON.stringify(bitsOf(v)));
              const r = await c.readDiscreteInputs(0, 8).then(
                (x) => x.data.slice(0, 8),
                (e: unknown) => (e instanceof Error ? null : e),
              );
              if (r === null) continue;
              if (!allowed.includes(JSON.stringify(r))) return Promise.reject(new Error(`decoded ${JSON.stringify(r)} from ${Buffer.from(damage[i]!).toString("hex")}`));
              decoded++;
            }
          });
          const clean = fakeBoard(() => [reply(nextBits)]);
          const r = await modbusTurn(clean, { unitId: 1, timeoutMs: 100 }, (c) => c.readDiscreteInputs(0, 8));
          return JSON.stringify(r.data.slice(0, 8)) === JSON.stringify(bitsOf(nextBits));
        },
      ),
      { seed: FUZZ_SEED, numRuns: TURNS },
    );
    expect(decoded).toBeGreaterThan(TURNS * PER_TURN * 0.5);
  });
});
