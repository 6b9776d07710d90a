import type { CustodySession } from "../custody/model.js";
import { detector, inputNow, type Detector } from "./detector.js";
import { track, type Condition, type Tracked } from "./dwell-conditions.js";
import type { RuleId, RuleParams } from "./params.js";
import type { RuleView } from "./view.js";

export interface SessionRuleSpec {
  readonly id: string;
  readonly ruleIds: readonly RuleId[];
  /** Events after which the rule looks again at once instead of at the next tick. */
  readonly events?: readonly string[];
  /** What holds for one open session now; use the session id as the condition scope. */
  evaluate(session: CustodySession, view: RuleView, params: RuleParams, now: number): readonly Condition[];
}

/**
 * A detector for conditions of a custody session (clocks, interrogation, welfare, temporary
 * exit): every tick looks at every open session; conditions of sessions that closed are
 * cleared because they are no longer produced.
 */
export function sessionRule(spec: SessionRuleSpec): Detector<unknown> {
  return detector<Tracked>({
    id: spec.id,
    ruleIds: spec.ruleIds,
    events: spec.events ?? [],
    tick: true,
    initial: () => ({}),
    step(state, input, view, params) {
      const now = inputNow(input);
      const conditions: Condition[] = [];
      for (const s of view.custody.openSessions()) if (s.state !== "exited") conditions.push(...spec.evaluate(s, view, params, now));
      const r = track(state, conditions, now, undefined, "condition ended or session closed");
      return { state: r.tracked, actions: r.actions };
    },
  });
}
