import { describe, expect, it } from "vitest";
import { MIN } from "./fixtures/fake-center.js";
import { harness } from "./fixtures/harness.js";

describe("R01 unbound tag in the secure area", () => {
  it("raises when an unbound tag enters a secure-area room, and resolves when it is bound", () => {
    const h = harness();
    h.move("tag-9", "reg", { tagOnly: true });
    expect(h.open()).toEqual([]);
    h.move("tag-9", "corridor", { tagOnly: true });
    const [a] = h.open("UNBOUND_TAG_IN_SECURE_AREA");
    expect(a).toMatchObject({ ruleId: "R01", severity: 3, zoneId: "corridor", data: { tagId: "tag-9" } });
    h.move("tag-9", "search", { tagOnly: true });
    expect(h.open("UNBOUND_TAG_IN_SECURE_AREA")).toHaveLength(1);
    h.event("TAG_BOUND", { tagIds: { hf: "tag-9" }, personId: "p1" });
    expect(h.open("UNBOUND_TAG_IN_SECURE_AREA")).toEqual([]);
  });

  it("stays quiet for a bound tag and for an unbound tag in registration or the staff area", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "corridor");
    h.move("spare", "reg", { tagOnly: true });
    h.move("spare", "office-1", { tagOnly: true });
    expect(h.open("UNBOUND_TAG_IN_SECURE_AREA")).toEqual([]);
  });
});

describe("R15 escort on movement", () => {
  it("raises when no officer is with a detainee 15 s after a move into the corridor", () => {
    const h = harness();
    h.center.detainee("p1");
    h.center.officer("o1");
    h.move("p1", "holding-1");
    h.move("o1", "office-1");
    h.move("p1", "corridor");
    h.advance(14_000);
    expect(h.open("ESCORT_BREACH")).toEqual([]);
    h.advance(1000);
    expect(h.open("ESCORT_BREACH")[0]!.data).toMatchObject({ fromZone: "holding-1", toZone: "corridor" });
    h.move("o1", "corridor");
    expect(h.open("ESCORT_BREACH")).toEqual([]);
  });

  it("stays quiet when the escort joins within 15 s, and for a move into a holding room", () => {
    const h = harness();
    h.center.detainee("p1", { session: { escortOfficerIds: ["o1"] } });
    h.center.officer("o1");
    h.move("p1", "corridor");
    h.advance(10_000);
    h.move("o1", "corridor");
    h.advance(MIN);
    h.move("p1", "holding-1");
    h.advance(MIN);
    expect(h.open("ESCORT_BREACH")).toEqual([]);
  });

  it("counts only the assigned escorts when anyOfficer is off", () => {
    const h = harness({ params: { R15: { anyOfficer: false } } });
    h.center.detainee("p1", { session: { escortOfficerIds: ["o1"] } });
    h.center.officer("o1");
    h.center.officer("o2");
    h.move("o2", "corridor");
    h.move("p1", "corridor");
    h.advance(15_000);
    expect(h.open("ESCORT_BREACH")[0]!.data).toMatchObject({ escortOfficerIds: ["o1"] });
  });
});

describe("R16 zone permission", () => {
  it("raises ZONE_VIOLATION in a staff area and for an adult in the juvenile room, WRONG_ROOM for another interrogation room", () => {
    const h = harness();
    h.center.detainee("p1", { ageYears: 30, session: { assignedInterrogationRoomId: "interro-1", holdingRoomId: "holding-1" } });
    h.move("p1", "office-1");
    expect(h.open("ZONE_VIOLATION")[0]).toMatchObject({ severity: 3, data: { reason: "staff_zone" } });
    h.move("p1", "holding-j");
    expect(h.open("ZONE_VIOLATION").map((a) => a.data.reason)).toEqual(["adult_in_juvenile_room"]);
    h.move("p1", "holding-2");
    expect(h.open("ZONE_VIOLATION")[0]).toMatchObject({ severity: 2, data: { assignedRoomId: "holding-1" } });
    h.move("p1", "interro-2");
    expect(h.open("ZONE_VIOLATION")).toEqual([]);
    expect(h.open("WRONG_ROOM")[0]).toMatchObject({ severity: 1, data: { assignedRoomId: "interro-1" } });
  });

  it("stays quiet in the assigned rooms and the corridor, and for officers anywhere", () => {
    const h = harness();
    h.center.detainee("p1", { session: { assignedInterrogationRoomId: "interro-1", holdingRoomId: "holding-1" } });
    h.center.officer("o1");
    for (const room of ["corridor", "holding-1", "corridor", "interro-1", "toilet"]) h.move("p1", room);
    h.move("o1", "office-1");
    h.move("o1", "holding-j");
    expect(h.open("ZONE_VIOLATION")).toEqual([]);
    expect(h.open("WRONG_ROOM")).toEqual([]);
  });
});

describe("R17 escape", () => {
  it("raises a critical ESCAPE_ATTEMPT at the exit exciter; a sighting outside updates the same alarm", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "corridor");
    h.move("p1", "exit-room", { exitReader: true });
    const [a] = h.open("ESCAPE_ATTEMPT");
    expect(a).toMatchObject({ severity: 4, zoneId: "exit-room" });
    expect(a!.data).toMatchObject({ exciterId: "exit-1", lastKnownZone: "corridor", sessionState: "in_area" });
    h.move("p1", "outside");
    expect(h.open("ESCAPE_ATTEMPT")[0]!.count).toBe(2);
  });

  it("stays quiet on an approved temporary exit (and logs the suppression), and for an exited person", () => {
    const h = harness();
    h.center.detainee("p1", { session: { state: "temp_exit" } });
    h.center.detainee("p2");
    h.move("p1", "corridor");
    h.move("p1", "sally");
    h.move("p2", "corridor");
    h.center.exit("p2");
    h.move("p2", "sally");
    expect(h.open("ESCAPE_ATTEMPT")).toEqual([]);
    expect(h.events("RULE_SUPPRESSED").map((e) => e.payload)).toEqual([expect.objectContaining({ ruleId: "R17", reason: "approved temporary exit" })]);
  });

  it("does not alarm on a tag's first sighting", () => {
    const h = harness();
    h.center.detainee("p1");
    h.move("p1", "exit-room");
    expect(h.open("ESCAPE_ATTEMPT")).toEqual([]);
  });

  it("judges the first sighting per person: a band handed on does not make its new wearer an escapee", () => {
    const h = harness();
    h.move("band-7", "corridor", { tagOnly: true }); // the previous wearer's last room
    h.center.detainee("p2", { session: { tagIds: ["band-7"] } });
    h.move("p2", "sally");
    expect(h.open("ESCAPE_ATTEMPT")).toEqual([]);
    h.move("p2", "corridor");
    h.move("p2", "sally");
    expect(h.open("ESCAPE_ATTEMPT")).toHaveLength(1);
  });
});

describe("R18 temporary exit overdue", () => {
  it("raises when not back by the planned return time, and resolves on return", () => {
    const h = harness();
    const now = h.clock.now();
    h.center.detainee("p1", { session: { state: "temp_exit", tempExit: { reason: "medical", approver: "chief", at: now, plannedReturnAt: now + 60 * MIN } } });
    h.advance(60 * MIN, MIN);
    expect(h.open("TEMP_EXIT_OVERDUE")).toEqual([]);
    h.advance(MIN, MIN);
    expect(h.open("TEMP_EXIT_OVERDUE")[0]!.data).toMatchObject({ reason: "medical", plannedReturnAt: now + 60 * MIN });
    h.center.patch("p1", { state: "in_area", tempExit: { reason: "medical", approver: "chief", at: now, plannedReturnAt: now + 60 * MIN, returnedAt: h.clock.now() } });
    h.event("TEMP_EXIT_RETURNED", {}, { personId: "p1" });
    expect(h.open("TEMP_EXIT_OVERDUE")).toEqual([]);
  });

  it("stays quiet within the grace time", () => {
    const h = harness({ params: { R18: { graceMin: 15 } } });
    const now = h.clock.now();
    h.center.detainee("p1", { session: { state: "temp_exit", tempExit: { reason: "identify_scene", approver: "c", at: now, plannedReturnAt: now + 30 * MIN } } });
    h.advance(44 * MIN, MIN);
    expect(h.open("TEMP_EXIT_OVERDUE")).toEqual([]);
  });
});
