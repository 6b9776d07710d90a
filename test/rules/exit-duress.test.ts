import { describe, expect, it } from "vitest";
import type { AlarmAction } from "../../src/rules/alarm-types.js";
import { MIN } from "./fixtures/fake-center.js";
import { harness } from "./fixtures/harness.js";

describe("R30 after exit", () => {
  it("raises TAG_NOT_UNBOUND when an exited person's tag is seen in the secure area", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "corridor");
    h.center.exit("p1");
    h.event("PERSON_EXITED", { exitAt: h.clock.now() }, { personId: "p1" });
    h.move("t-p1", "holding-1", { tagOnly: true });
    expect(h.open("TAG_NOT_UNBOUND")[0]).toMatchObject({ subjects: ["p1"], data: { tagId: "t-p1" } });
  });

  it("raises TAG_NOT_RETURNED 30 min after exit, resolves when docked; quiet when returned in time", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.detainee("p2");
    for (const p of ["p1", "p2"]) {
      h.center.exit(p);
      h.event("PERSON_EXITED", { tagIds: [`t-${p}`] }, { personId: p });
    }
    h.advance(10 * MIN, MIN);
    h.move("t-p2", "reg", { tagOnly: true });
    h.advance(21 * MIN, MIN);
    expect(h.open("TAG_NOT_RETURNED").map((a) => a.subjects[0])).toEqual(["p1"]);
    h.event("DEVICE_EVENT", { deviceId: "dock-1", name: "docked", tagId: "t-p1" });
    expect(h.open("TAG_NOT_RETURNED")).toEqual([]);
    expect(h.open("TAG_NOT_UNBOUND")).toEqual([]);
  });
});

describe("R36 duress through the lifecycle", () => {
  /** What src/actions/duress.ts raises for an officer's button (the detector lives there). */
  const duress = (who: string, at: number): AlarmAction => ({
    kind: "raise",
    type: "OFFICER_DURESS",
    ruleId: "R36",
    severity: 4,
    dedupKey: `OFFICER_DURESS|${who}|${at}`,
    zoneId: "interro-1",
    subjects: [who],
    relatedPersonIds: ["o2"],
    message: `duress: ${who}`,
    params: { nearestOfficers: 3 },
    data: { officerId: who, nearestOfficerIds: ["o2"], source: "tag_button", autoClear: false },
  });

  it("is raised at once even in a device-health flood, never auto-cleared, and re-notified every 60 s until acknowledged", () => {
    const h = harness({ params: { R37: { rateLimitedTypes: ["TAG_LOW_BATTERY", "OFFICER_DURESS"], burst: 1 } } });
    h.engine.applyActions([duress("o1", h.clock.now())]);
    h.engine.applyActions([duress("o1", h.clock.now() + 1)]);
    const alarms = h.open("OFFICER_DURESS");
    expect(alarms).toHaveLength(2);
    expect(h.raised("OFFICER_DURESS")[0]).toMatchObject({ roomId: "interro-1", zoneId: "secure", personId: "o1", source: { origin: "rule:R36" } });
    h.engine.applyActions([{ kind: "clear", dedupKey: alarms[0]!.dedupKey, reason: "button released" }]);
    expect(h.open("OFFICER_DURESS")).toHaveLength(2);
    h.advance(2 * MIN);
    expect(h.events("ALARM_RENOTIFIED")).toHaveLength(4);
    for (const a of alarms) h.engine.acknowledge(a.alarmId, "op1");
    h.advance(5 * MIN);
    expect(h.events("ALARM_RENOTIFIED")).toHaveLength(4);
    expect(h.open("OFFICER_DURESS").map((a) => a.state)).toEqual(["acknowledged", "acknowledged"]);
  });

  it("hands what detectors ask for to the actions layer's bindings", () => {
    const asked: AlarmAction[] = [];
    const h = harness({ onActions: (a) => asked.push(...a) });
    h.center.detainee("p1");
    h.move("p1", "corridor");
    h.move("p1", "exit-room", { exitReader: true });
    expect(asked.map((a) => (a.kind === "raise" ? a.type : a.kind))).toContain("ESCAPE_ATTEMPT");
  });
});
