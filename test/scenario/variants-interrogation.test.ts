import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, CLEAN_DETAINEE_LIFECYCLE, fromInterrogationToExit, upToInterrogation } from "./flow.js";
import { MIN, SEC, Scenario } from "./harness.js";

let s: Scenario;
afterEach(() => s.close());


describe("interrogation variants of the full flow", () => {
  it("the second officer leaves the questioning for longer than R13's 10 min: SINGLE_OFFICER_INTERROGATION, cleared when they return, nothing else", () => {
    s = new Scenario();
    upToInterrogation(s, "p-1", 30);
    s.advance(20 * MIN);
    s.walk(["o-2"], "corridor");
    const left = s.enteredAt("o-2", "corridor");
    s.advance(9 * MIN);
    expect(s.alarmEvents()).toEqual([]);
    s.advance(3 * MIN);
    s.walk(["o-2"], "interrogation-1");
    s.advance(10 * MIN);
    fromInterrogationToExit(s, "p-1", 10);

    expect(s.raised()).toEqual(["SINGLE_OFFICER_INTERROGATION"]);
    expect(s.alarmTrail()).toEqual(["ALARM_RAISED SINGLE_OFFICER_INTERROGATION", "ALARM_RESOLVED SINGLE_OFFICER_INTERROGATION"]);
    const [raised, resolved] = s.alarmEvents();
    expect(raised!.receivedAt - left).toBe(600 * SEC);
    expect(raised).toMatchObject({ roomId: "interrogation-1", source: { origin: "rule:R13" }, payload: { ruleId: "R13", severity: 3, subjects: ["p-1"], data: { roomId: "interrogation-1", detaineeId: "p-1", officerId: "o-1", evidenceSource: "tags", dwellS: 600 } } });
    expect(resolved!.receivedAt).toBe(s.enteredAt("o-2", "interrogation-1"));
    expect(s.lifecycle("p-1").map((e) => e.type)).toEqual(CLEAN_DETAINEE_LIFECYCLE);
    expect(s.rules.openAlarms()).toEqual([]);
  });

  it("the recorder stops mid-session: RECORDING_NOT_ACTIVE after the grace, re-notified until acknowledged; restarted: RECORDING_GAP with its span; nothing else", () => {
    s = new Scenario();
    upToInterrogation(s, "p-1", 30);
    s.advance(20 * MIN);
    const stoppedAt = s.clock.now();
    s.recorder(CHANNEL, "interrogation-1", false);
    s.advance(9 * SEC);
    expect(s.alarmEvents()).toEqual([]);
    s.advance(2 * MIN);
    expect(s.run("ack_alarm", { alarmId: s.alarmId("RECORDING_NOT_ACTIVE"), note: "technician called" })).toMatchObject({ status: "ok", data: { alarm: { state: "acknowledged", ackBy: "operator:op-desk" } } });
    s.advance(3 * MIN);
    const restartedAt = s.clock.now();
    s.recorder(CHANNEL, "interrogation-1", true);
    s.advance(10 * MIN);
    // A critical alarm stays open after its condition ended, until a person closes it; so does the gap report.
    expect(s.rules.openAlarms().map((a) => a.type).sort()).toEqual(["RECORDING_GAP", "RECORDING_NOT_ACTIVE"]);
    expect(s.run("resolve_alarm", { alarmId: s.alarmId("RECORDING_NOT_ACTIVE"), resolution: "resolved", note: "recorder restarted" })).toMatchObject({ status: "ok" });
    expect(s.run("resolve_alarm", { alarmId: s.alarmId("RECORDING_GAP"), resolution: "resolved", note: "gap noted in the record" })).toMatchObject({ status: "ok" });
    fromInterrogationToExit(s, "p-1", 10);

    expect(s.raised()).toEqual(["RECORDING_NOT_ACTIVE", "RECORDING_GAP"]);
    expect(s.alarmTrail()).toEqual([
      "ALARM_RAISED RECORDING_NOT_ACTIVE",
      "ALARM_RENOTIFIED RECORDING_NOT_ACTIVE",
      "ALARM_ACKED RECORDING_NOT_ACTIVE",
      "ALARM_RAISED RECORDING_GAP",
      "ALARM_UPDATED RECORDING_NOT_ACTIVE", // condition cleared, recorded on the still-open alarm
      "ALARM_RESOLVED RECORDING_NOT_ACTIVE",
      "ALARM_RESOLVED RECORDING_GAP",
    ]);
    const raised = s.alarmEvents().filter((e) => e.type === "ALARM_RAISED");
    expect(raised[0]).toMatchObject({ receivedAt: stoppedAt + 10 * SEC, roomId: "interrogation-1", payload: { ruleId: "R22", severity: 4, data: { channelId: CHANNEL, reason: "not_recording" } } });
    expect(raised[1]).toMatchObject({ receivedAt: restartedAt, payload: { ruleId: "R22", severity: 3, data: { channelId: CHANNEL, gapFrom: stoppedAt, gapTo: restartedAt } } });
    expect(s.alarmEvents().filter((e) => e.type === "ALARM_RENOTIFIED")).toHaveLength(1);
    expect(s.lifecycle("p-1").map((e) => e.type)).toEqual(CLEAN_DETAINEE_LIFECYCLE);
    expect(s.rules.openAlarms()).toEqual([]);
  });
});
