import { R20Params, R25Params, type RuleParams } from "./params.js";
import type { RuleView } from "./view.js";

const OVERRIDABLE = { R20: R20Params.partial(), R25: R25Params.partial() } as const;
export type PersonOverridable = keyof typeof OVERRIDABLE;

/**
 * Parameters for one person where the law lets them differ (R20 heart-rate range from a medical
 * note, R25 patrol interval). The override comes from custody; a malformed one is ignored so a
 * bad note can never switch a rule off. `override` is what was applied, for the R38 snapshot.
 */
export function personParams<K extends PersonOverridable>(
  view: RuleView,
  personId: string,
  ruleId: K,
  base: RuleParams[K],
): { params: RuleParams[K]; override?: Readonly<Record<string, unknown>> } {
  const raw = view.custody.personRuleParams?.(personId, ruleId);
  if (!raw) return { params: base };
  const parsed = OVERRIDABLE[ruleId].safeParse(raw);
  if (!parsed.success) return { params: base };
  const override = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
  if (Object.keys(override).length === 0) return { params: base };
  return { params: { ...base, ...override } as RuleParams[K], override };
}
