import { afterEach, describe, expect, it } from "vitest";
import * as f from "./flow.js";
import { HOUR, MIN, SEC, Scenario } from "./harness.js";

let s: Scenario;
afterEach(() => s.close());


describe("holding variants of the full flow", () => {
  it("two co-case detainees put in one holding room by an override: CO_CASE_CONTACT after R10's 5 min, cleared when one is moved, nothing else", () => {
    s = new Scenario();
    f.openCenter(s);
    f.arrive(s, "p-1");
    f.process(s, "p-1");
    f.toHolding(s, "p-1");
    s.walk([...f.ESCORTS], "corridor", "registration");
    f.arrive(s, "p-2");
    f.process(s, "p-2");
    f.patrol(s);

    // R09: the pre-check asks for an override; the override is audited and changes nothing else.
    expect(s.run("assign_holding", { personId: "p-2", roomId: "holding-1" })).toMatchObject({ status: "rejected", verdict: "needs_override", codes: ["same_case"] });
    expect(s.override("assign_holding", { personId: "p-2", roomId: "holding-1" }, "holding-2 being cleaned")).toMatchObject({ status: "ok", overridden: ["same_case"] });
    s.walk(["p-2", ...f.ESCORTS], "corridor");
    s.walk(["p-2"], "holding-1");
    s.walk([...f.ESCORTS], "duty-office");
    const together = s.enteredAt("p-2", "holding-1");
    s.advance(6 * MIN);

    // The duty officer separates them.
    f.fetch(s, "p-2");
    s.ok("assign_holding", { personId: "p-2", roomId: "holding-2" });
    s.walk(["p-2", ...f.ESCORTS], "corridor");
    s.walk(["p-2"], "holding-2");
    s.walk([...f.ESCORTS], "duty-office");
    s.advance(20 * MIN);

    expect(s.raised()).toEqual(["CO_CASE_CONTACT"]);
    expect(s.alarmTrail()).toEqual(["ALARM_RAISED CO_CASE_CONTACT", "ALARM_RESOLVED CO_CASE_CONTACT"]);
    const [raised, resolved] = s.alarmEvents();
    expect(raised).toMatchObject({ receivedAt: together + 300 * SEC, roomId: "holding-1", payload: { ruleId: "R10", subjects: ["p-1", "p-2"], data: { roomId: "holding-1", personIds: ["p-1", "p-2"], caseNo: f.CASE_NO, dwellS: 300 } } });
    expect(resolved!.receivedAt).toBe(s.stream().findLast((e) => e.type === "ZONE_EXIT" && e.personId === "p-2" && e.payload.fromZoneId === "holding-1")!.receivedAt);

    expect(s.lifecycle("p-2").map((e) => e.type)).toEqual(["PERSON_REGISTERED", "TAG_BOUND", "SECURITY_CHECK_DONE", "BELONGINGS_STORED", "INFO_COLLECTED", "HOLDING_ASSIGNED", "HOLDING_RELEASED", "HOLDING_ASSIGNED"]);
    const [overridden] = s.lifecycle("p-2").filter((e) => e.type === "HOLDING_ASSIGNED");
    const override = s.stream().find((e) => e.type === "ASSIGNMENT_OVERRIDE")!;
    expect(overridden!.payload).toMatchObject({ roomId: "holding-1", precheckCodes: ["same_case"], override: { by: "operator:op-desk", reason: "holding-2 being cleaned" } });
    expect(override).toMatchObject({ category: "audit", personId: "p-2", roomId: "holding-1", correlationId: overridden!.correlationId, payload: { command: "assign_holding", codes: ["same_case"] } });
    expect(s.rules.openAlarms()).toEqual([]);
  });

  it("a detainee still in holding at the clock warning: CUSTODY_TIME_WARNING at 12 h − 3 h, raised again at − 1 h, CUSTODY_TIME_EXCEEDED at 12 h until the exit; nothing else", () => {
    s = new Scenario();
    f.upToInterrogation(s, "p-1", 30);
    s.idle(HOUR);
    f.endInterrogation(s, "p-1");
    f.toHolding(s, "p-1");
    const arrival = s.custody.reader.openSession("p-1")!.arrivalAt;
    const deadline = arrival + 12 * HOUR;
    // Patrolled every 45 min and fed every 5 h while the hours pass.
    let lastMeal = s.lifecycle("p-1").findLast((e) => e.type === "WELFARE_LOGGED")!.receivedAt;
    while (s.clock.now() < deadline + 5 * MIN) {
      s.idle(Math.min(45 * MIN, deadline + 5 * MIN - s.clock.now()));
      f.patrol(s);
      if (s.clock.now() - lastMeal > 5 * HOUR) {
        s.ok("welfare", { personId: "p-1", kind: "meal" });
        lastMeal = s.clock.now();
      }
    }
    expect(s.run("ack_alarm", { alarmId: s.alarmId("CUSTODY_TIME_EXCEEDED"), note: "extension refused, releasing" })).toMatchObject({ status: "ok" });
    s.advance(30 * MIN);
    f.fetch(s, "p-1");
    f.release(s, "p-1");
    expect(s.run("resolve_alarm", { alarmId: s.alarmId("CUSTODY_TIME_EXCEEDED"), resolution: "resolved", note: "released 40 min late" })).toMatchObject({ status: "ok" });

    expect(s.raised()).toEqual(["CUSTODY_TIME_WARNING", "CUSTODY_TIME_EXCEEDED"]);
    expect(s.alarmTrail()).toEqual([
      "ALARM_RAISED CUSTODY_TIME_WARNING",
      "ALARM_UPDATED CUSTODY_TIME_WARNING", // 1 h left: the same alarm, severity up
      "ALARM_RAISED CUSTODY_TIME_EXCEEDED",
      "ALARM_RESOLVED CUSTODY_TIME_WARNING",
      "ALARM_RENOTIFIED CUSTODY_TIME_EXCEEDED",
      "ALARM_ACKED CUSTODY_TIME_EXCEEDED",
      "ALARM_UPDATED CUSTODY_TIME_EXCEEDED", // repeated after 30 min; then the exit ended the condition
      "ALARM_RESOLVED CUSTODY_TIME_EXCEEDED",
    ]);
    const events = s.alarmEvents();
    const warning = events.find((e) => e.type === "ALARM_RAISED" && e.payload.alarmType === "CUSTODY_TIME_WARNING")!;
    const final = events.find((e) => e.type === "ALARM_UPDATED" && e.payload.alarmType === "CUSTODY_TIME_WARNING")!;
    const exceeded = events.find((e) => e.type === "ALARM_RAISED" && e.payload.alarmType === "CUSTODY_TIME_EXCEEDED")!;
    // The hour-scale rules look every 10 s: each stage comes at its time, at most 10 s late.
    const near = (at: number, target: number) => expect((at - target) / SEC).toSatisfy((late: number) => late >= 0 && late <= 10);
    near(warning.receivedAt, deadline - 3 * HOUR);
    near(final.receivedAt, deadline - HOUR);
    near(exceeded.receivedAt, deadline);
    expect(warning.payload).toMatchObject({ ruleId: "R04", severity: 2, subjects: ["p-1"], data: { legalBasis: "summons", arrivalAt: arrival, deadline, limitH: 12 } });
    expect(final.payload).toMatchObject({ severity: 3, count: 2 });
    expect(exceeded.payload).toMatchObject({ ruleId: "R04", severity: 4, data: { deadline } });
    // Re-notified every minute until acknowledged.
    const acked = events.find((e) => e.type === "ALARM_ACKED")!;
    expect(events.filter((e) => e.type === "ALARM_RENOTIFIED")).toHaveLength(Math.floor((acked.receivedAt - exceeded.receivedAt) / MIN));
    // Acknowledged, the exceeded alarm still repeats; the exit ends its condition, but a critical
    // alarm stays open until a person resolves it.
    const exitAt = s.lifecycle("p-1").at(-1)!.receivedAt;
    const updates = events.filter((e) => e.type === "ALARM_UPDATED" && e.payload.alarmType === "CUSTODY_TIME_EXCEEDED");
    expect(updates.map((e) => [e.receivedAt - exceeded.receivedAt, e.payload.count, e.payload.state, (e.payload.data as { conditionClearedAt?: number }).conditionClearedAt])).toEqual([
      [30 * MIN, 2, "acknowledged", undefined],
      [exitAt - exceeded.receivedAt, 2, "acknowledged", exitAt],
    ]);

    const notMeal = (t: string) => t !== "WELFARE_LOGGED";
    expect(s.lifecycle("p-1").map((e) => e.type).filter(notMeal)).toEqual(f.CLEAN_DETAINEE_LIFECYCLE.filter(notMeal));
    expect(s.lifecycle("p-1").filter((e) => e.type === "WELFARE_LOGGED")).toHaveLength(2);
    expect(s.lifecycle("p-1").at(-1)!.payload.elapsedMs as number).toBeGreaterThan(12 * HOUR);
    expect(s.rules.openAlarms()).toEqual([]);
  });
});
