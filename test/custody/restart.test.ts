import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

const H = 3_600_000;
let h: Harness;
afterEach(() => h.destroy());

describe("restart in the middle of custody sessions (real SQLite file)", () => {
  it("keeps clocks, holding assignments, interrogations, bindings and command results", () => {
    h = new Harness();
    h.admit("p-1", { caseNos: ["C-1"], idNumber: "ID-1" }, "t-1");
    h.admit("p-2", { caseNos: ["C-1"] }, "t-2");
    h.ok("register", { personId: "off-1", role: "officer", sex: "female" });
    h.ok("bind", { personId: "off-1", tagIds: ["ot-1"] });
    h.process("p-1");
    h.process("p-2");
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
    h.ok("start_interrogation", { personId: "p-2", roomId: "int-1", officerIds: ["o-1", "o-2"] });
    h.ok("extend_clock", { personId: "p-2", newLimitH: 24, approver: "chief", reason: "complex" }, { commandId: "ext-1" });
    h.clock.advance(3 * H);
    const before = { s1: h.sessionOf("p-1"), s2: h.sessionOf("p-2") };

    h.restart({ crash: true, downMs: 20 * 60_000 });

    expect(h.sessionOf("p-1")).toEqual(before.s1);
    expect(h.sessionOf("p-2")).toEqual(before.s2);
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ elapsedMs: 3 * H + 20 * 60_000, limitH: 12 });
    expect(h.svc.clockOfPerson("p-2")).toMatchObject({ limitH: 24 });
    expect(h.svc.reader.heldIn("hold-1").map((s) => s.personId)).toEqual(["p-1"]);
    expect(h.svc.reader.interrogatedIn("int-1").map((s) => s.personId)).toEqual(["p-2"]);
    expect(h.svc.bindings.lookup("t-1")).toMatchObject({ personId: "p-1", role: "detainee", sessionId: before.s1?.sessionId });
    expect(h.svc.bindings.lookup("ot-1")).toEqual({ personId: "off-1", role: "officer" });
    expect(h.svc.view.coCase("p-1", "p-2")).toBe(true);

    // The separation pre-check still sees p-1 in the room.
    h.ok("end_interrogation", { personId: "p-2" });
    expect(h.run("assign_holding", { personId: "p-2", roomId: "hold-1" })).toMatchObject({ codes: ["same_case"] });

    // Idempotency survives: the extension is answered, not applied twice.
    const events = h.events.length;
    expect(h.run("extend_clock", { personId: "p-2", newLimitH: 24, approver: "chief", reason: "complex" }, { commandId: "ext-1" })).toMatchObject({ status: "ok", replayed: true });
    expect(h.sessionOf("p-2")?.extensions).toHaveLength(1);
    expect(h.events.length).toBe(events);
  });

  it("keeps recently exited sessions for the re-summons check, and registrations without a session", () => {
    h = new Harness();
    h.admit("p-1", { idNumber: "ID-1" });
    h.ok("exit", { personId: "p-1", destination: "home", outcome: "教育释放" });
    h.ok("register", { personId: "w-1", role: "witness", sex: "female" });
    h.restart({ downMs: H });
    expect(h.svc.view.person("w-1")).toMatchObject({ role: "witness" });
    expect(h.run("register", { personId: "p-9", role: "detainee", legalBasis: "summons", idNumber: "ID-1" })).toMatchObject({ codes: ["resummons_within_12h"] });
  });

  it("a person whose records aged out of memory can be registered again", () => {
    h = new Harness();
    h.admit("p-1", { idNumber: "ID-1" });
    h.ok("exit", { personId: "p-1", destination: "home", outcome: "教育释放" });
    h.restart({ downMs: 100 * H });
    expect(h.svc.view.person("p-1")).toBeUndefined();
    expect(h.run("register", { personId: "p-1", role: "detainee", legalBasis: "summons", idNumber: "ID-1" })).toMatchObject({ status: "ok", codes: [] });
    expect(h.svc.view.person("p-1")).toMatchObject({ idNumber: "ID-1" });
  });
});
