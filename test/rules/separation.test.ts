import { describe, expect, it } from "vitest";
import { MIN } from "./fixtures/fake-center.js";
import { harness } from "./fixtures/harness.js";

describe("R10 co-case contact", () => {
  it("raises after 5 min of two co-case detainees in one room, with the case number", () => {
    const h = harness();
    h.center.detainee("p1", { caseNos: ["A2026-1"] });
    h.center.detainee("p2", { caseNos: ["A2026-1"] });
    h.move("p1", "holding-1");
    h.move("p2", "holding-1");
    h.advance(4 * MIN + 50_000);
    expect(h.open("CO_CASE_CONTACT")).toHaveLength(0);
    h.advance(15_000);
    const [a] = h.open("CO_CASE_CONTACT");
    expect(a).toMatchObject({ ruleId: "R10", severity: 3, zoneId: "holding-1", subjects: ["p1", "p2"] });
    expect(a!.data).toMatchObject({ caseNo: "A2026-1", personIds: ["p1", "p2"] });
    expect(a!.params).toMatchObject({ dwellS: 300 });
  });

  it("stays quiet for persons of different cases, and for co-case persons apart", () => {
    const h = harness();
    h.center.detainee("p1", { caseNos: ["A1"] });
    h.center.detainee("p2", { caseNos: ["B2"] });
    h.center.detainee("p3", { caseNos: ["A1"] });
    h.move("p1", "holding-1");
    h.move("p2", "holding-1");
    h.move("p3", "holding-2");
    h.advance(10 * MIN);
    expect(h.open()).toEqual([]);
  });

  it("uses the per-room-type dwell and resolves when they are separated", () => {
    const h = harness({ params: { R10: { dwellSByRoomType: { corridor: 30 } } } });
    h.center.detainee("p1", { incidentNos: ["J-7"] });
    h.center.detainee("p2", { incidentNos: ["J-7"] });
    h.move("p1", "corridor");
    h.move("p2", "corridor");
    h.advance(31_000);
    expect(h.open("CO_CASE_CONTACT")).toHaveLength(1);
    h.move("p2", "holding-2");
    expect(h.open("CO_CASE_CONTACT")).toHaveLength(0);
    expect(h.events("ALARM_RESOLVED")[0]!.payload).toMatchObject({ alarmType: "CO_CASE_CONTACT", state: "resolved" });
  });

  it("excepts a line-up room and a joint interrogation session", () => {
    const h = harness();
    h.center.detainee("p1", { coCaseLinks: ["p2"] });
    h.center.detainee("p2");
    h.move("p1", "lineup");
    h.move("p2", "lineup");
    h.advance(6 * MIN);
    expect(h.open("CO_CASE_CONTACT")).toEqual([]);
    const it = { interrogationId: "i-1", roomId: "interro-1", officerIds: ["o1", "o2"], kind: "interrogation" as const, recorderChannels: ["ch1"], startedAt: h.clock.now(), breaks: [] };
    h.center.patch("p1", { interrogations: [it] });
    h.center.patch("p2", { interrogations: [it] });
    h.move("p1", "interro-1");
    h.move("p2", "interro-1");
    h.advance(6 * MIN);
    expect(h.open("CO_CASE_CONTACT")).toEqual([]);
  });
});

describe("R11 mixed-sex holding", () => {
  it("raises after 5 min of a man and a woman in one holding room, even though custody assigned both there", () => {
    const h = harness();
    h.center.detainee("m", { sex: "male", session: { holdingRoomId: "holding-1" } });
    h.center.detainee("f", { sex: "female", session: { holdingRoomId: "holding-1" } });
    h.move("m", "holding-1");
    h.move("f", "holding-1");
    h.advance(5 * MIN);
    expect(h.open("MIXED_SEX_HOLDING")).toHaveLength(1);
    expect(h.open("MIXED_SEX_HOLDING")[0]!.subjects).toEqual(["f", "m"]);
  });

  it("stays quiet for the same sex, and for both sexes in an interrogation room", () => {
    const h = harness();
    h.center.detainee("m1");
    h.center.detainee("m2");
    h.center.detainee("f", { sex: "female" });
    h.center.officer("o1");
    h.move("m1", "holding-1");
    h.move("m2", "holding-1");
    h.move("f", "interro-1");
    h.move("m1", "interro-1");
    h.move("o1", "interro-1");
    h.advance(6 * MIN);
    expect(h.open("MIXED_SEX_HOLDING")).toEqual([]);
  });
});

describe("R12 juvenile–adult contact", () => {
  it("raises after 60 s of a minor and an adult together with no officer", () => {
    const h = harness();
    h.center.detainee("kid", { ageYears: 15 });
    h.center.detainee("adult", { ageYears: 30 });
    h.move("kid", "corridor");
    h.move("adult", "corridor");
    h.advance(59_000);
    expect(h.open("JUVENILE_ADULT_CONTACT")).toEqual([]);
    h.advance(1000);
    expect(h.open("JUVENILE_ADULT_CONTACT")[0]!.data).toMatchObject({ minorIds: ["kid"], adultIds: ["adult"] });
  });

  it("stays quiet while an officer is in the room (direct supervision), and raises when the officer leaves", () => {
    const h = harness();
    h.center.detainee("kid", { vulnerable: ["minor"] });
    h.center.detainee("adult", { ageYears: 40 });
    h.center.officer("o1");
    h.move("o1", "corridor");
    h.move("kid", "corridor");
    h.move("adult", "corridor");
    h.advance(5 * MIN);
    expect(h.open("JUVENILE_ADULT_CONTACT")).toEqual([]);
    h.move("o1", "office-1");
    h.advance(60_000);
    expect(h.open("JUVENILE_ADULT_CONTACT")).toHaveLength(1);
  });
});
