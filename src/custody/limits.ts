import type { CustodySession, LegalBasis, Person } from "./model.js";
import type { CustodyParams } from "./params.js";
import { deny, needsOverride, verdictOf, type Verdict } from "./verdict.js";

/**
 * Legal custody limits (DOMAIN.md §7 R04–R06). Pure: the clock (clock.ts) measures, these say
 * how long is allowed and which extension steps the law admits.
 */

const H = 3_600_000;

/**
 * R06 (继续盘问规定 Art. 10): continued questioning of a pregnant woman, a woman nursing an
 * infant under one, a person under 16 or aged 70 or over must end within 4 h and never uses a
 * holding room. With no age known, the `minor` flag decides (the safe side).
 */
export function isVulnerableFastTrack(person: Person, basis: LegalBasis, ageYears: number | undefined, params: CustodyParams): boolean {
  if (basis !== "continued_questioning") return false;
  const flags = person.vulnerable;
  // The `elderly` flag means 70 or over by definition; `minor` (under 18) says nothing about 16.
  if (flags.includes("pregnant") || flags.includes("nursing_infant") || flags.includes("elderly")) return true;
  if (ageYears !== undefined) return ageYears < params.vulnerable.underAge || ageYears >= params.vulnerable.elderlyAge;
  return flags.includes("minor");
}

/** The limit at session start, before any extension (R04, R06). */
export function baseLimitH(basis: LegalBasis, opts: { mayBeDetained?: boolean; vulnerableFastTrack?: boolean }, params: CustodyParams): number {
  if (opts.vulnerableFastTrack) return params.vulnerable.deadlineH;
  if (basis === "admin_questioning" && opts.mayBeDetained) return Math.max(params.mayBeDetainedH, params.limitsH.admin_questioning);
  return params.limitsH[basis];
}

/** The limit in force: the last approved extension, else the base limit. */
export function currentLimitH(session: Pick<CustodySession, "baseLimitH" | "extensions">): number {
  const last = session.extensions.at(-1);
  return last ? last.newLimitH : session.baseLimitH;
}

export const limitMs = (hours: number): number => hours * H;

export interface ExtensionRequest {
  readonly newLimitH: number;
  readonly identityUnknown?: boolean;
}

/**
 * R04 extension steps: only the next step of the basis's ladder, each approved on its own
 * (12 → 24 → 48 for continued questioning; 12 → 48 directly is rejected, Order 75 Art. 17).
 * The 48 h step needs an unknown identity (Art. 11). The R06 4 h deadline never extends.
 * Recording an approval after the deadline has passed needs an override.
 */
export function checkExtension(session: CustodySession, req: ExtensionRequest, elapsedMs: number, params: CustodyParams): Verdict {
  if (session.state === "exited") return verdictOf([deny("session_closed")]);
  if (session.vulnerableFastTrack) return verdictOf([deny("vulnerable_fixed_deadline", { deadlineH: session.baseLimitH })]);
  const current = currentLimitH(session);
  const ladder = [...params.extensionStepsH[session.legalBasis]].sort((a, b) => a - b).filter((h) => h > current);
  const next = ladder[0];
  if (req.newLimitH <= current) return verdictOf([deny("not_an_extension", { currentLimitH: current })]);
  if (next === undefined) return verdictOf([deny("no_further_extension", { currentLimitH: current })]);
  if (req.newLimitH !== next) {
    const code = ladder.includes(req.newLimitH) ? "step_skipped" : "not_a_legal_step";
    return verdictOf([deny(code, { currentLimitH: current, nextStepH: next })]);
  }
  const unknownIdentity = req.identityUnknown ?? session.identityUnknown ?? false;
  return verdictOf([
    session.legalBasis === "continued_questioning" && next === params.identityUnknownStepH && !unknownIdentity && deny("identity_known", { stepH: next }),
    elapsedMs >= limitMs(current) && needsOverride("deadline_passed", { currentLimitH: current, elapsedMs }),
  ]);
}
