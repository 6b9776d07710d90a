import { describe, expect, it } from "vitest";
import type { InterrogationSession } from "../../src/custody/model.js";
import { HOUR, MIN } from "./fixtures/fake-center.js";
import { harness, type Harness } from "./fixtures/harness.js";

function start(h: Harness, personId: string, patch: Partial<InterrogationSession> = {}): InterrogationSession {
  const it: InterrogationSession = { interrogationId: `i-${personId}`, roomId: "interro-1", officerIds: ["o1", "o2"], kind: "interrogation", recorderChannels: ["ch1"], startedAt: h.clock.now(), breaks: [], ...patch };
  h.center.patch(personId, { interrogations: [it], assignedInterrogationRoomId: it.roomId });
  h.event("INTERROGATION_STARTED", { roomId: it.roomId }, { personId, roomId: it.roomId });
  return it;
}

const recording = (h: Harness, on: boolean, channelId = "ch1") => h.event("RECORDER_STATUS", { recorderId: "nvr-1", channelId, roomId: "interro-1", recording: on });

describe("R22 recording must run", () => {
  it("raises a critical RECORDING_NOT_ACTIVE 10 s into an interrogation whose channel is not recording", () => {
    const h = harness();
    h.center.detainee("p1");
    start(h, "p1");
    h.advance(9_000);
    expect(h.open("RECORDING_NOT_ACTIVE")).toEqual([]);
    h.advance(1000);
    expect(h.open("RECORDING_NOT_ACTIVE")[0]).toMatchObject({ severity: 4, zoneId: "interro-1", data: { channelId: "ch1", reason: "no_status" } });
  });

  it("stays quiet while recording runs, and reports a gap with its start and end", () => {
    const h = harness();
    h.center.detainee("p1");
    recording(h, true);
    start(h, "p1");
    h.advance(5 * MIN);
    expect(h.open()).toEqual([]);
    const from = h.clock.now();
    recording(h, false);
    h.advance(5_000);
    recording(h, true);
    expect(h.open("RECORDING_NOT_ACTIVE")).toEqual([]);
    expect(h.open("RECORDING_GAP")[0]!.data).toMatchObject({ channelId: "ch1", gapFrom: from, gapTo: from + 5_000 });
  });

  it("treats the recorder going offline as not recording", () => {
    const h = harness();
    h.center.detainee("p1");
    recording(h, true);
    start(h, "p1");
    h.event("DEVICE_STATUS", { deviceId: "nvr-1", online: false });
    h.advance(10_000);
    expect(h.open("RECORDING_NOT_ACTIVE")[0]!.data).toMatchObject({ reason: "offline" });
  });

  it("checks a room's channels when a detainee and an officer are together without an open session", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.officer("o1");
    recording(h, false);
    h.move("p1", "interro-1");
    h.advance(MIN);
    expect(h.open("RECORDING_NOT_ACTIVE")).toEqual([]);
    h.move("o1", "interro-1");
    h.advance(10_000);
    expect(h.open("RECORDING_NOT_ACTIVE")).toHaveLength(1);
  });
});

describe("R23 interrogation bookkeeping", () => {
  it("emits presence start and end when the detainee enters and leaves the assigned interrogation room", () => {
    const h = harness();
    h.center.detainee("p1");
    start(h, "p1");
    h.move("p1", "corridor");
    h.move("p1", "interro-1");
    expect(h.events("INTERROGATION_PRESENCE_STARTED")[0]).toMatchObject({ category: "location", personId: "p1", sessionId: "s-p1", roomId: "interro-1", zoneId: "secure", payload: { interrogationId: "i-p1" } });
    h.advance(12 * MIN, MIN);
    h.move("p1", "corridor");
    expect(h.events("INTERROGATION_PRESENCE_ENDED")[0]!.payload).toMatchObject({ roomId: "interro-1", dwellMs: 12 * MIN });
  });

  it("emits nothing for a room the detainee was not assigned, or for an officer", () => {
    const h = harness();
    h.center.detainee("p1", { session: { assignedInterrogationRoomId: "interro-1" } });
    h.center.officer("o1");
    h.move("p1", "interro-2");
    h.move("o1", "interro-1");
    expect(h.events("INTERROGATION_PRESENCE_STARTED")).toEqual([]);
  });
});

describe("R24 long interrogation and welfare", () => {
  it("raises INTERROGATION_LONG after 4 h without a break, and WELFARE_DUE 6 h without a meal", () => {
    const h = harness();
    h.center.detainee("p1");
    start(h, "p1");
    h.advance(4 * HOUR, MIN);
    expect(h.open("INTERROGATION_LONG")).toEqual([]);
    h.advance(MIN, MIN);
    expect(h.open("INTERROGATION_LONG")).toHaveLength(1);
    h.advance(2 * HOUR, MIN);
    expect(h.open("WELFARE_DUE")[0]!.data).toMatchObject({ lastMealAt: null });
  });

  it("stays quiet with a logged break and meal, and resolves WELFARE_DUE when the meal is logged", () => {
    const h = harness();
    const t0 = h.clock.now();
    h.center.detainee("p1");
    start(h, "p1", { breaks: [{ from: t0 + 3 * HOUR, to: t0 + 3 * HOUR + 15 * MIN }] });
    h.advance(6 * HOUR + MIN, MIN);
    expect(h.open("INTERROGATION_LONG")).toEqual([]);
    expect(h.open("WELFARE_DUE")).toHaveLength(1);
    h.center.patch("p1", { welfare: [{ kind: "meal", at: h.clock.now(), by: "o1" }] });
    h.event("WELFARE_LOGGED", { kind: "meal" }, { personId: "p1" });
    expect(h.open("WELFARE_DUE")).toEqual([]);
  });
});

describe("R26 juvenile safeguards", () => {
  it("raises when a minor's interrogation starts with no guardian recorded", () => {
    const h = harness();
    h.center.detainee("kid", { ageYears: 16 });
    start(h, "kid");
    expect(h.open("JUVENILE_SAFEGUARD_MISSING")[0]!.data).toMatchObject({ missing: "guardian" });
  });

  it("raises for a female minor with no female staff in the room, quiet once a female officer is there", () => {
    const h = harness();
    h.center.detainee("girl", { sex: "female", ageYears: 15 });
    h.center.officer("of", { sex: "female" });
    start(h, "girl", { guardianPresent: true });
    h.move("girl", "interro-1");
    h.advance(MIN);
    expect(h.open("JUVENILE_SAFEGUARD_MISSING").map((a) => a.data.missing)).toEqual(["female_staff"]);
    h.move("of", "interro-1");
    h.advance(1000);
    expect(h.open("JUVENILE_SAFEGUARD_MISSING")).toEqual([]);
  });

  it("stays quiet for an adult, and for a minor with a guardian", () => {
    const h = harness();
    h.center.detainee("adult", { ageYears: 18 });
    h.center.detainee("kid", { ageYears: 17, session: {} });
    start(h, "adult");
    start(h, "kid", { guardianPresent: true, roomId: "interro-2" });
    h.advance(5 * MIN);
    expect(h.open("JUVENILE_SAFEGUARD_MISSING")).toEqual([]);
  });
});
