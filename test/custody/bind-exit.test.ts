import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

const H = 3_600_000;
let h: Harness;
afterEach(() => h.destroy());

describe("R02 bind", () => {
  it("a tag bound to someone else is refused; a free tag is bound", () => {
    h = new Harness();
    h.admit("p-1", {}, "t-1");
    h.ok("register", { personId: "p-2", role: "detainee", legalBasis: "summons" });
    expect(h.run("bind", { personId: "p-2", tagIds: ["t-1"] })).toMatchObject({ verdict: "deny", codes: ["tag_bound"], details: { tagId: "t-1", boundTo: "p-1" } });
    expect(h.run("bind", { personId: "p-2", tagIds: ["t-2"] })).toMatchObject({ status: "ok" });
    expect(h.svc.bindings.lookup("t-2")).toEqual({ personId: "p-2", role: "detainee", sessionId: h.sessionOf("p-2")?.sessionId });
  });

  it("a person who already wears a tag gets no second one; an HF+LF pair in one bind is one wristband", () => {
    h = new Harness();
    h.ok("register", { personId: "p-1", role: "detainee", legalBasis: "summons" });
    h.ok("bind", { personId: "p-1", tagIds: ["hf-1", "lf-1"] });
    expect(h.sessionOf("p-1")?.tagIds).toEqual(["hf-1", "lf-1"]);
    expect(h.run("bind", { personId: "p-1", tagIds: ["hf-2"] })).toMatchObject({ verdict: "deny", codes: ["person_bound"] });
  });

  it("low-battery or tampered tags are refused; a healthy one is not", () => {
    h = new Harness({ tagHealth: (t) => (t === "low" ? { lowBattery: true } : t === "cut" ? { tampered: true } : { lowBattery: false, tampered: false }) });
    h.ok("register", { personId: "p-1", role: "detainee", legalBasis: "summons" });
    expect(h.run("bind", { personId: "p-1", tagIds: ["low"] })).toMatchObject({ codes: ["tag_low_battery"] });
    expect(h.run("bind", { personId: "p-1", tagIds: ["cut"] })).toMatchObject({ codes: ["tag_tampered"] });
    expect(h.run("bind", { personId: "p-1", tagIds: ["good"] })).toMatchObject({ status: "ok", codes: [] });
  });

  it("an unknown person, or a detainee whose session has ended, cannot be bound", () => {
    h = new Harness();
    expect(h.run("bind", { personId: "ghost", tagIds: ["t-9"] })).toMatchObject({ codes: ["unknown_person"] });
    h.admit("p-1", {}, "t-1");
    h.ok("exit", { personId: "p-1", destination: "home", outcome: "教育释放", belongingsReturned: true });
    expect(h.run("bind", { personId: "p-1", tagIds: ["t-1"] })).toMatchObject({ codes: ["no_open_session"] });
  });

  it("officers are bound without a custody session; exit of an officer just unbinds", () => {
    h = new Harness();
    h.ok("register", { personId: "off-1", role: "officer", sex: "female" });
    h.ok("bind", { personId: "off-1", tagIds: ["ot-1"] });
    expect(h.svc.bindings.lookup("ot-1")).toEqual({ personId: "off-1", role: "officer" });
    expect(h.sessionOf("off-1")).toBeUndefined();
    h.ok("exit", { personId: "off-1", destination: "off duty", outcome: "shift end" });
    expect(h.svc.bindings.lookup("ot-1")).toBeUndefined();
  });

  it("unbinding mid-session needs a reason; the freed tag can be bound again", () => {
    h = new Harness();
    h.admit("p-1", {}, "t-1");
    expect(h.run("unbind", { personId: "p-1" })).toMatchObject({ codes: ["reason_required"] });
    h.ok("unbind", { personId: "p-1", reason: "strap broken" });
    expect(h.svc.bindings.lookup("t-1")).toBeUndefined();
    h.ok("bind", { personId: "p-1", tagIds: ["t-2"] });
    expect(h.eventTypes().slice(-2)).toEqual(["TAG_UNBOUND", "TAG_BOUND"]);
  });
});

describe("R18 temporary exit", () => {
  it("needs a listed reason, an approver and a planned return; then the clock keeps running", () => {
    h = new Harness();
    h.admit("p-1");
    const planned = h.clock.now() + 2 * H;
    expect(h.run("temp_exit", { personId: "p-1", reason: "shopping", approver: "chief", plannedReturnAt: planned })).toMatchObject({ codes: ["invalid_reason"] });
    expect(h.run("temp_exit", { personId: "p-1", reason: "medical" })).toMatchObject({ codes: ["approver_required", "planned_return_required"] });
    expect(h.run("temp_exit", { personId: "p-1", reason: "other", approver: "chief", plannedReturnAt: planned })).toMatchObject({ codes: ["reason_note_required"] });
    expect(h.run("temp_exit", { personId: "p-1", reason: "medical", approver: "chief", plannedReturnAt: h.clock.now() - 1 })).toMatchObject({ codes: ["planned_return_in_past"] });
    h.ok("temp_exit", { personId: "p-1", reason: "identify_scene", approver: "chief", plannedReturnAt: planned });
    expect(h.sessionOf("p-1")?.state).toBe("temp_exit");
    h.clock.advance(3 * H);
    expect(h.svc.clockOfPerson("p-1")?.elapsedMs).toBe(3 * H);
    h.ok("temp_return", { personId: "p-1" });
    expect(h.events.at(-1)).toMatchObject({ type: "TEMP_EXIT_RETURNED", payload: { late: true, plannedReturnAt: planned } });
    expect(h.sessionOf("p-1")?.state).toBe("in_area");
  });

  it("not while held or questioned; not twice", () => {
    h = new Harness();
    h.admit("p-1");
    h.process("p-1");
    const args = { personId: "p-1", reason: "medical", approver: "chief", plannedReturnAt: h.clock.now() + H };
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
    expect(h.run("temp_exit", args)).toMatchObject({ codes: ["in_holding"] });
    h.ok("release_holding", { personId: "p-1" });
    h.ok("start_interrogation", { personId: "p-1", roomId: "int-1", officerIds: ["o-1", "o-2"] });
    expect(h.run("temp_exit", args)).toMatchObject({ codes: ["in_interrogation"] });
    h.ok("end_interrogation", { personId: "p-1" });
    h.ok("temp_exit", args);
    expect(h.run("temp_exit", args)).toMatchObject({ codes: ["not_in_area"] });
    expect(h.run("temp_return", { personId: "p-1" })).toMatchObject({ status: "ok" });
    expect(h.run("temp_return", { personId: "p-1" })).toMatchObject({ codes: ["not_on_temp_exit"] });
  });
});

describe("R29 exit gating", () => {
  const exitArgs = { personId: "p-1", destination: "看守所", outcome: "刑事拘留" };

  it("refused while in an interrogation or still in a holding room; allowed once released", () => {
    h = new Harness();
    h.admit("p-1");
    h.process("p-1");
    h.ok("start_interrogation", { personId: "p-1", roomId: "int-1", officerIds: ["o-1", "o-2"] });
    expect(h.run("exit", { ...exitArgs, belongingsReturned: true })).toMatchObject({ verdict: "deny", codes: ["in_interrogation"] });
    h.ok("end_interrogation", { personId: "p-1" });
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
    expect(h.run("exit", { ...exitArgs, belongingsReturned: true })).toMatchObject({ verdict: "deny", codes: ["in_holding"] });
    expect(h.override("exit", { ...exitArgs, belongingsReturned: true })).toMatchObject({ status: "rejected", verdict: "deny" });
    h.ok("release_holding", { personId: "p-1" });
    expect(h.run("exit", { ...exitArgs, belongingsReturned: true })).toMatchObject({ status: "ok", codes: [] });
  });

  it("belongings not returned need the operator's confirmation (an override with a reason)", () => {
    h = new Harness();
    h.admit("p-1");
    h.process("p-1");
    expect(h.run("exit", exitArgs)).toMatchObject({ verdict: "needs_override", codes: ["belongings_not_returned"] });
    const r = h.override("exit", exitArgs, "belongings go with the person to the detention center");
    expect(r).toMatchObject({ status: "ok", overridden: ["belongings_not_returned"] });
    expect(h.events.at(-1)).toMatchObject({ type: "PERSON_EXITED", payload: { belongingsReturned: false, override: { codes: ["belongings_not_returned"] } } });
  });

  it("returned belongings (recorded or stated) are quiet", () => {
    h = new Harness();
    h.admit("p-1");
    h.process("p-1");
    h.ok("record_step", { personId: "p-1", step: "belongings_returned", lockerId: "l-1", signed: true });
    expect(h.run("exit", exitArgs)).toMatchObject({ status: "ok", codes: [] });
  });

  it("exit unbinds every tag, stops the clock and closes the session", () => {
    h = new Harness();
    h.admit("p-1", {}, "t-1");
    h.clock.advance(5 * H);
    h.ok("exit", { ...exitArgs, faceMatchScore: 97 });
    expect(h.svc.bindings.lookup("t-1")).toBeUndefined();
    expect(h.sessionOf("p-1")).toBeUndefined();
    const closed = h.svc.view.previousSessionOf(h.svc.view.person("p-1")!)!;
    expect(closed).toMatchObject({ state: "exited", exit: { destination: "看守所", faceMatchScore: 97 } });
    h.clock.advance(H);
    expect(h.svc.clockOf(closed.sessionId)).toMatchObject({ running: false, elapsedMs: 5 * H });
    expect(h.eventTypes().slice(-2)).toEqual(["TAG_UNBOUND", "PERSON_EXITED"]);
  });

  it("R06: a vulnerable person released at night needs the family pickup recorded; by day it does not", () => {
    h = new Harness(); // 09:00 local
    h.admit("kid", { legalBasis: "continued_questioning", birthDate: "2012-01-01" });
    h.admit("kid-2", { legalBasis: "continued_questioning", birthDate: "2012-01-01" });
    expect(h.run("exit", { personId: "kid", destination: "home", outcome: "教育释放" })).toMatchObject({ status: "ok" });
    h.clock.advance(13 * H); // 22:00 local
    expect(h.run("exit", { personId: "kid-2", destination: "home", outcome: "教育释放" })).toMatchObject({ codes: ["family_pickup_required"] });
    expect(h.run("exit", { personId: "kid-2", destination: "home", outcome: "教育释放", familyPickup: true })).toMatchObject({ status: "ok" });
  });
});

describe("R31 re-summons", () => {
  it("a new summons of the same person (by id number) within 12 h warns; after 12 h it is quiet", () => {
    h = new Harness();
    h.admit("p-1", { idNumber: "330481199005010011" });
    h.ok("exit", { personId: "p-1", destination: "home", outcome: "教育释放" });
    h.clock.advance(5 * H);
    const r = h.run("register", { personId: "p-1b", role: "detainee", legalBasis: "summons", idNumber: "330481199005010011" });
    expect(r).toMatchObject({ status: "ok", codes: ["resummons_within_12h"] });
    expect(h.events.at(-1)).toMatchObject({ type: "PERSON_REGISTERED", payload: { precheckCodes: ["resummons_within_12h"] } });
    h.ok("bind", { personId: "p-1b", tagIds: ["t-b"] });
    h.ok("exit", { personId: "p-1b", destination: "home", outcome: "教育释放" });
    h.clock.advance(12 * H);
    expect(h.run("register", { personId: "p-1", role: "detainee", legalBasis: "summons", idNumber: "330481199005010011" })).toMatchObject({ status: "ok", codes: [] });
  });

  it("a different person, or a non-summons basis, is quiet", () => {
    h = new Harness();
    h.admit("p-1", { idNumber: "A" });
    h.ok("exit", { personId: "p-1", destination: "home", outcome: "教育释放" });
    expect(h.run("register", { personId: "p-2", role: "detainee", legalBasis: "summons", idNumber: "B" })).toMatchObject({ codes: [] });
    expect(h.run("register", { personId: "p-1", role: "detainee", legalBasis: "criminal_detention", idNumber: "A" })).toMatchObject({ codes: [] });
  });

  it("a person with an open session cannot be registered again", () => {
    h = new Harness();
    h.admit("p-1");
    expect(h.run("register", { personId: "p-1", role: "detainee", legalBasis: "summons" })).toMatchObject({ verdict: "deny", codes: ["session_open"] });
  });
});
