import { readClock, stopClock } from "./clock.js";
import type { CommandArgs } from "./commands.js";
import { personDraft } from "./drafts.js";
import type { CustodySession, ExitRecord } from "./model.js";
import { done, gate, isResult, rejected, subject, type OpContext, type OpResult } from "./ops-context.js";
import { checkExit, checkTempExit, checkTempReturn } from "./prechecks.js";

/** Temporary exit (R18) and exit (R29): the end of a session, the tag unbound, the clock stopped. */

export function tempExit(ctx: OpContext, a: CommandArgs["temp_exit"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  const g = gate(ctx, checkTempExit(session, a, ctx.now));
  if (!g.pass) return g.result;
  const tempExit = {
    reason: a.reason as NonNullable<CustodySession["tempExit"]>["reason"],
    approver: a.approver!,
    at: ctx.now,
    plannedReturnAt: a.plannedReturnAt!,
    ...(a.note && { note: a.note }),
  };
  // The custody clock keeps running outside the area (R18).
  const next: CustodySession = { ...session, state: "temp_exit", tempExit };
  const payload = { reason: tempExit.reason, approver: tempExit.approver, plannedReturnAt: tempExit.plannedReturnAt, ...(a.note && { note: a.note }) };
  return done({ sessions: [next] }, [personDraft("TEMP_EXIT_APPROVED", person, payload, { session: next, correlationId: ctx.commandId, by: ctx.by })], g);
}

export function tempReturn(ctx: OpContext, a: CommandArgs["temp_return"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  const g = gate(ctx, checkTempReturn(session));
  if (!g.pass) return g.result;
  const t = { ...session.tempExit!, returnedAt: ctx.now };
  const next: CustodySession = { ...session, state: "in_area", tempExit: t };
  const payload = { reason: t.reason, approver: t.approver, plannedReturnAt: t.plannedReturnAt, returnedAt: t.returnedAt, late: t.returnedAt > t.plannedReturnAt };
  return done({ sessions: [next] }, [personDraft("TEMP_EXIT_RETURNED", person, payload, { session: next, correlationId: ctx.commandId, by: ctx.by })], g);
}

/**
 * R29: pre-checked exit; then every tag is unbound (TAG_UNBOUND), the clock stops at the exit
 * time and PERSON_EXITED closes the session. A person without a custody session (an officer,
 * a witness) just has the tags unbound and the exit recorded.
 */
export function exit(ctx: OpContext, a: CommandArgs["exit"]): OpResult {
  const s = subject(ctx, a.personId, false);
  if (isResult(s)) return s;
  const { person, session } = s;
  if (!session && person.role === "detainee") return rejected("no_open_session");
  const exitAt = a.exitAt ?? ctx.now;
  const g = gate(ctx, checkExit(session, { exitAt, ...a }, ctx.now, ctx.timeZone, ctx.params));
  if (!g.pass) return g.result;
  const tagIds = ctx.state.tagsOf(person.personId);
  const belongingsOut = session?.steps.belongings !== undefined && session.belongingsReturnedAt === undefined && !a.belongingsReturned;
  const record: ExitRecord = {
    at: exitAt,
    destination: a.destination,
    outcome: a.outcome,
    by: ctx.by.id,
    belongingsReturned: !belongingsOut,
    ...(a.familyPickup !== undefined && { familyPickup: a.familyPickup }),
    ...(a.faceMatchScore !== undefined && { faceMatchScore: a.faceMatchScore }),
  };
  const next: CustodySession | undefined = session && {
    ...session,
    state: "exited",
    tagIds: [],
    exit: record,
    ...(session.clock && { clock: stopClock(session.clock, ctx.markOf(exitAt)) }),
  };
  const o = { session: next, correlationId: ctx.commandId, by: ctx.by };
  const reading = next && readClock(next, ctx.legalNow, ctx.now);
  const drafts = tagIds.length > 0 ? [personDraft("TAG_UNBOUND", person, { tagIds, reason: "exit" }, { ...o, tagIds })] : [];
  drafts.push(
    personDraft(
      "PERSON_EXITED",
      person,
      {
        exitAt,
        destination: record.destination,
        outcome: record.outcome,
        belongingsReturned: record.belongingsReturned,
        ...(record.familyPickup !== undefined && { familyPickup: record.familyPickup }),
        ...(record.faceMatchScore !== undefined && { faceMatchScore: record.faceMatchScore }),
        ...(reading && { elapsedMs: reading.elapsedMs, limitH: reading.limitH, pausedMs: reading.pausedMs }),
        precheckCodes: g.warnings.concat(g.overridden),
        override: g.override ? { by: g.override.by, reason: g.override.reason, codes: g.override.codes } : null,
      },
      o,
    ),
  );
  return done({ unbind: tagIds, ...(next && { sessions: [next] }) }, drafts, g, { exitAt, tagIds });
}
