import { elapsedAt, pauseClock as pauseMarks, readClock, resumeClock as resumeMarks } from "./clock.js";
import type { CommandArgs } from "./commands.js";
import { personDraft } from "./drafts.js";
import { checkExtension, currentLimitH } from "./limits.js";
import type { ClockExtension, CustodySession } from "./model.js";
import { done, gate, isResult, subject, type OpContext, type OpResult } from "./ops-context.js";
import { checkPause, checkResume } from "./prechecks.js";

/** Extensions (R04) and the sobering-restraint pause (R07) of the custody clock. */

export function extendClock(ctx: OpContext, a: CommandArgs["extend_clock"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  const elapsed = session.clock ? elapsedAt(session.clock, ctx.legalNow) : 0;
  const g = gate(ctx, checkExtension(session, a, elapsed, ctx.params));
  if (!g.pass) return g.result;
  const previousLimitH = currentLimitH(session);
  const extension: ClockExtension = { newLimitH: a.newLimitH, approver: a.approver, reason: a.reason, at: ctx.now, ...(g.override && { override: g.override }) };
  const next: CustodySession = {
    ...session,
    extensions: [...session.extensions, extension],
    // Extending 询问查证 past 8 h is the "may be detained" tier; the 48 h step is the unknown-identity one.
    ...(session.legalBasis === "admin_questioning" && { mayBeDetained: true }),
    ...(a.identityUnknown && { identityUnknown: true }),
  };
  const reading = readClock(next, ctx.legalNow, ctx.now);
  const payload = {
    newLimitH: a.newLimitH,
    previousLimitH,
    approver: a.approver,
    reason: a.reason,
    deadlineAt: reading.deadlineAt,
    override: g.override ? { by: g.override.by, reason: g.override.reason, codes: g.override.codes } : null,
  };
  return done({ sessions: [next] }, [personDraft("CLOCK_EXTENDED", person, payload, { session: next, correlationId: ctx.commandId, by: ctx.by })], g, { limitH: a.newLimitH, deadlineAt: reading.deadlineAt });
}

export function pauseClock(ctx: OpContext, a: CommandArgs["pause_clock"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  const g = gate(ctx, checkPause(session, ctx.params));
  if (!g.pass) return g.result;
  const next: CustodySession = { ...session, clock: pauseMarks(session.clock!, ctx.legalNow), pauses: [...session.pauses, { reason: a.reason, from: ctx.now }] };
  const elapsedMs = elapsedAt(next.clock!, ctx.legalNow);
  return done({ sessions: [next] }, [personDraft("CLOCK_PAUSED", person, { reason: a.reason, elapsedMs }, { session: next, correlationId: ctx.commandId, by: ctx.by })], g, { elapsedMs });
}

export function resumeClock(ctx: OpContext, a: CommandArgs["resume_clock"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  const g = gate(ctx, checkResume(session));
  if (!g.pass) return g.result;
  const clock = session.clock!;
  const pausedMs = ctx.legalNow - clock.pausedSinceMark!;
  const last = session.pauses.at(-1);
  const pauses = last && last.to === undefined ? [...session.pauses.slice(0, -1), { ...last, to: ctx.now }] : session.pauses;
  const next: CustodySession = { ...session, clock: resumeMarks(clock, ctx.legalNow), pauses };
  const payload = { reason: last?.reason ?? "sobering_restraint", pausedMs, elapsedMs: elapsedAt(next.clock!, ctx.legalNow) };
  return done({ sessions: [next] }, [personDraft("CLOCK_RESUMED", person, payload, { session: next, correlationId: ctx.commandId, by: ctx.by })], g, { pausedMs });
}
