import { dedupKey, SEVERITY } from "../detector.js";
import type { Condition } from "../dwell-conditions.js";
import { isUnder, occupantsIn, officersIn, openInterrogation } from "../people.js";
import { sessionRule } from "../session-rule.js";

/**
 * R26 juvenile and female interrogation safeguards (刑诉法 Art. 281): an interrogation of a
 * minor with no guardian/appropriate adult recorded, or of a female minor with no female staff
 * located in the room (after a short grace for staff to arrive).
 */
export const juvenileSafeguards = sessionRule({
  id: "juvenile-safeguards",
  ruleIds: ["R26"],
  events: ["INTERROGATION_STARTED", "INTERROGATION_ENDED"],
  evaluate(s, view, params, now) {
    const p = params.R26;
    const it = openInterrogation(s);
    if (!it || !isUnder(view, s.personId, now, p.minorUnderYears)) return [];
    const out: Condition[] = [];
    const make = (missing: "guardian" | "female_staff", dwellMs: number): Condition => ({
      key: dedupKey("JUVENILE_SAFEGUARD_MISSING", s.personId, `${it.interrogationId}:${missing}`),
      scope: s.sessionId,
      dwellMs,
      make: () => ({
        type: "JUVENILE_SAFEGUARD_MISSING",
        ruleId: "R26",
        severity: SEVERITY.high,
        zoneId: it.roomId,
        subjects: [s.personId],
        relatedPersonIds: it.officerIds,
        message: `interrogation of minor ${s.personId}: ${missing === "guardian" ? "no guardian or appropriate adult recorded" : "no female staff in the room"}`,
        params: p,
        data: { detaineeId: s.personId, missing, interrogationId: it.interrogationId, roomId: it.roomId },
      }),
    });
    if (it.guardianPresent !== true) out.push(make("guardian", 0));
    const female = view.custody.person(s.personId)?.sex === "female";
    if (female && view.presence.roomOf({ personId: s.personId }) === it.roomId) {
      const femaleStaff = officersIn(view, it.roomId, ["officer", "staff"]).some((id) => view.custody.person(id)?.sex === "female");
      const entered = occupantsIn(view, it.roomId).find((o) => o.personId === s.personId)?.since ?? now;
      if (!femaleStaff) out.push({ ...make("female_staff", p.graceS * 1000), since: Math.max(entered, it.startedAt) });
    }
    return out;
  },
});
