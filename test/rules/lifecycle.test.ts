import { describe, expect, it } from "vitest";
import type { Detector } from "../../src/rules/detector.js";
import { RuleEngine } from "../../src/rules/engine.js";
import { RUNTIME_DETECTORS } from "../../src/rules/detectors/index.js";
import { defaultRuleParams } from "../../src/rules/params.js";
import { FakeClock } from "../../src/core/clock.js";
import { FakeCenter, MIN, T0 } from "./fixtures/fake-center.js";
import { harness } from "./fixtures/harness.js";

describe("R37 dedup and states", () => {
  it("updates the open alarm of the same key (count, lastAt) instead of raising again, and starts a new one after it is resolved", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "corridor");
    h.move("p1", "exit-room", { exitReader: true });
    h.advance(5000);
    h.move("p1", "sally");
    const [a] = h.open("ESCAPE_ATTEMPT");
    expect(a).toMatchObject({ count: 2, firstAt: T0, lastAt: T0 + 5000 });
    expect(h.raised("ESCAPE_ATTEMPT")).toHaveLength(1);
    expect(h.events("ALARM_UPDATED")[0]!.payload).toMatchObject({ alarmId: a!.alarmId, count: 2 });
    expect(h.engine.resolve(a!.alarmId, "op1", "resolved", "returned by officers").ok).toBe(true);
    h.move("p1", "corridor");
    h.move("p1", "exit-room", { exitReader: true });
    expect(h.raised("ESCAPE_ATTEMPT")).toHaveLength(2);
  });

  it("validates transitions: ack needs a name, no double ack, false alarm and ignore need a note", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "capture");
    h.advance(30_000);
    const id = h.open("DETAINEE_UNATTENDED")[0]!.alarmId;
    expect(h.engine.acknowledge(id, " ")).toMatchObject({ ok: false, code: "invalid_input" });
    expect(h.engine.acknowledge(id, "operator:op1", "on my way")).toMatchObject({ ok: true, alarm: { state: "acknowledged", ackBy: "operator:op1", ackAt: h.clock.now() } });
    expect(h.engine.acknowledge(id, "op2")).toMatchObject({ ok: false, code: "invalid_transition" });
    expect(h.engine.resolve(id, "op1", "false_alarm", "")).toMatchObject({ ok: false, code: "invalid_input" });
    expect(h.engine.resolve(id, "op1", "ignored")).toMatchObject({ ok: false, code: "invalid_input" });
    expect(h.engine.resolve(id, "op1", "false_alarm", "officer stood at the door, tag shadowed")).toMatchObject({ ok: true, alarm: { state: "false_alarm" } });
    expect(h.engine.resolve(id, "op1", "resolved", "x")).toMatchObject({ ok: false, code: "not_found" });
    expect(h.engine.acknowledge("nope", "op1")).toMatchObject({ ok: false, code: "not_found" });
    const acked = h.events("ALARM_ACKED")[0]!;
    expect(acked).toMatchObject({ category: "alarm", source: { origin: "operator:op1" }, personId: "p1", roomId: "capture", zoneId: "secure" });
    expect(h.events("ALARM_FALSE_ALARM")[0]!.payload).toMatchObject({ state: "false_alarm", note: "officer stood at the door, tag shadowed" });
  });

  it("ignore closes an alarm with the operator's note; a plain resolve needs no text", () => {
    const h = harness();
    h.center.detainee("p1");
    h.event("HEART_RATE_SAMPLE", { personId: "p1", bpm: 40 });
    h.advance(MIN);
    h.event("HEART_RATE_SAMPLE", { personId: "p1", bpm: 40 });
    const id = h.open("HEART_RATE_ABNORMAL")[0]!.alarmId;
    expect(h.engine.resolve(id, "op1", "ignored", "known bradycardia")).toMatchObject({ ok: true, alarm: { state: "ignored", ackBy: "op1" } });
    expect(h.open("HEART_RATE_ABNORMAL")).toEqual([]);
    h.center.detainee("p2");
    h.move("p2", "capture");
    h.advance(30_000);
    const other = h.open("DETAINEE_UNATTENDED")[0]!.alarmId;
    expect(h.engine.resolve(other, "central:duty", "resolved")).toMatchObject({ ok: true, alarm: { state: "resolved", resolution: "resolved", ackBy: "central:duty" } });
    expect(h.events("ALARM_RESOLVED").at(-1)).toMatchObject({ source: { origin: "central:duty" } });
  });
});

describe("R37 critical re-notification", () => {
  it("re-notifies an unacknowledged critical alarm every 60 s, also after its condition cleared, until acknowledged", () => {
    const h = harness();
    h.center.detainee("p1");
    h.event("TAG_OFFLINE", { tagId: "t-p1", lastZoneId: "exit-room", adjacentToExit: true }, { personId: "p1" });
    h.advance(59_000);
    expect(h.events("ALARM_RENOTIFIED")).toHaveLength(0);
    h.advance(1000);
    expect(h.events("ALARM_RENOTIFIED")).toHaveLength(1);
    h.event("TAG_ONLINE", { tagId: "t-p1" }, { personId: "p1" });
    const [a] = h.open("TAG_OFFLINE");
    expect(a!.data.conditionClearedAt).toBe(h.clock.now());
    h.advance(60_000);
    expect(h.events("ALARM_RENOTIFIED")).toHaveLength(2);
    h.engine.acknowledge(a!.alarmId, "op1");
    h.advance(5 * MIN);
    expect(h.events("ALARM_RENOTIFIED")).toHaveLength(2);
    expect(h.engine.resolve(a!.alarmId, "op1", "resolved", "tag re-seated").ok).toBe(true);
  });
});

describe("R37 device-health rate limit", () => {
  it("holds a battery flood back and releases it at the refill rate, while an escape alarm goes out at once", () => {
    const h = harness();
    for (let i = 0; i < 50; i++) h.center.detainee(`p${i}`);
    h.move("p0", "corridor");
    for (let i = 0; i < 50; i++) h.event("TAG_BATTERY", { tagId: `t-p${i}`, level: 5 });
    expect(h.raised("TAG_LOW_BATTERY")).toHaveLength(5);
    expect(h.events("ALARM_DEFERRED")).toHaveLength(45);
    expect(h.events("ALARM_DEFERRED")[0]!.payload).toMatchObject({ alarmType: "TAG_LOW_BATTERY", params: { lowBatteryPct: 20 } });
    h.move("p0", "exit-room", { exitReader: true });
    expect(h.drafts.at(-1)).toMatchObject({ type: "ALARM_RAISED", payload: { alarmType: "ESCAPE_ATTEMPT" } });
    h.advance(60_000);
    expect(h.raised("TAG_LOW_BATTERY")).toHaveLength(7);
    const released = h.raised("TAG_LOW_BATTERY")[6]!.payload;
    expect(released).toMatchObject({ firstAt: T0, data: { deferredMs: 60_000 } });
    expect(h.engine.stats().held).toBe(43);
  });

  it("drops a held raise whose condition ended before its turn", () => {
    const h = harness({ params: { R37: { burst: 1, perMinute: 1 } } });
    h.center.detainee("a");
    h.center.detainee("b");
    h.event("TAG_OFFLINE", { tagId: "t-a", lastZoneId: "holding-1" }, { personId: "a" });
    h.event("TAG_OFFLINE", { tagId: "t-b", lastZoneId: "holding-1" }, { personId: "b" });
    expect(h.open("TAG_OFFLINE")).toHaveLength(1);
    h.event("TAG_ONLINE", { tagId: "t-b" }, { personId: "b" });
    h.advance(2 * MIN);
    expect(h.raised("TAG_OFFLINE")).toHaveLength(1);
    expect(h.engine.stats().held).toBe(0);
  });
});

describe("R38 evidence", () => {
  it("every raise carries the parameter snapshot and the alarm envelope fields", () => {
    const h = harness({ params: { R14: { dwellS: 45 } } });
    h.center.detainee("p1");
    h.move("p1", "capture");
    h.advance(45_000);
    const e = h.raised("DETAINEE_UNATTENDED")[0]!;
    expect(e).toMatchObject({ category: "alarm", source: { origin: "rule:R14" }, personId: "p1", subjects: [{ kind: "person", id: "p1" }] });
    expect(e.payload).toMatchObject({ ruleId: "R14", severity: 3, state: "raised", count: 1, params: { dwellS: 45 }, message: expect.any(String) });
    for (const k of ["alarmId", "alarmType", "firstAt", "lastAt", "subjects", "relatedPersonIds", "dedupKey"]) expect(e.payload).toHaveProperty(k);
  });

  it("a failing detector is isolated: the others still raise", () => {
    const clock = new FakeClock(T0);
    const center = new FakeCenter(() => clock.now());
    const broken: Detector = { id: "broken", ruleIds: ["R01"], events: ["ZONE_ENTER"], tick: true, initial: () => ({}), step: () => { throw new Error("boom"); } };
    const drafts: unknown[] = [];
    const engine = new RuleEngine({ params: defaultRuleParams(), view: (n) => center.view(n), clock, sink: (d) => drafts.push(...d), detectors: [broken, ...RUNTIME_DETECTORS] });
    center.detainee("p1");
    for (const e of center.move("p1", "capture")) engine.handle(e);
    for (let i = 0; i < 30; i++) {
      clock.advance(1000);
      engine.tick();
    }
    expect(engine.openAlarms().map((a) => a.type)).toContain("DETAINEE_UNATTENDED");
    expect(engine.stats().errors).toBeGreaterThan(30);
  });
});
