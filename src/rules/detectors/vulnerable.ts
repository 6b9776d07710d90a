import type { CustodySession, VulnerableFlag } from "../../custody/model.js";
import { hoursMs, pausedMs, roundH } from "../clock-math.js";
import { dedupKey, SEVERITY } from "../detector.js";
import type { Condition } from "../dwell-conditions.js";
import type { RuleParams } from "../params.js";
import { occupantsIn } from "../people.js";
import { sessionRule } from "../session-rule.js";
import type { RuleView } from "../view.js";

const FAST_TRACK: readonly VulnerableFlag[] = ["pregnant", "nursing_infant", "elderly"];

/** 继续盘问规定 Art. 10: pregnant, nursing an infant <1 y, under 16 or 70 and over. Unknown age with the minor flag counts. */
export function vulnerableContinuedQuestioning(view: RuleView, s: CustodySession, now: number, p: RuleParams["R06"]): boolean {
  if (s.legalBasis !== "continued_questioning") return false;
  const person = view.custody.person(s.personId);
  if (!person) return false;
  if (person.vulnerable.some((f) => FAST_TRACK.includes(f))) return true;
  const age = view.custody.ageAt(s.personId, now);
  if (age !== undefined) return age < p.childUnderYears || age >= p.elderlyFromYears;
  return person.vulnerable.includes("minor");
}

/**
 * R06 vulnerable fast track at runtime: the 4 h deadline (warning, then critical), and such a
 * person located in a holding room — the assignment block is custody's pre-check, this catches
 * the person being there anyway, override or not.
 */
export const vulnerableFastTrack = sessionRule({
  id: "vulnerable",
  ruleIds: ["R06"],
  events: ["CLOCK_PAUSED", "CLOCK_RESUMED", "PERSON_EXITED", "PERSON_REGISTERED"],
  evaluate(s, view, params, now) {
    const p = params.R06;
    if (!vulnerableContinuedQuestioning(view, s, now, p)) return [];
    const flags = view.custody.person(s.personId)?.vulnerable ?? [];
    const deadline = s.arrivalAt + hoursMs(p.limitH) + pausedMs(s, now);
    const out: Condition[] = [];
    const remaining = deadline - now;
    if (remaining <= hoursMs(p.leadH)) {
      // The exceeded stage is its own (critical) alarm, so an acknowledged warning cannot hide it.
      const exceeded = remaining <= 0;
      out.push({
        key: dedupKey("VULNERABLE_DEADLINE", s.personId, exceeded ? `${s.sessionId}:exceeded` : s.sessionId),
        scope: s.sessionId,
        dwellMs: 0,
        ...(exceeded ? { repeatMs: params.R04.exceededRepeatMin * 60_000 } : {}),
        make: () => ({
          type: "VULNERABLE_DEADLINE",
          ruleId: "R06",
          severity: exceeded ? SEVERITY.critical : SEVERITY.high,
          subjects: [s.personId],
          message: exceeded ? `${s.personId}: 4 h limit for a vulnerable person exceeded` : `${s.personId}: 4 h limit for a vulnerable person in ${roundH(remaining)} h`,
          params: p,
          data: { vulnerableFlags: flags, arrivalAt: s.arrivalAt, deadline, exceeded },
        }),
      });
    }
    const roomId = view.presence.roomOf({ personId: s.personId });
    const room = roomId === undefined ? undefined : view.presence.room(roomId);
    if (room && p.holdingRoomTypes.includes(room.type)) {
      out.push({
        key: dedupKey("VULNERABLE_HOLDING_FORBIDDEN", s.personId, room.id),
        scope: s.sessionId,
        dwellMs: p.holdingDwellS * 1000,
        since: occupantsIn(view, room.id).find((o) => o.personId === s.personId)?.since ?? now,
        make: () => ({
          type: "VULNERABLE_HOLDING_FORBIDDEN",
          ruleId: "R06",
          severity: SEVERITY.high,
          zoneId: room.id,
          subjects: [s.personId],
          message: `${s.personId} (vulnerable, 继续盘问) is in holding room ${room.id}`,
          params: p,
          data: { vulnerableFlags: flags, roomId: room.id, deadline },
        }),
      });
    }
    return out;
  },
});
