import { inNightWindow, localHour } from "./local-time.js";
import { TEMP_EXIT_REASONS, type CustodySession, type LegalBasis, type Person, type TempExitReason } from "./model.js";
import type { CustodyParams } from "./params.js";
import type { BindingRecord } from "./state.js";
import { deny, needsOverride, verdictOf, warn, type Finding, type Verdict } from "./verdict.js";

/**
 * Pre-action checks on a person's session, pure (DOMAIN.md §7): R02 bind, R03 arrival time,
 * R07 clock pause, R18 temporary exit, R29 exit, R31 re-summons. Room checks (R09, R28) are in
 * prechecks-rooms.ts.
 */

/** What the device side knows about a tag (R02); undefined when nothing is known. */
export interface TagHealth {
  readonly lowBattery?: boolean;
  readonly tampered?: boolean;
}

export interface BindRequest {
  readonly person: Person | undefined;
  readonly session: CustodySession | undefined;
  readonly tagIds: readonly string[];
  readonly bindingOf: (tagId: string) => BindingRecord | undefined;
  /** Tags the person wears now. */
  readonly personTags: readonly string[];
  readonly health: (tagId: string) => TagHealth | undefined;
}

/** R02: one tag, one person, one session; no low or tampered tag. */
export function checkBind(req: BindRequest): Verdict {
  if (!req.person) return verdictOf([deny("unknown_person")]);
  if (req.person.role === "detainee" && !req.session) return verdictOf([deny("no_open_session")]);
  const findings: Finding[] = [];
  for (const tagId of req.tagIds) {
    const b = req.bindingOf(tagId);
    if (b) findings.push(deny("tag_bound", { tagId, boundTo: b.personId }));
    const h = req.health(tagId);
    if (h?.tampered) findings.push(deny("tag_tampered", { tagId }));
    if (h?.lowBattery) findings.push(deny("tag_low_battery", { tagId }));
  }
  if (req.personTags.length > 0) findings.push(deny("person_bound", { tagIds: req.personTags }));
  return verdictOf(findings);
}

/** Unbinding mid-session (a faulty wristband) must say why; exit unbinds by itself. */
export function checkUnbind(person: Person | undefined, session: CustodySession | undefined, tagIds: readonly string[], personTags: readonly string[], reason: string | undefined): Verdict {
  if (!person) return verdictOf([deny("unknown_person")]);
  const notBound = tagIds.filter((t) => !personTags.includes(t));
  return verdictOf([
    notBound.length > 0 && deny("tag_not_bound", { tagIds: notBound }),
    session !== undefined && !reason && deny("reason_required"),
  ]);
}

/** R03: the operator's 到案时间 may not lie in the future. */
export function checkArrival(arrivalAt: number | undefined, now: number, params: CustodyParams): Finding | undefined {
  if (arrivalAt === undefined || arrivalAt <= now + params.arrivalFutureToleranceMs) return undefined;
  return deny("arrival_in_future", { arrivalAt, now });
}

/** R31: a new summons-type session less than 12 h after the previous one ended (连续传唤). */
export function checkResummons(previous: CustodySession | undefined, basis: LegalBasis, now: number, params: CustodyParams): Finding | undefined {
  const { gapH, bases } = params.resummons;
  if (!previous?.exit || !bases.includes(basis) || !bases.includes(previous.legalBasis)) return undefined;
  const gapMs = now - previous.exit.at;
  if (gapMs >= gapH * 3_600_000) return undefined;
  return warn("resummons_within_12h", { prevSessionEnd: previous.exit.at, gapH: Math.round((gapMs / 3_600_000) * 100) / 100 });
}

/** R07: sobering restraint pauses the 询问查证 clock (行政程序规定 Art. 58), nothing else. */
export function checkPause(session: CustodySession | undefined, params: CustodyParams): Verdict {
  if (!session) return verdictOf([deny("no_open_session")]);
  if (!params.pauseBases.includes(session.legalBasis)) return verdictOf([deny("pause_not_allowed", { legalBasis: session.legalBasis })]);
  if (!session.clock) return verdictOf([deny("clock_not_started")]);
  if (session.clock.pausedSinceMark !== undefined) return verdictOf([deny("already_paused")]);
  return verdictOf([]);
}

export function checkResume(session: CustodySession | undefined): Verdict {
  if (!session) return verdictOf([deny("no_open_session")]);
  return verdictOf([session.clock?.pausedSinceMark === undefined && deny("not_paused")]);
}

export interface TempExitRequest {
  readonly reason: string;
  readonly approver?: string;
  readonly plannedReturnAt?: number;
  readonly note?: string;
}

/** R18: out of the area only for a listed reason, with an approver and a planned return. */
export function checkTempExit(session: CustodySession | undefined, req: TempExitRequest, now: number): Verdict {
  if (!session) return verdictOf([deny("no_open_session")]);
  if (session.state !== "in_area") return verdictOf([deny("not_in_area", { state: session.state })]);
  return verdictOf([
    session.interrogations.some((i) => i.endedAt === undefined) && deny("in_interrogation"),
    session.holdingRoomId !== undefined && deny("in_holding", { holdingRoomId: session.holdingRoomId }),
    !TEMP_EXIT_REASONS.includes(req.reason as TempExitReason) && deny("invalid_reason", { allowed: TEMP_EXIT_REASONS }),
    req.reason === "other" && !req.note && deny("reason_note_required"),
    !req.approver && deny("approver_required"),
    req.plannedReturnAt === undefined && deny("planned_return_required"),
    req.plannedReturnAt !== undefined && req.plannedReturnAt <= now && deny("planned_return_in_past"),
  ]);
}

export function checkTempReturn(session: CustodySession | undefined): Verdict {
  if (!session) return verdictOf([deny("no_open_session")]);
  return verdictOf([session.state !== "temp_exit" && deny("not_on_temp_exit", { state: session.state })]);
}

export interface ExitRequest {
  readonly exitAt: number;
  readonly belongingsReturned?: boolean;
  readonly familyPickup?: boolean;
}

/**
 * R29: never while in an interrogation or still assigned to a holding room (提讯 first);
 * belongings not returned needs an operator's confirmation (an override with a reason);
 * R06 persons released at night need the family pickup / escort recorded.
 */
export function checkExit(session: CustodySession | undefined, req: ExitRequest, now: number, timeZone: string, params: CustodyParams): Verdict {
  if (!session) return verdictOf([]);
  const { nightFromHour, nightToHour } = params.vulnerable;
  const belongingsOut = session.steps.belongings !== undefined && session.belongingsReturnedAt === undefined && !req.belongingsReturned;
  return verdictOf([
    session.interrogations.some((i) => i.endedAt === undefined) && deny("in_interrogation"),
    session.holdingRoomId !== undefined && deny("in_holding", { holdingRoomId: session.holdingRoomId }),
    req.exitAt > now + params.arrivalFutureToleranceMs && deny("exit_in_future"),
    session.vulnerableFastTrack && inNightWindow(localHour(req.exitAt, timeZone), nightFromHour, nightToHour) && !req.familyPickup && deny("family_pickup_required"),
    belongingsOut && needsOverride("belongings_not_returned"),
  ]);
}
