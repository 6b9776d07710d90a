import { deadlineOf, hoursMs, limitHOf, roundH } from "../clock-math.js";
import { dedupKey, SEVERITY } from "../detector.js";
import type { Condition } from "../dwell-conditions.js";
import { basisCategory } from "../people.js";
import { CLOCK_TICK_MS, sessionRule } from "../session-rule.js";
import { vulnerableContinuedQuestioning } from "./vulnerable.js";

const CLOCK_EVENTS = ["CLOCK_EXTENDED", "CLOCK_PAUSED", "CLOCK_RESUMED", "PERSON_EXITED"];

/**
 * R04 clock limits: a warning at deadline − lead (escalated at deadline − 1 h), then
 * CUSTODY_TIME_EXCEEDED (critical) repeated until exit. Vulnerable persons under 继续盘问 are
 * R06's (their 4 h clock), so they are not warned twice.
 */
export const custodyClock = sessionRule({
  id: "custody-clock",
  ruleIds: ["R04"],
  events: CLOCK_EVENTS,
  tickEveryMs: CLOCK_TICK_MS,
  evaluate(s, view, params, now) {
    const p = params.R04;
    if (vulnerableContinuedQuestioning(view, s, now, params.R06)) return [];
    const deadline = deadlineOf(view, s, now);
    const leadH = p.leadH[basisCategory(s.legalBasis)];
    const remaining = deadline - now;
    const data = { legalBasis: s.legalBasis, arrivalAt: s.arrivalAt, deadline, limitH: limitHOf(s), remainingMin: Math.floor(remaining / 60_000), extensions: s.extensions };
    const base = { ruleId: "R04", subjects: [s.personId], params: p, data };
    if (remaining <= 0) {
      return [
        {
          key: dedupKey("CUSTODY_TIME_EXCEEDED", s.personId, s.sessionId),
          scope: s.sessionId,
          dwellMs: 0,
          repeatMs: p.exceededRepeatMin * 60_000,
          make: () => ({ ...base, type: "CUSTODY_TIME_EXCEEDED", severity: SEVERITY.critical, message: `${s.personId}: custody time limit (${limitHOf(s)} h) exceeded` }),
        },
      ];
    }
    if (remaining > hoursMs(leadH)) return [];
    const final = remaining <= hoursMs(p.finalLeadH);
    return [
      {
        key: dedupKey("CUSTODY_TIME_WARNING", s.personId, s.sessionId),
        scope: s.sessionId,
        dwellMs: 0,
        level: final ? 1 : 0,
        make: () => ({
          ...base,
          type: "CUSTODY_TIME_WARNING",
          severity: final ? SEVERITY.high : SEVERITY.medium,
          message: `${s.personId}: custody time limit in ${roundH(remaining)} h`,
        }),
      },
    ];
  },
});

/** R05 hard ceiling: 23 h imminent, 24 h exceeded (48 h for 继续盘问 with an approved 48 h step). */
export const custodyCeiling = sessionRule({
  id: "custody-ceiling",
  ruleIds: ["R05"],
  events: CLOCK_EVENTS,
  tickEveryMs: CLOCK_TICK_MS,
  evaluate(s, _view, params, now) {
    const p = params.R05;
    const approved48 = s.legalBasis === "continued_questioning" ? Math.max(0, ...s.extensions.map((e) => e.newLimitH)) : 0;
    const ceilingH = approved48 >= 48 ? approved48 : p.ceilingH;
    const imminentH = ceilingH - (p.ceilingH - p.imminentH);
    const elapsed = now - s.arrivalAt;
    const data = { arrivalAt: s.arrivalAt, elapsedH: roundH(elapsed), ceilingH };
    const base = { ruleId: "R05", subjects: [s.personId], params: { ...p, effectiveCeilingH: ceilingH }, data };
    const out: Condition[] = [];
    if (elapsed >= hoursMs(ceilingH)) {
      out.push({
        key: dedupKey("CUSTODY_24H_EXCEEDED", s.personId, s.sessionId),
        scope: s.sessionId,
        dwellMs: 0,
        repeatMs: p.exceededRepeatMin * 60_000,
        make: () => ({ ...base, type: "CUSTODY_24H_EXCEEDED", severity: SEVERITY.critical, message: `${s.personId}: in custody ${roundH(elapsed)} h, past the ${ceilingH} h ceiling` }),
      });
    } else if (elapsed >= hoursMs(imminentH)) {
      out.push({
        key: dedupKey("CUSTODY_24H_IMMINENT", s.personId, s.sessionId),
        scope: s.sessionId,
        dwellMs: 0,
        make: () => ({ ...base, type: "CUSTODY_24H_IMMINENT", severity: SEVERITY.high, message: `${s.personId}: ${ceilingH} h ceiling in ${roundH(hoursMs(ceilingH) - elapsed)} h` }),
      });
    }
    return out;
  },
});
