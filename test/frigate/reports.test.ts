import { describe, expect, it } from "vitest";
import { decodeFrigate } from "../../devices/frigate/codec.js";
import { channelStatus, objectWorthReporting, reviewWorthReporting } from "../../devices/frigate/reports.js";
import type { FrigateObject } from "../../devices/frigate/tracked.js";
import { EVENT_NEW, EVENT_UPDATE, REVIEW_UPDATE } from "./payloads.js";

const decoded = (topic: string, json: string) => {
  const r = decodeFrigate("frigate", topic, Buffer.from(json));
  if (r.kind !== "object" && r.kind !== "review") throw new Error(`not tracked: ${JSON.stringify(r)}`);
  return r;
};

describe("frigate reports", () => {
  it("a channel records only while Frigate is online, recording is on and the record stream runs", () => {
    expect(channelStatus(undefined, { enabled: true })).toBeUndefined();
    expect(channelStatus("online", {})).toBeUndefined();
    expect(channelStatus("online", { stream: "online" })).toBeUndefined();
    expect(channelStatus("online", { enabled: true })).toEqual({ online: true, recording: true });
    expect(channelStatus("online", { enabled: true, stream: "online" })).toEqual({ online: true, recording: true });
    expect(channelStatus("online", { enabled: false })).toEqual({ online: true, recording: false, reason: "recordings off" });
    expect(channelStatus("online", { enabled: true, stream: "disabled" })).toEqual({ online: true, recording: false, reason: "camera disabled" });
    expect(channelStatus("online", { stream: "offline" })).toEqual({ online: false, recording: false, reason: "record stream offline" });
    expect(channelStatus("offline", { enabled: true })).toEqual({ online: false, recording: false, reason: "frigate offline" });
    expect(channelStatus("stopped", {})).toEqual({ online: false, recording: false, reason: "frigate stopped" });
  });

  it("object updates are reported only for zone, name, label or clip changes", () => {
    const u = decoded("frigate/events", EVENT_UPDATE);
    if (u.kind !== "object") throw new Error("object expected");
    expect(objectWorthReporting("update", u.after, u.before)).toBe(true);
    const same: FrigateObject = { ...u.after, score: 0.5 };
    expect(objectWorthReporting("update", same, u.after)).toBe(false);
    expect(objectWorthReporting("update", { ...u.after, hasClip: true }, u.after)).toBe(true);
    expect(objectWorthReporting("update", u.after, { ...u.after, hasClip: true })).toBe(false);
    const n = decoded("frigate/events", EVENT_NEW);
    if (n.kind !== "object") throw new Error("object expected");
    expect(objectWorthReporting("new", n.after, n.before)).toBe(true);
    expect(objectWorthReporting("end", n.after, n.before)).toBe(true);
    expect(objectWorthReporting("new", { ...n.after, falsePositive: true }, undefined)).toBe(false);
  });

  it("review updates are reported when severity, objects, names or zones change", () => {
    const r = decoded("frigate/reviews", REVIEW_UPDATE);
    if (r.kind !== "review") throw new Error("review expected");
    expect(reviewWorthReporting("update", r.after, r.before)).toBe(true);
    expect(reviewWorthReporting("update", r.after, r.after)).toBe(false);
    expect(reviewWorthReporting("update", { ...r.after, detections: [] }, r.after)).toBe(false);
    expect(reviewWorthReporting("end", r.after, r.after)).toBe(true);
  });
});
