import { z } from "zod";
import type { ConfigIssue } from "../core/errors.js";
import { ConfigError } from "../core/errors.js";
import { LEGAL_BASES, PROCESS_STEPS, VULNERABLE_FLAGS, type LegalBasis, type ProcessStep, type VulnerableFlag } from "./model.js";

/**
 * The custody side of `config.rules` (DOMAIN.md §7): legal limits and pre-check parameters.
 * Every default is the value in DOMAIN.md; a center overrides any of them under its rule id,
 * e.g. `R03: { limitsH: { admin_questioning: 12 } }` for the 2026 administrative tier.
 *
 * The rules engine reads its detector parameters from the same records with strict schemas
 * (src/rules/params.ts), so custody keeps its keys off the rules it does not own: the clock
 * limits sit under R03 (the rule that computes the deadline), the R06 age bounds and limit are
 * the rules' own keys (one value for pre-check and detector), and the night-release window of
 * R06 is checked at exit, under R29. Unknown keys are left to the rules side.
 */
const Basis = z.enum(LEGAL_BASES as [LegalBasis, ...LegalBasis[]]);
const Flag = z.enum(VULNERABLE_FLAGS as [VulnerableFlag, ...VulnerableFlag[]]);
const Step = z.enum(PROCESS_STEPS as [ProcessStep, ...ProcessStep[]]);
const Hours = z.number().positive().max(24 * 14);
const ByBasis = <T extends z.ZodType>(t: T) => z.partialRecord(Basis, t);
const Hour = z.number().int().min(0).max(23);

const RuleParams = {
  R03: z.strictObject({
    futureToleranceS: z.number().nonnegative().optional(),
    limitsH: ByBasis(Hours).optional(),
    mayBeDetainedH: Hours.optional(),
    extensionStepsH: ByBasis(z.array(Hours)).optional(),
    identityUnknownStepH: Hours.optional(),
  }),
  R06: z.object({
    limitH: Hours.optional(),
    childUnderYears: z.number().int().positive().optional(),
    elderlyFromYears: z.number().int().positive().optional(),
  }),
  R07: z.strictObject({ bases: z.array(Basis).optional() }),
  R09: z.strictObject({ specialFlags: z.array(Flag).optional(), minorAge: z.number().int().positive().optional() }),
  R28: z.strictObject({ mode: z.enum(["off", "warn", "block"]).optional(), steps: z.array(Step).optional() }),
  R29: z.strictObject({ nightReleaseFromHour: Hour.optional(), nightReleaseToHour: Hour.optional() }),
  R31: z.strictObject({ gapH: Hours.optional(), bases: z.array(Basis).optional() }),
} as const;

export interface CustodyParams {
  readonly arrivalFutureToleranceMs: number;
  readonly limitsH: Readonly<Record<LegalBasis, number>>;
  readonly mayBeDetainedH: number;
  readonly extensionStepsH: Readonly<Record<LegalBasis, readonly number[]>>;
  readonly identityUnknownStepH: number;
  readonly vulnerable: { readonly deadlineH: number; readonly underAge: number; readonly elderlyAge: number; readonly nightFromHour: number; readonly nightToHour: number };
  readonly pauseBases: readonly LegalBasis[];
  readonly specialFlags: readonly VulnerableFlag[];
  readonly minorAge: number;
  readonly processOrder: { readonly mode: "off" | "warn" | "block"; readonly steps: readonly ProcessStep[] };
  readonly resummons: { readonly gapH: number; readonly bases: readonly LegalBasis[] };
}

const CRIMINAL: readonly LegalBasis[] = ["summons", "verbal_summons", "compelled_appearance"];

export const DEFAULT_PARAMS: CustodyParams = {
  arrivalFutureToleranceMs: 60_000,
  // 刑诉法 Art. 119, 刑事程序规定 Art. 80/200; 治安法 Art. 83; 继续盘问规定 Art. 11; 刑诉法 Art. 85/93.
  limitsH: {
    summons: 12,
    verbal_summons: 12,
    compelled_appearance: 12,
    admin_questioning: 8,
    continued_questioning: 12,
    criminal_detention: 24,
    arrest: 24,
    other: 12,
  },
  mayBeDetainedH: 24,
  extensionStepsH: {
    summons: [24],
    verbal_summons: [24],
    compelled_appearance: [24],
    admin_questioning: [24],
    continued_questioning: [24, 48],
    criminal_detention: [],
    arrest: [],
    other: [24],
  },
  identityUnknownStepH: 48,
  vulnerable: { deadlineH: 4, underAge: 16, elderlyAge: 70, nightFromHour: 21, nightToHour: 7 },
  pauseBases: ["admin_questioning"],
  specialFlags: ["pregnant", "nursing_infant", "elderly", "disabled", "ill", "drunk", "suicide_risk", "special_category"],
  minorAge: 18,
  processOrder: { mode: "warn", steps: ["security_check", "belongings", "info_capture"] },
  resummons: { gapH: 12, bases: [...CRIMINAL, "admin_questioning", "continued_questioning"] },
};

/** The config problems of the custody parameters (for check-config); empty when fine. */
export function custodyParamIssues(rules: Readonly<Record<string, Readonly<Record<string, unknown>>>>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [ruleId, schema] of Object.entries(RuleParams)) {
    const value = rules[ruleId];
    if (value === undefined) continue;
    const r = schema.safeParse(value);
    if (!r.success) for (const i of r.error.issues) issues.push({ path: ["rules", ruleId, ...i.path].join("."), message: i.message });
  }
  return issues;
}

/** Custody parameters from `config.rules`, defaults filled in. Throws ConfigError on bad values. */
export function custodyParams(rules: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {}): CustodyParams {
  const issues = custodyParamIssues(rules);
  if (issues.length > 0) throw new ConfigError("config.rules", issues);
  const p = <K extends keyof typeof RuleParams>(k: K) => RuleParams[k].parse(rules[k] ?? {}) as z.infer<(typeof RuleParams)[K]>;
  const d = DEFAULT_PARAMS;
  const [r03, r06, r07, r09, r28, r29, r31] = [p("R03"), p("R06"), p("R07"), p("R09"), p("R28"), p("R29"), p("R31")];
  const v = d.vulnerable;
  return {
    arrivalFutureToleranceMs: r03.futureToleranceS !== undefined ? r03.futureToleranceS * 1000 : d.arrivalFutureToleranceMs,
    limitsH: { ...d.limitsH, ...r03.limitsH },
    mayBeDetainedH: r03.mayBeDetainedH ?? d.mayBeDetainedH,
    extensionStepsH: { ...d.extensionStepsH, ...r03.extensionStepsH },
    identityUnknownStepH: r03.identityUnknownStepH ?? d.identityUnknownStepH,
    vulnerable: {
      deadlineH: r06.limitH ?? v.deadlineH,
      underAge: r06.childUnderYears ?? v.underAge,
      elderlyAge: r06.elderlyFromYears ?? v.elderlyAge,
      nightFromHour: r29.nightReleaseFromHour ?? v.nightFromHour,
      nightToHour: r29.nightReleaseToHour ?? v.nightToHour,
    },
    pauseBases: r07.bases ?? d.pauseBases,
    specialFlags: r09.specialFlags ?? d.specialFlags,
    minorAge: r09.minorAge ?? d.minorAge,
    processOrder: { mode: r28.mode ?? d.processOrder.mode, steps: r28.steps ?? d.processOrder.steps },
    resummons: { gapH: r31.gapH ?? d.resummons.gapH, bases: r31.bases ?? d.resummons.bases },
  };
}
