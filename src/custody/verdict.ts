/**
 * What a pre-action check answers (DOMAIN.md §7 R02, R09, R18, R28, R29, R31). `allow` may
 * still carry codes: they are warnings the operator sees and the event records. An override
 * (operator + reason, audited) lets a `needs_override` through; nothing lets a `deny` through.
 */
export type VerdictKind = "allow" | "deny" | "needs_override";

export interface Verdict {
  readonly verdict: VerdictKind;
  readonly codes: readonly string[];
  /** Facts behind the codes (missing steps, the previous session's end, occupant ids…). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** With `needs_override`: the codes an override would bypass (the rest are warnings). */
  readonly overridable?: readonly string[];
}

export interface Finding {
  readonly code: string;
  /** "warn" lets the action through and reports the code. */
  readonly level: "warn" | "override" | "deny";
  readonly details?: Readonly<Record<string, unknown>>;
}

export const ALLOW: Verdict = { verdict: "allow", codes: [] };

export const deny = (code: string, details?: Record<string, unknown>): Finding => ({ code, level: "deny", ...(details && { details }) });
export const needsOverride = (code: string, details?: Record<string, unknown>): Finding => ({ code, level: "override", ...(details && { details }) });
export const warn = (code: string, details?: Record<string, unknown>): Finding => ({ code, level: "warn", ...(details && { details }) });

/** The verdict of a set of findings: the strongest level wins; codes keep their order. */
export function verdictOf(findings: readonly (Finding | undefined | false)[]): Verdict {
  const list = findings.filter((f): f is Finding => !!f);
  if (list.length === 0) return ALLOW;
  const verdict: VerdictKind = list.some((f) => f.level === "deny") ? "deny" : list.some((f) => f.level === "override") ? "needs_override" : "allow";
  const details = Object.assign({}, ...list.map((f) => f.details ?? {})) as Record<string, unknown>;
  const codes = [...new Set(list.map((f) => f.code))];
  const overridable = verdict === "needs_override" ? [...new Set(list.filter((f) => f.level === "override").map((f) => f.code))] : undefined;
  return { verdict, codes, ...(overridable && { overridable }), ...(Object.keys(details).length > 0 && { details }) };
}
