import { afterEach, describe, expect, it } from "vitest";
import { EventEnvelope } from "../../src/core/envelope.js";
import { CASE_NO, CHANNEL, CLEAN_LIFECYCLE, ESCORTS, fromInterrogationToExit, PATROL, upToInterrogation } from "./flow.js";
import { HOUR, MIN, Scenario, T0, tagOf } from "./harness.js";

let s: Scenario;
afterEach(() => s.close());

const CLEAN_PATH = ["registration", "corridor", "search", "corridor", "belongings", "corridor", "capture", "corridor", "holding-1", "corridor", "interrogation-1", "corridor", "holding-1", "corridor", "belongings", "corridor", "registration"];

describe("full custody flow through the daemon's engines", () => {
  it("arrival → search → belongings → capture → holding → interrogation (two officers, recording) → meal → holding → exit: exactly these events, no alarm", () => {
    s = new Scenario();
    upToInterrogation(s, "p-1");
    s.idle(2 * HOUR);
    fromInterrogationToExit(s, "p-1");
    // The wristband was docked; half an hour later nothing has been raised about it either (R30).
    s.idle(40 * MIN);

    // Officers first (registered and bound), then the detainee's flow with the patrol punch in it.
    const lifecycle = s.lifecycle();
    expect(lifecycle.slice(0, 6).map((e) => [e.type, e.personId])).toEqual(["o-1", "o-2", PATROL].flatMap((o) => [["PERSON_REGISTERED", o], ["TAG_BOUND", o]]));
    const flow = lifecycle.slice(6);
    expect(flow.map((e) => e.type)).toEqual(CLEAN_LIFECYCLE);
    const sessionId = flow[0]!.sessionId;
    expect(sessionId).toBeDefined();
    for (const e of flow) if (e.type !== "PATROL_PUNCH") expect(e).toMatchObject({ personId: "p-1", role: "detainee", sessionId, caseNo: CASE_NO, source: { origin: "operator:op-desk" } });

    const byType = (type: string, nth = 0) => flow.filter((e) => e.type === type)[nth]!;
    expect(byType("PERSON_REGISTERED").payload).toMatchObject({ legalBasis: "summons", limitH: 12, arrivalAt: T0 + MIN - 10 * MIN, precheckCodes: [] });
    expect(byType("TAG_BOUND").payload).toMatchObject({ tagIds: [tagOf("p-1")] });
    expect(byType("SECURITY_CHECK_DONE").payload).toMatchObject({ officers: [...ESCORTS], findings: "none" });
    expect(byType("HOLDING_ASSIGNED")).toMatchObject({ roomId: "holding-1", payload: { roomId: "holding-1", precheckCodes: [], override: null } });
    expect(byType("PATROL_PUNCH")).toMatchObject({ roomId: "holding-1", payload: { officerId: PATROL, roomId: "holding-1" } });
    expect(byType("INTERROGATION_STARTED")).toMatchObject({ roomId: "interrogation-1", payload: { officerIds: [...ESCORTS], recorderChannels: [CHANNEL], precheckCodes: [] } });
    expect(byType("INTERROGATION_ENDED").payload.durationMs).toBeGreaterThanOrEqual(2 * HOUR);
    expect(byType("WELFARE_LOGGED").payload).toMatchObject({ kind: "meal" });
    expect(byType("TAG_UNBOUND").payload).toMatchObject({ tagIds: [tagOf("p-1")], reason: "exit" });
    const exited = byType("PERSON_EXITED").payload;
    expect(exited).toMatchObject({ destination: "home", outcome: "教育释放", belongingsReturned: true, faceMatchScore: 97, limitH: 12 });
    expect(exited.elapsedMs as number).toBeLessThan(12 * HOUR);

    // Presence followed the walk room by room; R23 saw the detainee into and out of the interrogation room.
    expect(s.path("p-1")).toEqual(CLEAN_PATH);
    const r23 = s.stream().filter((e) => e.type.startsWith("INTERROGATION_PRESENCE_"));
    expect(r23.map((e) => [e.type, e.roomId, e.personId])).toEqual([
      ["INTERROGATION_PRESENCE_STARTED", "interrogation-1", "p-1"],
      ["INTERROGATION_PRESENCE_ENDED", "interrogation-1", "p-1"],
    ]);

    // One envelope convention across the engines (docs/presence.md): roomId is the room, zoneId its area.
    const areaOf = new Map(s.config.areas.flatMap((a) => a.rooms.map((r) => [r.id, a.id] as const)));
    const placed = s.stream().filter((e) => e.roomId !== undefined && (e.zoneId !== undefined || e.category === "lifecycle"));
    expect(placed.map((e) => e.type)).toEqual(expect.arrayContaining(["ZONE_ENTER", "HOLDING_ASSIGNED", "PATROL_PUNCH", "INTERROGATION_STARTED", "INTERROGATION_PRESENCE_STARTED"]));
    for (const e of placed) expect([e.type, e.roomId, e.zoneId]).toEqual([e.type, e.roomId, areaOf.get(e.roomId!)]);

    // No alarm, no suppressed rule, no detector failure, nothing open.
    expect(s.alarmEvents()).toEqual([]);
    expect(s.stream().filter((e) => e.type === "RULE_SUPPRESSED")).toEqual([]);
    expect(s.rules.openAlarms()).toEqual([]);
    expect(s.rules.stats().errors).toBe(0);
    expect(s.custody.reader.openSession("p-1")).toBeUndefined();
    expect(s.custody.reader.binding(tagOf("p-1"))).toBeUndefined();
  });

  it("the store holds what the pipeline handed out: one gap-free, seq-ordered stream of valid envelopes", () => {
    s = new Scenario();
    upToInterrogation(s, "p-1", 30);
    s.advance(30 * MIN);
    fromInterrogationToExit(s, "p-1", 10);

    const committed = s.committed();
    expect(committed.map((e) => e.seq)).toEqual(committed.map((_, i) => i + 1));
    expect(committed.filter((e) => e.type === "SEQ_SKIPPED")).toEqual([]);
    for (const e of committed) expect(EventEnvelope.safeParse(e).success).toBe(true);
    // Every command that made an event is audited in the same stream, under its command id.
    const audited = new Set(committed.filter((e) => e.type === "AUDIT_RECORD").map((e) => (e.payload.data as { commandId?: string }).commandId));
    for (const e of s.lifecycle()) expect(audited).toContain(e.correlationId);
    const seen = [...s.seen].sort((a, b) => a.seq - b.seq).map((e) => e.eventId);
    expect(s.stream().map((e) => e.eventId)).toEqual(seen);
    expect(s.alarmEvents()).toEqual([]);
  });
});
