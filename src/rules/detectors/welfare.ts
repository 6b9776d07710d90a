import { hoursMs, roundH } from "../clock-math.js";
import { dedupKey, SEVERITY } from "../detector.js";
import type { Condition } from "../dwell-conditions.js";
import { openInterrogation } from "../people.js";
import { CLOCK_TICK_MS, sessionRule } from "../session-rule.js";

/**
 * R24 long interrogation and welfare (饮食和必要的休息时间): INTERROGATION_LONG after 4 h of one
 * interrogation without a logged break, WELFARE_DUE when no meal is logged 6 h after arrival or
 * the last meal. Reminders, not blocks; both clear when the break or meal is logged.
 */
export const welfareDue = sessionRule({
  id: "welfare",
  ruleIds: ["R24"],
  events: ["WELFARE_LOGGED", "INTERROGATION_ENDED", "INTERROGATION_BREAK_STARTED", "INTERROGATION_BREAK_ENDED"],
  tickEveryMs: CLOCK_TICK_MS,
  evaluate(s, _view, params, now) {
    const p = params.R24;
    const out: Condition[] = [];
    const it = openInterrogation(s);
    if (it && !it.breaks.some((b) => b.to === undefined)) {
      const since = Math.max(it.startedAt, ...it.breaks.map((b) => b.to ?? 0));
      if (now - since > hoursMs(p.maxContinuousH)) {
        out.push({
          key: dedupKey("INTERROGATION_LONG", s.personId, it.interrogationId),
          scope: s.sessionId,
          dwellMs: 0,
          make: () => ({
            type: "INTERROGATION_LONG",
            ruleId: "R24",
            severity: SEVERITY.medium,
            zoneId: it.roomId,
            subjects: [s.personId],
            relatedPersonIds: it.officerIds,
            message: `${s.personId}: interrogated ${roundH(now - since)} h without a break`,
            params: p,
            data: { interrogationId: it.interrogationId, roomId: it.roomId, sinceLastBreak: now - since },
          }),
        });
      }
    }
    if (s.state !== "temp_exit") {
      const lastMeal = Math.max(s.arrivalAt, ...s.welfare.filter((w) => w.kind === "meal").map((w) => w.at));
      if (now - lastMeal > hoursMs(p.mealEveryH)) {
        out.push({
          key: dedupKey("WELFARE_DUE", s.personId, s.sessionId),
          scope: s.sessionId,
          dwellMs: 0,
          make: () => ({
            type: "WELFARE_DUE",
            ruleId: "R24",
            severity: SEVERITY.low,
            subjects: [s.personId],
            message: `${s.personId}: no meal logged for ${roundH(now - lastMeal)} h`,
            params: p,
            data: { sinceLastMeal: now - lastMeal, lastMealAt: lastMeal === s.arrivalAt ? null : lastMeal },
          }),
        });
      }
    }
    return out;
  },
});
