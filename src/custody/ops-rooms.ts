import type { EventDraft } from "../core/envelope.js";
import type { CommandArgs } from "./commands.js";
import { personDraft } from "./drafts.js";
import type { CustodySession, InterrogationSession, OverrideRecord, Person } from "./model.js";
import { done, gate, isResult, rejected, subject, type OpContext, type OpResult } from "./ops-context.js";
import { checkHoldingAssignment, checkInterrogationStart } from "./prechecks-rooms.js";

/** Holding-room assignment (R09) and interrogation sessions (DOMAIN.md §3 steps 4–5, R23). */

/** ASSIGNMENT_OVERRIDE (audit category): a room assignment that went through an override. */
function overrideDraft(ctx: OpContext, person: Person, session: CustodySession, roomId: string, command: string, o: OverrideRecord): EventDraft {
  const payload = { command, roomId, codes: o.codes, override: { by: o.by, reason: o.reason } };
  return personDraft("ASSIGNMENT_OVERRIDE", person, payload, { session, roomId, category: "audit", correlationId: ctx.commandId, by: ctx.by });
}

export function assignHolding(ctx: OpContext, a: CommandArgs["assign_holding"]): OpResult {
  const s = subject(ctx, a.personId, false);
  if (isResult(s)) return s;
  const { person, session } = s;
  const occupants = ctx.state.heldIn(a.roomId).flatMap((o) => {
    const p = ctx.state.person(o.personId);
    return p ? [{ person: p, session: o }] : [];
  });
  const v = checkHoldingAssignment({ person, session, room: ctx.room(a.roomId), occupants }, ctx.facts, ctx.params);
  const g = gate(ctx, v);
  if (!g.pass) return g.result;
  const { holdingOverride: _, ...rest } = session!;
  const next: CustodySession = { ...rest, holdingRoomId: a.roomId, holdingSince: ctx.now, ...(g.override && { holdingOverride: g.override }) };
  const o = { session: next, roomId: a.roomId, correlationId: ctx.commandId, by: ctx.by };
  const payload = { roomId: a.roomId, precheckCodes: v.codes, override: g.override ? { by: g.override.by, reason: g.override.reason } : null };
  const drafts = [personDraft("HOLDING_ASSIGNED", person, payload, o)];
  if (g.override) drafts.push(overrideDraft(ctx, person, next, a.roomId, "assign_holding", g.override));
  return done({ sessions: [next] }, drafts, g, { roomId: a.roomId });
}

export function releaseHolding(ctx: OpContext, a: CommandArgs["release_holding"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  const roomId = session.holdingRoomId;
  if (roomId === undefined) return rejected("not_in_holding");
  const { holdingRoomId: _r, holdingSince, holdingOverride: _o, ...next } = session;
  const payload = { roomId, heldMs: holdingSince !== undefined ? ctx.now - holdingSince : null };
  return done({ sessions: [next] }, [personDraft("HOLDING_RELEASED", person, payload, { session: next, roomId, correlationId: ctx.commandId, by: ctx.by })]);
}

const openInterrogation = (s: CustodySession): InterrogationSession | undefined => s.interrogations.find((i) => i.endedAt === undefined);

function interrogationPayload(i: InterrogationSession): Record<string, unknown> {
  return { interrogationId: i.interrogationId, roomId: i.roomId, officerIds: i.officerIds, type: i.kind, recorderChannels: i.recorderChannels };
}

export function startInterrogation(ctx: OpContext, a: CommandArgs["start_interrogation"]): OpResult {
  const s = subject(ctx, a.personId, false);
  if (isResult(s)) return s;
  const { person, session } = s;
  const othersInRoom = ctx.state
    .interrogatedIn(a.roomId)
    .map((o) => o.personId)
    .filter((id) => id !== person.personId);
  const v = checkInterrogationStart({ person, session, room: ctx.room(a.roomId), ...a, othersInRoom }, ctx.facts, ctx.params);
  const g = gate(ctx, v);
  if (!g.pass) return g.result;
  const interrogation: InterrogationSession = {
    interrogationId: ctx.newId(),
    roomId: a.roomId,
    officerIds: a.officerIds,
    kind: a.kind,
    recorderChannels: a.recorderChannels,
    startedAt: ctx.now,
    breaks: [],
    ...(a.guardianPresent !== undefined && { guardianPresent: a.guardianPresent }),
  };
  const next: CustodySession = { ...session!, interrogations: [...session!.interrogations, interrogation], assignedInterrogationRoomId: a.roomId };
  const o = { session: next, roomId: a.roomId, correlationId: ctx.commandId, by: ctx.by };
  const payload = { ...interrogationPayload(interrogation), precheckCodes: v.codes, override: g.override ? { by: g.override.by, reason: g.override.reason } : null };
  const drafts = [personDraft("INTERROGATION_STARTED", person, payload, o)];
  if (g.override) drafts.push(overrideDraft(ctx, person, next, a.roomId, "start_interrogation", g.override));
  return done({ sessions: [next] }, drafts, g, { interrogationId: interrogation.interrogationId });
}

export function endInterrogation(ctx: OpContext, a: CommandArgs["end_interrogation"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  const open = openInterrogation(session);
  if (!open) return rejected("no_open_interrogation");
  const ended: InterrogationSession = { ...open, endedAt: ctx.now };
  const { assignedInterrogationRoomId: _, ...rest } = session;
  const next: CustodySession = { ...rest, interrogations: session.interrogations.map((i) => (i === open ? ended : i)) };
  const payload = { ...interrogationPayload(ended), durationMs: ctx.now - open.startedAt };
  return done({ sessions: [next] }, [personDraft("INTERROGATION_ENDED", person, payload, { session: next, roomId: open.roomId, correlationId: ctx.commandId, by: ctx.by })]);
}

export function verifyRecord(ctx: OpContext, a: CommandArgs["verify_record"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  const last = session.interrogations.at(-1);
  if (!last || last.endedAt === undefined || last.verifiedAt !== undefined) return rejected("no_unverified_interrogation");
  const verified: InterrogationSession = { ...last, verifiedAt: ctx.now };
  const next: CustodySession = { ...session, interrogations: session.interrogations.map((i) => (i === last ? verified : i)) };
  return done({ sessions: [next] }, [personDraft("RECORD_VERIFIED", person, interrogationPayload(verified), { session: next, roomId: last.roomId, correlationId: ctx.commandId, by: ctx.by })]);
}
