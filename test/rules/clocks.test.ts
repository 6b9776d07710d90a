import { describe, expect, it } from "vitest";
import { HOUR, MIN } from "./fixtures/fake-center.js";
import { harness } from "./fixtures/harness.js";

/** Clock rules are coarse: a tick a minute is plenty and keeps the long custody spans fast. */
const STEP = MIN;

describe("R04 custody clock", () => {
  it("warns 3 h before a 12 h criminal summons limit, escalates at 1 h, then exceeds (critical) and repeats until exit", () => {
    const h = harness();
    h.center.detainee("p1", { session: { legalBasis: "summons", baseLimitH: 12 } });
    h.advance(9 * HOUR - MIN, STEP);
    expect(h.open("CUSTODY_TIME_WARNING")).toEqual([]);
    h.advance(MIN, STEP);
    expect(h.open("CUSTODY_TIME_WARNING")[0]).toMatchObject({ severity: 2, subjects: ["p1"] });
    h.advance(2 * HOUR, STEP);
    expect(h.open("CUSTODY_TIME_WARNING")[0]).toMatchObject({ severity: 3, count: 2 });
    h.advance(HOUR, STEP);
    const [ex] = h.open("CUSTODY_TIME_EXCEEDED");
    expect(ex).toMatchObject({ severity: 4, ruleId: "R04" });
    expect(ex!.data).toMatchObject({ legalBasis: "summons", limitH: 12, remainingMin: 0 });
    expect(h.open("CUSTODY_TIME_WARNING")).toEqual([]);
    h.advance(HOUR, STEP);
    expect(h.open("CUSTODY_TIME_EXCEEDED")[0]!.count).toBe(3);
  });

  it("stays quiet with an approved 24 h extension, and moves the deadline by a sobering pause", () => {
    const h = harness();
    const t0 = h.clock.now();
    h.center.detainee("p1", { session: { legalBasis: "summons", baseLimitH: 12, extensions: [{ newLimitH: 24, approver: "chief", reason: "major case", at: t0 + HOUR }] } });
    h.center.detainee("p2", { session: { legalBasis: "admin_questioning", baseLimitH: 8, pauses: [{ reason: "sobering", from: t0, to: t0 + 2 * HOUR }] } });
    h.advance(7 * HOUR, STEP);
    expect(h.open("CUSTODY_TIME_WARNING")).toEqual([]);
    h.advance(HOUR, STEP);
    expect(h.open("CUSTODY_TIME_WARNING").map((a) => a.subjects[0])).toEqual(["p2"]);
    expect(h.open("CUSTODY_TIME_EXCEEDED")).toEqual([]);
  });
});

describe("R05 hard ceiling", () => {
  it("raises 24H_IMMINENT at 23 h and 24H_EXCEEDED at 24 h", () => {
    const h = harness();
    h.center.detainee("p1", { session: { legalBasis: "summons", baseLimitH: 12, extensions: [{ newLimitH: 30, approver: "x", reason: "y", at: 0 }] } });
    h.advance(23 * HOUR - MIN, STEP);
    expect(h.open("CUSTODY_24H_IMMINENT")).toEqual([]);
    h.advance(MIN, STEP);
    expect(h.open("CUSTODY_24H_IMMINENT")).toHaveLength(1);
    h.advance(HOUR, STEP);
    expect(h.open("CUSTODY_24H_EXCEEDED")[0]).toMatchObject({ severity: 4, data: { elapsedH: 24, ceilingH: 24 } });
  });

  it("stays quiet at 24 h for 继续盘问 with an approved 48 h step", () => {
    const h = harness();
    h.center.detainee("p1", { session: { legalBasis: "continued_questioning", baseLimitH: 12, extensions: [{ newLimitH: 24, approver: "a", reason: "r", at: 0 }, { newLimitH: 48, approver: "b", reason: "unknown identity", at: 1 }] } });
    h.advance(30 * HOUR, 10 * MIN);
    expect(h.open("CUSTODY_24H_EXCEEDED")).toEqual([]);
    expect(h.open("CUSTODY_24H_IMMINENT")).toEqual([]);
  });
});

describe("R06 vulnerable fast track", () => {
  it("warns 1 h before the 4 h limit for a 70-year-old under 继续盘问 and raises a new critical alarm at 4 h even if the warning was acknowledged", () => {
    const h = harness();
    h.center.detainee("old", { ageYears: 72, session: { legalBasis: "continued_questioning", baseLimitH: 12 } });
    h.advance(3 * HOUR, STEP);
    const [warning] = h.open("VULNERABLE_DEADLINE");
    expect(warning).toMatchObject({ severity: 3 });
    h.engine.acknowledge(warning!.alarmId, "operator:op1");
    h.advance(HOUR, STEP);
    const [exceeded] = h.open("VULNERABLE_DEADLINE");
    expect(exceeded).toMatchObject({ severity: 4, state: "raised", data: { exceeded: true } });
    expect(exceeded!.alarmId).not.toBe(warning!.alarmId);
    expect(h.open("CUSTODY_TIME_WARNING")).toEqual([]);
  });

  it("raises VULNERABLE_HOLDING_FORBIDDEN when such a person is in a holding room, and not for an ordinary adult", () => {
    const h = harness();
    h.center.detainee("preg", { sex: "female", vulnerable: ["pregnant"], session: { legalBasis: "continued_questioning", baseLimitH: 4 } });
    h.center.detainee("adult", { ageYears: 30, session: { legalBasis: "continued_questioning" } });
    h.move("preg", "holding-f");
    h.move("adult", "holding-1");
    h.advance(30_000, 1000);
    expect(h.open("VULNERABLE_HOLDING_FORBIDDEN").map((a) => a.subjects[0])).toEqual(["preg"]);
    h.advance(4 * HOUR, STEP);
    expect(h.open("VULNERABLE_DEADLINE").map((a) => a.subjects[0])).toEqual(["preg"]);
  });

  it("stays quiet for a minor under a criminal summons (Art. 10 is about 继续盘问)", () => {
    const h = harness();
    h.center.detainee("kid", { ageYears: 15, session: { legalBasis: "summons" } });
    h.advance(5 * HOUR, STEP);
    expect(h.open("VULNERABLE_DEADLINE")).toEqual([]);
  });
});

describe("R08 not interrogated", () => {
  it("warns 9 h after arrival on a criminal summons, 6 h on administrative questioning", () => {
    const h = harness();
    h.center.detainee("crim", { session: { legalBasis: "summons" } });
    h.center.detainee("adm", { session: { legalBasis: "admin_questioning", baseLimitH: 8 } });
    h.advance(6 * HOUR, STEP);
    expect(h.open("NOT_INTERROGATED_WARNING").map((a) => a.subjects[0])).toEqual(["adm"]);
    h.advance(3 * HOUR, STEP);
    expect(h.open("NOT_INTERROGATED_WARNING").map((a) => a.subjects[0]).sort()).toEqual(["adm", "crim"]);
  });

  it("stays quiet once an interrogation has started, and resolves an open warning when it starts", () => {
    const h = harness();
    h.center.detainee("p1", { session: { legalBasis: "admin_questioning", baseLimitH: 8 } });
    h.center.detainee("p2", { session: { legalBasis: "admin_questioning", baseLimitH: 8 } });
    const it = { interrogationId: "i1", roomId: "interro-1", officerIds: [], kind: "interview" as const, recorderChannels: [], startedAt: h.clock.now(), breaks: [] };
    h.center.patch("p2", { interrogations: [it] });
    h.advance(6 * HOUR, STEP);
    expect(h.open("NOT_INTERROGATED_WARNING").map((a) => a.subjects[0])).toEqual(["p1"]);
    h.center.patch("p1", { interrogations: [{ ...it, interrogationId: "i2" }] });
    h.event("INTERROGATION_STARTED", { roomId: "interro-1" }, { personId: "p1" });
    expect(h.open("NOT_INTERROGATED_WARNING")).toEqual([]);
  });
});
