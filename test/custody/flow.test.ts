import { afterEach, describe, expect, it } from "vitest";
import { EventEnvelope } from "../../src/core/envelope.js";
import { EventFactory, MemorySequencer } from "../../src/core/events.js";
import { Harness } from "./harness.js";

const MIN = 60_000;
let h: Harness;
afterEach(() => h.destroy());

describe("full custody flow", () => {
  it("arrival → search → belongings → capture → holding → interrogation → holding → exit: exactly these events", () => {
    h = new Harness();
    const arrivalAt = h.clock.now() - 10 * MIN;
    const person = "p-1";
    const step = (name: string, args: Record<string, unknown>) => {
      h.ok(name, { personId: person, ...args });
      h.clock.advance(5 * MIN);
    };
    step("register", { role: "detainee", legalBasis: "summons", sex: "male", birthDate: "1988-02-03", caseNos: ["A3306812345678901234567"], arrivalAt });
    step("bind", { tagIds: ["hf-7", "lf-7"] });
    step("record_step", { step: "security_check", officerIds: ["o-1", "o-2"], findings: "none" });
    step("record_step", { step: "belongings_stored", lockerId: "locker-12", itemsRef: "inv-1", signed: true });
    step("record_step", { step: "info_capture", items: ["fingerprint", "dna", "urine"], complete: true });
    step("assign_holding", { roomId: "hold-1" });
    step("welfare", { kind: "water" });
    step("release_holding", {});
    step("start_interrogation", { roomId: "int-1", officerIds: ["o-1", "o-2"], recorderChannels: ["nvr-1/3"] });
    h.clock.advance(2 * 60 * MIN);
    step("end_interrogation", {});
    step("verify_record", {});
    step("assign_holding", { roomId: "hold-1" });
    step("release_holding", {});
    step("record_step", { step: "belongings_returned", lockerId: "locker-12", signed: true });
    step("exit", { destination: "看守所", outcome: "刑事拘留", faceMatchScore: 96 });

    expect(h.eventTypes()).toEqual([
      "PERSON_REGISTERED",
      "TAG_BOUND",
      "SECURITY_CHECK_DONE",
      "BELONGINGS_STORED",
      "INFO_COLLECTED",
      "HOLDING_ASSIGNED",
      "WELFARE_LOGGED",
      "HOLDING_RELEASED",
      "INTERROGATION_STARTED",
      "INTERROGATION_ENDED",
      "RECORD_VERIFIED",
      "HOLDING_ASSIGNED",
      "HOLDING_RELEASED",
      "BELONGINGS_RETURNED",
      "TAG_UNBOUND",
      "PERSON_EXITED",
    ]);
    expect(new Set(h.events.map((e) => e.category))).toEqual(new Set(["lifecycle"]));
    const sessionId = h.events[0]!.sessionId;
    expect(sessionId).toBeDefined();
    for (const e of h.events) expect(e).toMatchObject({ personId: person, role: "detainee", sessionId, caseNo: "A3306812345678901234567", source: { origin: "operator:op-1" } });
    expect(h.events[0]!.payload).toMatchObject({ legalBasis: "summons", arrivalAt, limitH: 12, sex: "male", precheckCodes: [] });
    expect(h.events[5]).toMatchObject({ roomId: "hold-1", payload: { roomId: "hold-1", precheckCodes: [], override: null } });
    expect(h.events[8]).toMatchObject({ roomId: "int-1", payload: { officerIds: ["o-1", "o-2"], type: "interrogation", recorderChannels: ["nvr-1/3"], precheckCodes: [] } });
    expect(h.events[9]!.payload).toMatchObject({ durationMs: 125 * MIN });
    expect(h.events[14]).toMatchObject({ payload: { tagIds: ["hf-7", "lf-7"], reason: "exit" }, subjects: [{ kind: "person" }, { kind: "tag", id: "hf-7" }, { kind: "tag", id: "lf-7" }] });
    expect(h.events[15]!.payload).toMatchObject({ destination: "看守所", outcome: "刑事拘留", belongingsReturned: true, faceMatchScore: 96, elapsedMs: 10 * MIN + 14 * 5 * MIN + 120 * MIN });
    // Every event of one command carries the command id.
    expect(h.events.at(-1)!.correlationId).toBe(h.events.at(-2)!.correlationId);

    // The drafts are valid envelopes once stamped.
    const factory = new EventFactory("center-1", h.clock, new MemorySequencer());
    for (const d of h.events) expect(EventEnvelope.safeParse(factory.make(d)).success).toBe(true);
  });

  it("a one-officer interrogation starts with a warning (R13 is watched at runtime); two officers are quiet", () => {
    h = new Harness();
    h.admit("p-1");
    h.admit("p-2");
    h.process("p-1");
    h.process("p-2");
    expect(h.run("start_interrogation", { personId: "p-1", roomId: "int-1", officerIds: ["o-1"] })).toMatchObject({ status: "ok", codes: ["single_officer"] });
    expect(h.run("start_interrogation", { personId: "p-2", roomId: "int-2", officerIds: ["o-2", "o-3"] })).toMatchObject({ status: "ok", codes: [] });
  });

  it("co-accused are questioned one at a time: a second person in the same room needs an override", () => {
    h = new Harness();
    h.admit("p-1");
    h.admit("p-2");
    h.process("p-1");
    h.process("p-2");
    h.ok("start_interrogation", { personId: "p-1", roomId: "int-1", officerIds: ["o-1", "o-2"] });
    expect(h.run("start_interrogation", { personId: "p-2", roomId: "int-1", officerIds: ["o-3", "o-4"] })).toMatchObject({ verdict: "needs_override", codes: ["room_in_use"] });
    expect(h.override("start_interrogation", { personId: "p-2", roomId: "int-1", officerIds: ["o-3", "o-4"] }, "confrontation 对质")).toMatchObject({ status: "ok" });
    expect(h.eventTypes().slice(-2)).toEqual(["INTERROGATION_STARTED", "ASSIGNMENT_OVERRIDE"]);
  });

  it("interrogation needs the person out of holding (提讯) and in a questioning room", () => {
    h = new Harness();
    h.admit("p-1");
    h.process("p-1");
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
    expect(h.run("start_interrogation", { personId: "p-1", roomId: "int-1", officerIds: ["o-1", "o-2"] })).toMatchObject({ codes: ["in_holding"] });
    h.ok("release_holding", { personId: "p-1" });
    expect(h.run("start_interrogation", { personId: "p-1", roomId: "corridor", officerIds: ["o-1", "o-2"] })).toMatchObject({ codes: ["not_interrogation_room"] });
    expect(h.run("start_interrogation", { personId: "p-1", roomId: "cap-1", officerIds: ["o-1"], kind: "single_recorded_task" })).toMatchObject({ codes: ["recording_required"] });
    expect(h.run("start_interrogation", { personId: "p-1", roomId: "cap-1", officerIds: ["o-1"], kind: "single_recorded_task", recorderChannels: ["nvr-1/1"] })).toMatchObject({ status: "ok", codes: [] });
  });

  it("patrol punches name the room and the officer", () => {
    h = new Harness();
    h.ok("patrol_punch", { roomId: "hold-1" });
    expect(h.events.at(-1)).toMatchObject({ type: "PATROL_PUNCH", roomId: "hold-1", payload: { officerId: "op-1", roomId: "hold-1" } });
    expect(h.run("patrol_punch", { roomId: "nowhere" })).toMatchObject({ codes: ["unknown_room"] });
  });
});
