import { describe, expect, it } from "vitest";
import type { InterrogationSession } from "../../src/custody/model.js";
import { MIN } from "./fixtures/fake-center.js";
import { harness, type Harness } from "./fixtures/harness.js";

function interrogation(h: Harness, personId: string, patch: Partial<InterrogationSession> = {}): void {
  const it: InterrogationSession = { interrogationId: `i-${personId}`, roomId: "interro-1", officerIds: ["o1", "o2"], kind: "interrogation", recorderChannels: ["ch1"], startedAt: h.clock.now(), breaks: [], ...patch };
  h.center.patch(personId, { interrogations: [it], assignedInterrogationRoomId: it.roomId });
  h.event("INTERROGATION_STARTED", { roomId: it.roomId }, { personId, roomId: it.roomId });
}

describe("R13 two-officer interrogation", () => {
  it("raises after 10 min with one officer tag in an interrogation room in use", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.officer("o1");
    interrogation(h, "p1");
    h.move("p1", "interro-1");
    h.move("o1", "interro-1");
    h.advance(10 * MIN - 1000);
    expect(h.open("SINGLE_OFFICER_INTERROGATION")).toEqual([]);
    h.advance(1000);
    const [a] = h.open("SINGLE_OFFICER_INTERROGATION");
    expect(a!.data).toMatchObject({ roomId: "interro-1", detaineeId: "p1", officerId: "o1", evidenceSource: "tags" });
  });

  it("stays quiet with two officers, and clears when the second one comes back", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.officer("o1");
    h.center.officer("o2");
    interrogation(h, "p1");
    h.move("p1", "interro-1");
    h.move("o1", "interro-1");
    h.move("o2", "interro-1");
    h.advance(20 * MIN);
    expect(h.open("SINGLE_OFFICER_INTERROGATION")).toEqual([]);
    h.move("o2", "corridor");
    h.advance(10 * MIN);
    expect(h.open("SINGLE_OFFICER_INTERROGATION")).toHaveLength(1);
    h.move("o2", "interro-1");
    expect(h.open("SINGLE_OFFICER_INTERROGATION")).toEqual([]);
  });

  it("accepts a camera headcount below 3 as evidence even when two officer tags are in the room", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.officer("o1");
    h.center.officer("o2");
    interrogation(h, "p1");
    for (const who of ["p1", "o1", "o2"]) h.move(who, "interro-1");
    for (let i = 0; i < 11; i++) {
      h.event("CAMERA_EVENT", { cameraId: "cam-i1", analyticType: "headcount", value: 2 }, { roomId: "interro-1" });
      h.advance(MIN);
    }
    const [a] = h.open("SINGLE_OFFICER_INTERROGATION");
    expect(a!.data).toMatchObject({ evidenceSource: "camera", evidence: { cameraIds: ["cam-i1"], headcount: 2 } });
  });

  it("excepts a single-officer task while its recording runs, logs the exception, and raises when recording stops", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.officer("o1");
    interrogation(h, "p1", { kind: "single_recorded_task", officerIds: ["o1"] });
    h.event("RECORDER_STATUS", { recorderId: "nvr-1", channelId: "ch1", roomId: "interro-1", recording: true });
    h.move("p1", "interro-1");
    h.move("o1", "interro-1");
    h.advance(15 * MIN);
    expect(h.open("SINGLE_OFFICER_INTERROGATION")).toEqual([]);
    expect(h.events("RULE_SUPPRESSED")).toHaveLength(1);
    expect(h.events("RULE_SUPPRESSED")[0]!.payload).toMatchObject({ ruleId: "R13", reason: expect.stringContaining("single_recorded_task") });
    h.event("RECORDER_STATUS", { recorderId: "nvr-1", channelId: "ch1", roomId: "interro-1", recording: false });
    h.advance(10 * MIN);
    expect(h.open("SINGLE_OFFICER_INTERROGATION")).toHaveLength(1);
  });
});

describe("R14 detainee unattended", () => {
  it("raises after 30 s of a detainee alone in a capture room", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "capture");
    h.advance(29_000);
    expect(h.open("DETAINEE_UNATTENDED")).toEqual([]);
    h.advance(1000);
    expect(h.open("DETAINEE_UNATTENDED")[0]).toMatchObject({ subjects: ["p1"], zoneId: "capture", severity: 3 });
  });

  it("stays quiet in a holding room and with an officer present; an officer with an offline tag does not count", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.detainee("p2");
    h.center.officer("o1");
    h.move("p1", "holding-1");
    h.move("p2", "capture");
    h.move("o1", "capture");
    h.advance(5 * MIN);
    expect(h.open("DETAINEE_UNATTENDED")).toEqual([]);
    h.center.setOnline("t-o1", false);
    h.advance(31_000);
    expect(h.open("DETAINEE_UNATTENDED").map((a) => a.subjects[0])).toEqual(["p2"]);
  });

  it("stays quiet for a detainee on an approved temporary exit", () => {
    const h = harness();
    h.center.detainee("p1", { session: { state: "temp_exit" } });
    h.move("p1", "capture");
    h.advance(2 * MIN);
    expect(h.open("DETAINEE_UNATTENDED")).toEqual([]);
  });
});

describe("R27 search staffing", () => {
  it("raises when a woman is searched by two male officers", () => {
    const h = harness();
    h.center.detainee("f", { sex: "female" });
    h.center.officer("o1");
    h.center.officer("o2");
    for (const who of ["f", "o1", "o2"]) h.move(who, "search");
    h.advance(30_000);
    expect(h.open("SEARCH_STAFFING_VIOLATION")[0]!.data).toMatchObject({ femalePresent: false, reasons: ["no_female_staff"] });
  });

  it("raises with one officer, and stays quiet with two officers one of them female", () => {
    const h = harness();
    h.center.detainee("f", { sex: "female" });
    h.center.officer("o1");
    h.center.officer("ofem", { sex: "female" });
    h.move("f", "search");
    h.move("ofem", "search");
    h.advance(30_000);
    expect(h.open("SEARCH_STAFFING_VIOLATION")[0]!.data).toMatchObject({ reasons: ["too_few_officers"] });
    h.move("o1", "search");
    expect(h.open("SEARCH_STAFFING_VIOLATION")).toEqual([]);
    h.advance(5 * MIN);
    expect(h.open("SEARCH_STAFFING_VIOLATION")).toEqual([]);
  });
});
