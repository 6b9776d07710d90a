import { describe, expect, it } from "vitest";
import { MIN } from "./fixtures/fake-center.js";
import { harness } from "./fixtures/harness.js";

describe("R19 tag health", () => {
  it("raises a critical TAG_TAMPER at once for a strap cut on a detainee's wristband", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "holding-1");
    h.event("DEVICE_EVENT", { deviceId: "rtls-gw", name: "strap_cut", tagId: "t-p1" });
    expect(h.open("TAG_TAMPER")[0]).toMatchObject({ severity: 4, subjects: ["p1"], zoneId: "holding-1", data: { tagId: "t-p1" } });
  });

  it("raises TAG_OFFLINE (critical next to an exit), resolves the non-critical one when the tag is back", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.detainee("p2");
    h.event("TAG_OFFLINE", { tagId: "t-p1", lastZoneId: "holding-1", lastSeenAt: h.clock.now() - 30_000, adjacentToExit: false }, { personId: "p1" });
    h.event("TAG_OFFLINE", { tagId: "t-p2", lastZoneId: "exit-room", lastSeenAt: h.clock.now() - 30_000, adjacentToExit: true }, { personId: "p2" });
    expect(h.open("TAG_OFFLINE").map((a) => [a.subjects[0], a.severity])).toEqual([
      ["p1", 3],
      ["p2", 4],
    ]);
    h.event("TAG_ONLINE", { tagId: "t-p1", zoneId: "holding-1" }, { personId: "p1" });
    h.event("TAG_ONLINE", { tagId: "t-p2", zoneId: "exit-room" }, { personId: "p2" });
    expect(h.open("TAG_OFFLINE").map((a) => [a.subjects[0], a.data.conditionClearedAt !== undefined])).toEqual([["p2", true]]);
  });

  it("raises TAG_LOW_BATTERY once per session, and stays quiet above the threshold and for officers", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.officer("o1");
    h.event("DEVICE_EVENT", { deviceId: "rtls-gw", name: "tag_status", tagId: "t-p1", battery: 35 });
    h.event("DEVICE_EVENT", { deviceId: "rtls-gw", name: "tag_status", tagId: "t-o1", battery: 5 });
    expect(h.open("TAG_LOW_BATTERY")).toEqual([]);
    h.event("DEVICE_EVENT", { deviceId: "rtls-gw", name: "tag_status", tagId: "t-p1", battery: 18 });
    const [a] = h.open("TAG_LOW_BATTERY");
    expect(a).toMatchObject({ severity: 1, data: { battery: 18 } });
    h.engine.resolve(a!.alarmId, "op1", "resolved", "tag swapped at next check");
    h.event("TAG_BATTERY", { tagId: "t-p1", level: 10, low: true });
    expect(h.open("TAG_LOW_BATTERY")).toEqual([]);
    expect(h.raised("TAG_LOW_BATTERY")).toHaveLength(1);
  });
});

describe("R20 heart rate", () => {
  it("raises after three consecutive samples out of 60–100 bpm and resolves on a normal one", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "holding-1");
    for (const bpm of [130, 128]) h.event("HEART_RATE_SAMPLE", { personId: "p1", bpm });
    expect(h.open("HEART_RATE_ABNORMAL")).toEqual([]);
    h.event("DEVICE_EVENT", { deviceId: "gw", name: "tag_status", tagId: "t-p1", heartRate: 131 });
    expect(h.open("HEART_RATE_ABNORMAL")[0]).toMatchObject({ zoneId: "holding-1", data: { bpm: [130, 128, 131], range: [60, 100] } });
    h.event("HEART_RATE_SAMPLE", { personId: "p1", bpm: 90 });
    expect(h.open("HEART_RATE_ABNORMAL")).toEqual([]);
  });

  it("raises after 60 s out of range even with sparse samples", () => {
    const h = harness();
    h.center.detainee("p1");
    h.event("HEART_RATE_SAMPLE", { personId: "p1", bpm: 45 });
    h.advance(MIN);
    h.event("HEART_RATE_SAMPLE", { personId: "p1", bpm: 44 });
    expect(h.open("HEART_RATE_ABNORMAL")).toHaveLength(1);
  });

  it("uses a person's own range from a medical note, logged in the parameter snapshot", () => {
    const h = harness();
    h.center.detainee("athlete");
    h.center.overrides.set("athlete:R20", { min: 45, max: 100 });
    for (const bpm of [48, 47, 50, 46]) h.event("HEART_RATE_SAMPLE", { personId: "athlete", bpm });
    expect(h.open("HEART_RATE_ABNORMAL")).toEqual([]);
    for (const bpm of [40, 41, 39]) h.event("HEART_RATE_SAMPLE", { personId: "athlete", bpm });
    expect(h.open("HEART_RATE_ABNORMAL")[0]!.params).toMatchObject({ min: 45, personOverride: { min: 45, max: 100 } });
  });

  it("ignores a malformed override instead of switching the rule off", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.overrides.set("p1:R20", { min: "low" });
    for (const bpm of [150, 151, 152]) h.event("HEART_RATE_SAMPLE", { personId: "p1", bpm });
    expect(h.open("HEART_RATE_ABNORMAL")[0]!.params).toMatchObject({ min: 60, max: 100 });
  });
});
