import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

/** R09 holding-room assignment pre-check, R06 vulnerable fast track, R28 process order. */
let h: Harness;
afterEach(() => h.destroy());

function ready(personId: string, extra: Record<string, unknown> = {}) {
  h.admit(personId, extra);
  h.process(personId);
}

describe("R09 assignment pre-check", () => {
  it("same_case: a co-case suspect already in the room needs an override; another case is fine", () => {
    h = new Harness();
    ready("p-1", { caseNos: ["A3306812345678901234567"] });
    ready("p-2", { caseNos: ["A3306812345678901234567"] });
    ready("p-3", { caseNos: ["A3306800000000000000000"] });
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
    const r = h.run("assign_holding", { personId: "p-2", roomId: "hold-1" });
    expect(r).toMatchObject({ status: "rejected", verdict: "needs_override", codes: ["same_case"], details: { sameCaseIds: ["p-1"] } });
    expect(h.sessionOf("p-2")?.holdingRoomId).toBeUndefined();
    expect(h.run("assign_holding", { personId: "p-3", roomId: "hold-1" })).toMatchObject({ status: "ok", codes: [] });
  });

  it("same_case also follows explicit co-case links and incident numbers", () => {
    h = new Harness();
    ready("p-1", { incidentNos: ["J-1"] });
    ready("p-2", { coCaseLinks: ["p-1"] });
    ready("p-3", { incidentNos: ["J-1"] });
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
    expect(h.run("assign_holding", { personId: "p-2", roomId: "hold-1" })).toMatchObject({ codes: ["same_case"] });
    expect(h.run("assign_holding", { personId: "p-3", roomId: "hold-1" })).toMatchObject({ codes: ["same_case"] });
  });

  it("mixed_sex: a woman into a room holding a man, or into a men's room; a woman alone is fine", () => {
    h = new Harness();
    ready("m-1");
    ready("f-1", { sex: "female" });
    ready("f-2", { sex: "female" });
    h.ok("assign_holding", { personId: "m-1", roomId: "hold-1" });
    expect(h.run("assign_holding", { personId: "f-1", roomId: "hold-1" })).toMatchObject({ verdict: "needs_override", codes: ["mixed_sex"] });
    expect(h.run("assign_holding", { personId: "f-1", roomId: "hold-2" })).toMatchObject({ verdict: "needs_override", codes: ["mixed_sex"] });
    expect(h.run("assign_holding", { personId: "f-1", roomId: "wait-1" })).toMatchObject({ status: "ok" });
    expect(h.run("assign_holding", { personId: "f-2", roomId: "wait-1" })).toMatchObject({ status: "ok", codes: [] });
  });

  it("minor_room: a minor into an ordinary room; adult_in_juvenile_room the other way; each in their own room is fine", () => {
    h = new Harness();
    ready("kid", { birthDate: "2010-03-01" });
    ready("kid-2", { birthDate: "2009-03-01" });
    ready("adult");
    expect(h.run("assign_holding", { personId: "kid", roomId: "hold-1" })).toMatchObject({ verdict: "needs_override", codes: ["minor_room"] });
    expect(h.run("assign_holding", { personId: "adult", roomId: "hold-j" })).toMatchObject({ verdict: "needs_override", codes: ["adult_in_juvenile_room"] });
    expect(h.run("assign_holding", { personId: "kid", roomId: "hold-j" })).toMatchObject({ status: "ok", codes: [] });
    expect(h.run("assign_holding", { personId: "kid-2", roomId: "hold-j" })).toMatchObject({ status: "ok", codes: [] });
    expect(h.run("assign_holding", { personId: "adult", roomId: "hold-1" })).toMatchObject({ status: "ok", codes: [] });
  });

  it("age is taken on the local calendar: the day before the 18th birthday is still a minor", () => {
    h = new Harness(); // 2026-01-05 09:00 Asia/Shanghai
    ready("almost", { birthDate: "2008-01-06" });
    ready("just", { birthDate: "2008-01-05" });
    expect(h.run("assign_holding", { personId: "almost", roomId: "hold-1" })).toMatchObject({ codes: ["minor_room"] });
    expect(h.run("assign_holding", { personId: "just", roomId: "hold-1" })).toMatchObject({ status: "ok" });
  });

  it("special_category: a special-category person into an ordinary room; a waiting room is fine", () => {
    h = new Harness();
    ready("p-ill", { vulnerable: ["ill"] });
    expect(h.run("assign_holding", { personId: "p-ill", roomId: "hold-1" })).toMatchObject({ verdict: "needs_override", codes: ["special_category"] });
    expect(h.run("assign_holding", { personId: "p-ill", roomId: "wait-1" })).toMatchObject({ status: "ok", codes: [] });
  });

  it("capacity: a full room needs an override; one place left is fine", () => {
    h = new Harness();
    for (const id of ["p-1", "p-2", "p-3"]) ready(id);
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
    expect(h.run("assign_holding", { personId: "p-2", roomId: "hold-1" })).toMatchObject({ status: "ok", codes: [] });
    expect(h.run("assign_holding", { personId: "p-3", roomId: "hold-1" })).toMatchObject({ verdict: "needs_override", codes: ["capacity"], details: { capacity: 2, occupants: 2 } });
  });

  it("several codes at once are all reported", () => {
    h = new Harness();
    ready("m-1", { caseNos: ["C-1"] });
    ready("f-1", { sex: "female", caseNos: ["C-1"], vulnerable: ["suicide_risk"] });
    h.ok("assign_holding", { personId: "m-1", roomId: "hold-1" });
    expect(h.run("assign_holding", { personId: "f-1", roomId: "hold-1" })).toMatchObject({ codes: ["same_case", "mixed_sex", "special_category"] });
  });

  it("denies what no override can fix: unknown or non-holding room, not in the area, already assigned", () => {
    h = new Harness();
    h.ok("register", { personId: "p-0", role: "detainee", legalBasis: "summons" });
    expect(h.run("assign_holding", { personId: "p-0", roomId: "hold-1" })).toMatchObject({ verdict: "deny", codes: ["not_in_area"] });
    ready("p-1");
    expect(h.run("assign_holding", { personId: "p-1", roomId: "nope" })).toMatchObject({ verdict: "deny", codes: ["unknown_room"] });
    expect(h.run("assign_holding", { personId: "p-1", roomId: "int-1" })).toMatchObject({ verdict: "deny", codes: ["not_holding_room"] });
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
    expect(h.run("assign_holding", { personId: "p-1", roomId: "hold-1" })).toMatchObject({ verdict: "deny", codes: ["already_assigned"] });
    expect(h.run("assign_holding", { personId: "p-1", roomId: "wait-1" })).toMatchObject({ verdict: "deny", codes: ["assigned_elsewhere"] });
    expect(h.override("assign_holding", { personId: "p-1", roomId: "wait-1" })).toMatchObject({ status: "rejected", verdict: "deny" });
  });
});

describe("R06 vulnerable fast track", () => {
  it("continued questioning of a 15-year-old: 4 h deadline and no holding room, even with an override", () => {
    h = new Harness();
    ready("kid", { legalBasis: "continued_questioning", birthDate: "2010-06-01" });
    expect(h.svc.clockOfPerson("kid")).toMatchObject({ limitH: 4 });
    expect(h.run("assign_holding", { personId: "kid", roomId: "hold-j" })).toMatchObject({ verdict: "deny", codes: ["vulnerable_holding_forbidden"] });
    expect(h.override("assign_holding", { personId: "kid", roomId: "hold-j" })).toMatchObject({ status: "rejected", verdict: "deny" });
    expect(h.run("extend_clock", { personId: "kid", newLimitH: 24, approver: "chief", reason: "more questions" })).toMatchObject({ codes: ["vulnerable_fixed_deadline"] });
  });

  it("pregnant, nursing and 70+ are fast-tracked; a 16-year-old or a criminal summons is not", () => {
    h = new Harness();
    ready("preg", { legalBasis: "continued_questioning", sex: "female", vulnerable: ["pregnant"] });
    ready("nurse", { legalBasis: "continued_questioning", sex: "female", vulnerable: ["nursing_infant"] });
    ready("old", { legalBasis: "continued_questioning", birthDate: "1955-01-01" });
    ready("sixteen", { legalBasis: "continued_questioning", birthDate: "2009-12-01" });
    ready("kid-summons", { legalBasis: "summons", birthDate: "2012-01-01" });
    for (const id of ["preg", "nurse", "old"]) expect(h.svc.clockOfPerson(id)?.limitH).toBe(4);
    expect(h.svc.clockOfPerson("sixteen")?.limitH).toBe(12);
    expect(h.svc.clockOfPerson("kid-summons")?.limitH).toBe(12);
    expect(h.run("assign_holding", { personId: "sixteen", roomId: "hold-j" })).toMatchObject({ status: "ok", codes: [] });
  });

  it("the 4 h deadline comes from config R06.limitH (the key the R06 detector reads too)", () => {
    h = new Harness({ rules: { R06: { limitH: 3 } } });
    ready("old", { legalBasis: "continued_questioning", birthDate: undefined, ageYears: 75 });
    expect(h.svc.clockOfPerson("old")?.limitH).toBe(3);
  });
});

describe("R28 process order", () => {
  it("warns by default: the assignment goes through with process_step_skipped and the missing steps", () => {
    h = new Harness();
    h.admit("p-1");
    h.ok("record_step", { personId: "p-1", step: "security_check", officerIds: ["o-1", "o-2"] });
    const r = h.run("assign_holding", { personId: "p-1", roomId: "hold-1" });
    expect(r).toMatchObject({ status: "ok", codes: ["process_step_skipped"] });
    expect(h.events.at(-1)).toMatchObject({ type: "HOLDING_ASSIGNED", payload: { precheckCodes: ["process_step_skipped"] } });
  });

  it("blocks when configured, until overridden; all steps done is quiet", () => {
    h = new Harness({ rules: { R28: { mode: "block" } } });
    h.admit("p-1");
    h.ok("record_step", { personId: "p-1", step: "security_check", officerIds: ["o-1", "o-2"] });
    expect(h.run("assign_holding", { personId: "p-1", roomId: "hold-1" })).toMatchObject({
      verdict: "needs_override",
      codes: ["process_step_skipped"],
      details: { missingSteps: ["belongings", "info_capture"] },
    });
    expect(h.run("start_interrogation", { personId: "p-1", roomId: "int-1", officerIds: ["o-1", "o-2"] })).toMatchObject({ verdict: "needs_override" });
    expect(h.override("assign_holding", { personId: "p-1", roomId: "hold-1" })).toMatchObject({ status: "ok", overridden: ["process_step_skipped"] });
    ready("p-2");
    expect(h.run("assign_holding", { personId: "p-2", roomId: "wait-1" })).toMatchObject({ status: "ok", codes: [] });
  });

  it("an incomplete capture does not count as the capture step", () => {
    h = new Harness({ rules: { R28: { mode: "block", steps: ["info_capture"] } } });
    h.admit("p-1");
    expect(h.run("record_step", { personId: "p-1", step: "info_capture", items: ["dna"], complete: false })).toMatchObject({ status: "ok", codes: ["capture_incomplete"] });
    expect(h.run("assign_holding", { personId: "p-1", roomId: "hold-1" })).toMatchObject({ verdict: "needs_override" });
    h.ok("record_step", { personId: "p-1", step: "info_capture", items: ["dna"], complete: true });
    expect(h.run("assign_holding", { personId: "p-1", roomId: "hold-1" })).toMatchObject({ status: "ok", codes: [] });
  });
});
