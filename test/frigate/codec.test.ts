import { describe, expect, it } from "vitest";
import { decodeFrigate, encodeRecordingsSet, frigateTopicFilters } from "../../devices/frigate/codec.js";
import { EVENT_END, EVENT_NEW, EVENT_NEW_012, EVENT_UPDATE, REVIEW_UPDATE } from "./payloads.js";

const d = (topic: string, payload: string | Buffer, prefix = "frigate") => decodeFrigate(prefix, topic, typeof payload === "string" ? Buffer.from(payload) : payload);

describe("frigate codec: documented payloads", () => {
  it("availability: online, offline (last will) and stopped", () => {
    expect(d("frigate/available", "online")).toEqual({ kind: "available", status: "online" });
    expect(d("frigate/available", "offline")).toEqual({ kind: "available", status: "offline" });
    expect(d("frigate/available", "stopped")).toEqual({ kind: "available", status: "stopped" });
    expect(d("frigate/available", "maybe")).toMatchObject({ kind: "error" });
  });

  it("object counts per camera, recordings ON/OFF and stream health", () => {
    expect(d("frigate/interrogation_1/person", "2")).toEqual({ kind: "count", camera: "interrogation_1", label: "person", count: 2 });
    expect(d("frigate/interrogation_1/all", "0")).toEqual({ kind: "count", camera: "interrogation_1", label: "all", count: 0 });
    expect(d("frigate/interrogation_1/recordings/state", "ON")).toEqual({ kind: "recordings", camera: "interrogation_1", on: true });
    expect(d("frigate/interrogation_1/recordings/state", "OFF")).toEqual({ kind: "recordings", camera: "interrogation_1", on: false });
    expect(d("frigate/interrogation_1/status/record", "offline")).toEqual({ kind: "stream", camera: "interrogation_1", role: "record", status: "offline" });
    expect(d("frigate/interrogation_1/status/detect", "disabled")).toEqual({ kind: "stream", camera: "interrogation_1", role: "detect", status: "disabled" });
  });

  it("works under another (multi-level) prefix and refuses topics outside it", () => {
    expect(d("site/nvr/available", "online", "site/nvr")).toEqual({ kind: "available", status: "online" });
    expect(d("frigate/available", "online", "site/nvr")).toMatchObject({ kind: "error" });
  });

  it("an object update keeps what the daemon reports, times in epoch ms, sub_label of 0.17", () => {
    const r = d("frigate/events", EVENT_UPDATE);
    expect(r).toMatchObject({ kind: "object", phase: "update" });
    if (r.kind !== "object") throw new Error("not an object");
    expect(r.after).toEqual({
      id: "1607123955.475377-mxklsc",
      camera: "front_door",
      label: "person",
      subLabel: "John Smith",
      score: 0.87890625,
      topScore: 0.958984375,
      falsePositive: false,
      startTime: 1607123955475,
      frameTime: 1607123962083,
      currentZones: ["yard", "driveway"],
      enteredZones: ["yard", "driveway"],
      hasClip: false,
      hasSnapshot: false,
      stationary: false,
    });
    expect(r.before).toMatchObject({ currentZones: ["driveway"] });
    expect(r.before && "subLabel" in r.before).toBe(false);
  });

  it("new, end (with end_time) and the older string sub_label", () => {
    expect(d("frigate/events", EVENT_NEW)).toMatchObject({ kind: "object", phase: "new" });
    expect(d("frigate/events", EVENT_END)).toMatchObject({ kind: "object", phase: "end", after: { endTime: 1607123970500, hasClip: true } });
    const old = d("frigate/events", EVENT_NEW_012);
    expect(old).toMatchObject({ kind: "object", phase: "new", after: { subLabel: "Bob", hasSnapshot: true } });
    expect(old.kind === "object" && old.before).toBe(undefined);
  });

  it("a review update: severity, objects, sub labels, zones and detections", () => {
    expect(d("frigate/reviews", REVIEW_UPDATE)).toEqual({
      kind: "review",
      phase: "update",
      before: { id: "1718987129.308396-fqk5ka", camera: "front_cam", severity: "detection", startTime: 1718987129308, detections: ["1718987128.947436-g92ztx", "1718987148.879516-d7oq7r", "1718987126.934663-q5ywpt"], objects: ["person", "car"], subLabels: [], zones: [] },
      after: { id: "1718987129.308396-fqk5ka", camera: "front_cam", severity: "alert", startTime: 1718987129308, detections: ["1718987128.947436-g92ztx", "1718987148.879516-d7oq7r", "1718987126.934663-q5ywpt"], objects: ["person", "car"], subLabels: ["Bob"], zones: ["front_yard"] },
    });
  });

  it("ignores documented topics it does not use", () => {
    for (const [topic, payload] of [
      ["frigate/stats", "{}"],
      ["frigate/camera_activity", "{}"],
      ["frigate/interrogation_1/motion", "ON"],
      ["frigate/interrogation_1/review_status", "ALERT"],
      ["frigate/interrogation_1/person/snapshot", "\xff\xd8"],
      ["frigate/interrogation_1/person/active", "1"],
      ["frigate/interrogation_1/detect/state", "ON"],
      ["frigate/interrogation_1/recordings/set", "OFF"],
      ["frigate/interrogation_1/audio/dBFS", "-40"],
      ["frigate/interrogation_1/zone/door/state", "ON"],
      ["frigate/profile/state", "none"],
    ] as const) {
      expect(d(topic, payload), topic).toMatchObject({ kind: "ignored" });
    }
  });

  it("malformed payloads are errors with a reason, never exceptions", () => {
    expect(d("frigate/cam/person", "two")).toMatchObject({ kind: "error", reason: expect.stringContaining("whole number") });
    expect(d("frigate/cam/person", "-1")).toMatchObject({ kind: "error" });
    expect(d("frigate/cam/person", "99999")).toMatchObject({ kind: "error", reason: expect.stringContaining("out of range") });
    expect(d("frigate/cam/recordings/state", "maybe")).toMatchObject({ kind: "error" });
    expect(d("frigate/cam/recordings/state", Buffer.from([0xff, 0xfe]))).toMatchObject({ kind: "error", reason: "payload is not UTF-8" });
    expect(d("frigate/events", "{")).toMatchObject({ kind: "error", reason: "events: payload is not JSON" });
    expect(d("frigate/events", '{"type":"moved","after":{}}')).toMatchObject({ kind: "error", reason: "events: type must be new, update or end" });
    expect(d("frigate/events", JSON.stringify({ type: "new", after: { ...JSON.parse(EVENT_NEW).after, start_time: "soon" } }))).toMatchObject({
      kind: "error",
      reason: "events: after: start_time must be epoch seconds",
    });
    expect(d("frigate/reviews", JSON.stringify({ type: "new", after: { id: "x", camera: "c", start_time: 1718987129.3, severity: "panic" } }))).toMatchObject({ kind: "error" });
    expect(decodeFrigate("frigate", "frigate/events", Buffer.from(EVENT_UPDATE), 100)).toMatchObject({ kind: "error", reason: expect.stringContaining("too large") });
  });

  it("encodes recordings/set and lists the filters for the configured cameras", () => {
    expect(encodeRecordingsSet("frigate", "interrogation_1", true)).toEqual({ topic: "frigate/interrogation_1/recordings/set", payload: "ON" });
    expect(encodeRecordingsSet("a/b", "cam", false)).toEqual({ topic: "a/b/cam/recordings/set", payload: "OFF" });
    expect(frigateTopicFilters("frigate", ["i1"], "person", true, false)).toEqual(["frigate/available", "frigate/reviews", "frigate/i1/person", "frigate/i1/recordings/state", "frigate/i1/status/record"]);
  });
});
