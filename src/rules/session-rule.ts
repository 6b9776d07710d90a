import type { CustodySession } from "../custody/model.js";
import { detector, inputNow, unchanged, type Detector } from "./detector.js";
import { track, type Condition, type Tracked } from "./dwell-conditions.js";
import type { RuleId, RuleParams } from "./params.js";
import type { RuleView } from "./view.js";

/** Look rate for rules over hours-long clocks (R04, R05, R08, R24): at most 10 s late. */
export const CLOCK_TICK_MS = 10_000;

export interface SessionRuleSpec {
  readonly id: string;
  readonly ruleIds: readonly RuleId[];
  /** Events after which the rule looks again at once instead of at the next tick. */
  readonly events?: readonly string[];
  /** Ticks closer together than this are skipped (clocks counted in hours need no second-by-second look). */
  readonly tickEveryMs?: number;
  /** What holds for one open session now; use the session id as the condition scope. */
  evaluate(session: CustodySession, view: RuleView, params: RuleParams, now: number): readonly Condition[];
}

/**
 * A detector for conditions of a custody session (clocks, interrogation, welfare, temporary
 * exit): every tick looks at every open session; conditions of sessions that closed are
 * cleared because they are no longer produced.
 */
export function sessionRule(spec: SessionRuleSpec): Detector<unknown> {
  return detector<SessionRuleState>({
    id: spec.id,
    ruleIds: spec.ruleIds,
    events: spec.events ?? [],
    tick: true,
    initial: () => ({ tracked: {}, at: 0 }),
    step(state, input, view, params) {
      const now = inputNow(input);
      if (input.kind === "tick" && now - state.at < (spec.tickEveryMs ?? 0)) return unchanged(state);
      const conditions: Condition[] = [];
      for (const s of view.custody.openSessions()) if (s.state !== "exited") conditions.push(...spec.evaluate(s, view, params, now));
      const r = track(state.tracked, conditions, now, undefined, "condition ended or session closed");
      return { state: { tracked: r.tracked, at: now }, actions: r.actions };
    },
  });
}

interface SessionRuleState {
  readonly tracked: Tracked;
  /** When every session was last looked at. */
  readonly at: number;
}
