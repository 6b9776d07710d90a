import { beforeEach, describe, expect, it } from "vitest";
import { RoomPower, roomPowerNext } from "../../src/actions/room-power.js";
import { FakeClock } from "../../src/core/clock.js";
import type { Command } from "../../src/drivers/contract.js";
import type { AuditInput } from "../../src/store/audit-log.js";

const MIN = 60_000;
const spec = { room: "int-1", power: { device: "io", point: "power-1" }, signage: { device: "io", point: "sign-1" } };

let clock: FakeClock;
let sent: Array<{ deviceId: string; cmd: Command }>;
let audits: AuditInput[];
let detainees: number;
let power: RoomPower;

beforeEach(() => {
  clock = new FakeClock();
  sent = [];
  audits = [];
  detainees = 0;
  power = new RoomPower({
    rooms: [spec, { room: "int-2", power: { device: "io", point: 4 }, offDelayMin: 1 }],
    clock,
    send: async (deviceId, cmd) => {
      sent.push({ deviceId, cmd });
      return { status: "ok" };
    },
    audit: { record: (a) => void audits.push(a) },
    detaineesIn: () => detainees,
  });
});

const settle = () => new Promise((r) => setImmediate(r));
const values = () => sent.map((s) => s.cmd.values);
const started = (roomId: string) => power.onEvent({ type: "INTERROGATION_STARTED", roomId, payload: {} });
const verified = (roomId: string, payload: Record<string, unknown> = {}) => power.onEvent({ type: "RECORD_VERIFIED", roomId, payload });

describe("interrogation room power and signage (R23)", () => {
  it("powers on at session start and off 10 min after the record is verified", async () => {
    started("int-1");
    await settle();
    expect(values()).toEqual([{ "power-1": "on" }, { "sign-1": "on" }]);
    expect(sent[0]!.cmd).toMatchObject({ origin: "rule", requestedBy: "R23" });
    verified("int-1");
    clock.advance(10 * MIN - 1);
    await settle();
    expect(sent).toHaveLength(2);
    clock.advance(1);
    await settle();
    expect(values().slice(2)).toEqual([{ "power-1": "off" }, { "sign-1": "off" }]);
    expect(audits.map((a) => [a.actor, a.action, a.target])).toEqual([
      ["rule:R23", "room.power_on", "zone:int-1"],
      ["rule:R23", "room.power_on", "zone:int-1"],
      ["rule:R23", "room.power_off", "zone:int-1"],
      ["rule:R23", "room.power_off", "zone:int-1"],
    ]);
  });

  it("waits 30 min when the session continues, and a new session cancels the switch-off", async () => {
    started("int-1");
    verified("int-1", { continue: true });
    clock.advance(29 * MIN);
    started("int-1");
    clock.advance(60 * MIN);
    await settle();
    expect(values()).toEqual([{ "power-1": "on" }, { "sign-1": "on" }]);
    expect(power.state("int-1")).toEqual({ on: true, offAt: null });
  });

  it("never cuts the power while a detainee is located in the room", async () => {
    started("int-2");
    verified("int-2");
    detainees = 1;
    clock.advance(MIN);
    await settle();
    expect(values()).toEqual([{ "4": "on" }]);
    clock.advance(5 * MIN);
    await settle();
    expect(sent).toHaveLength(1);
    detainees = 0;
    clock.advance(MIN);
    await settle();
    expect(values()).toEqual([{ "4": "on" }, { "4": "off" }]);
  });

  it("ignores rooms it does not drive and verification of a room that is off", async () => {
    started("int-9");
    verified("int-1");
    clock.advance(60 * MIN);
    await settle();
    expect(sent).toHaveLength(0);
  });

  it("is a pure transition underneath", () => {
    const off = { on: false, offAt: null };
    expect(roomPowerNext(off, { kind: "started" }, 0, spec, MIN)).toEqual({ state: { on: true, offAt: null }, switchTo: true });
    expect(roomPowerNext({ on: true, offAt: 100 }, { kind: "due", detaineesPresent: 2 }, 100, spec, MIN)).toEqual({ state: { on: true, offAt: 100 + MIN } });
    expect(roomPowerNext({ on: true, offAt: 100 }, { kind: "due", detaineesPresent: 0 }, 99, spec, MIN)).toEqual({ state: { on: true, offAt: 100 } });
  });
});
