import { afterEach, describe, expect, it } from "vitest";
import * as f from "./flow.js";
import { MIN, SEC, Scenario } from "./harness.js";

let s: Scenario;
afterEach(() => s.close());


describe("staffing and exit variants of the full flow", () => {
  it("the detainee is left alone in the search room: DETAINEE_UNATTENDED (R14) and, a search without its two officers, SEARCH_STAFFING_VIOLATION (R27); both clear when the officers return; nothing else", () => {
    s = new Scenario();
    f.openCenter(s);
    f.arrive(s, "p-1");
    s.walk(["p-1", ...f.ESCORTS], "corridor", "search");
    s.advance(3 * MIN);
    s.walk([...f.ESCORTS], "corridor");
    const alone = Math.max(...f.ESCORTS.map((o) => s.enteredAt(o, "corridor")));
    s.advance(25 * SEC);
    expect(s.alarmEvents()).toEqual([]);
    s.advance(2 * MIN);
    s.walk([...f.ESCORTS], "search");
    const back = Math.min(...f.ESCORTS.map((o) => s.enteredAt(o, "search")));
    s.advance(5 * MIN);
    s.ok("record_step", { personId: "p-1", step: "security_check", officerIds: [...f.ESCORTS], findings: "none" });
    s.advance(10 * MIN);

    expect(s.raised()).toEqual(["DETAINEE_UNATTENDED", "SEARCH_STAFFING_VIOLATION"]);
    expect(s.alarmTrail()).toEqual(["ALARM_RAISED DETAINEE_UNATTENDED", "ALARM_RAISED SEARCH_STAFFING_VIOLATION", "ALARM_RESOLVED DETAINEE_UNATTENDED", "ALARM_RESOLVED SEARCH_STAFFING_VIOLATION"]);
    const [unattended, staffing, ...resolved] = s.alarmEvents();
    expect(unattended).toMatchObject({ receivedAt: alone + 30 * SEC, roomId: "search", payload: { ruleId: "R14", severity: 3, subjects: ["p-1"], data: { roomId: "search", detaineeId: "p-1", dwellS: 30, unattendedSince: alone } } });
    expect(staffing).toMatchObject({ receivedAt: alone + 30 * SEC, roomId: "search", payload: { ruleId: "R27", data: { roomId: "search", officerIds: [], reasons: ["too_few_officers"] } } });
    // The first officer back attends the detainee; the search needs the second as well.
    expect(resolved.map((e) => e.receivedAt)).toEqual([back, Math.max(...f.ESCORTS.map((o) => s.enteredAt(o, "search")))]);
    expect(s.rules.openAlarms()).toEqual([]);
  });

  it("exit while in interrogation or still assigned to holding is refused by the R29 pre-check: no event, no alarm, audited; after 提讯 and belongings back it goes through", () => {
    s = new Scenario();
    f.upToInterrogation(s, "p-1", 30);
    const exitArgs = { personId: "p-1", destination: "home", outcome: "教育释放" };
    expect(s.run("exit", exitArgs)).toMatchObject({ status: "rejected", verdict: "deny", codes: ["in_interrogation", "belongings_not_returned"] });
    s.advance(30 * MIN);
    f.endInterrogation(s, "p-1");
    f.toHolding(s, "p-1");
    s.advance(10 * MIN);
    expect(s.run("exit", exitArgs)).toMatchObject({ status: "rejected", verdict: "deny", codes: ["in_holding", "belongings_not_returned"], details: { holdingRoomId: "holding-1" } });
    // A deny is never overridden.
    expect(s.override("exit", exitArgs, "family waiting")).toMatchObject({ status: "rejected", verdict: "deny", codes: ["in_holding", "belongings_not_returned"] });
    f.fetch(s, "p-1");
    expect(s.run("exit", exitArgs)).toMatchObject({ status: "rejected", verdict: "needs_override", codes: ["belongings_not_returned"] });
    const before = s.lifecycle("p-1").length;
    f.release(s, "p-1");

    expect(s.lifecycle("p-1").map((e) => e.type)).toEqual(f.CLEAN_DETAINEE_LIFECYCLE);
    expect(s.lifecycle("p-1").slice(before).map((e) => e.type)).toEqual(["BELONGINGS_RETURNED", "TAG_UNBOUND", "PERSON_EXITED"]);
    expect(s.alarmEvents()).toEqual([]);
    const audits = s
      .committed()
      .filter((e) => e.type === "AUDIT_RECORD" && (e.payload.action === "custody.exit" || e.payload.action === "custody.override"))
      .map((e) => [e.payload.action, (e.payload.data as { status: string }).status, (e.payload.data as { codes?: string[] }).codes]);
    expect(audits).toEqual([
      ["custody.exit", "rejected", ["in_interrogation", "belongings_not_returned"]],
      ["custody.exit", "rejected", ["in_holding", "belongings_not_returned"]],
      ["custody.override", "rejected", ["in_holding", "belongings_not_returned"]],
      ["custody.exit", "rejected", ["belongings_not_returned"]],
      ["custody.exit", "ok", []],
    ]);
  });
});
