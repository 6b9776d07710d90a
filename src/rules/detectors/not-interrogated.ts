import { hoursMs, roundH } from "../clock-math.js";
import { dedupKey, SEVERITY } from "../detector.js";
import { CLOCK_TICK_MS, sessionRule } from "../session-rule.js";

/** R08 not yet interrogated (入区未审讯): no interrogation started this long after arrival. */
export const notInterrogated = sessionRule({
  id: "not-interrogated",
  ruleIds: ["R08"],
  events: ["INTERROGATION_STARTED", "PERSON_EXITED"],
  tickEveryMs: CLOCK_TICK_MS,
  evaluate(s, _view, params, now) {
    const p = params.R08;
    const warnH = p.warnAfterH[s.legalBasis];
    if (warnH === undefined || s.interrogations.length > 0) return [];
    const elapsed = now - s.arrivalAt;
    if (elapsed < hoursMs(warnH)) return [];
    return [
      {
        key: dedupKey("NOT_INTERROGATED_WARNING", s.personId, s.sessionId),
        scope: s.sessionId,
        dwellMs: 0,
        make: () => ({
          type: "NOT_INTERROGATED_WARNING",
          ruleId: "R08",
          severity: SEVERITY.medium,
          subjects: [s.personId],
          message: `${s.personId}: not interrogated ${roundH(elapsed)} h after arrival`,
          params: { ...p, warnAfterH: warnH },
          data: { legalBasis: s.legalBasis, arrivalAt: s.arrivalAt, elapsedH: roundH(elapsed) },
        }),
      },
    ];
  },
});
