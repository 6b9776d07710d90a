import type { EventDraft } from "../core/envelope.js";
import type { RoomInfo } from "../rules/view.js";
import type { Actor } from "./drafts.js";
import type { CustodySession, OverrideRecord, Person } from "./model.js";
import type { CustodyParams } from "./params.js";
import type { PeopleFacts } from "./prechecks-rooms.js";
import type { TagHealth } from "./prechecks.js";
import type { Change, CustodyReader } from "./state.js";
import { verdictOf, deny, type Verdict } from "./verdict.js";

/**
 * What a custody operation sees. Operations are pure functions of (context, arguments) →
 * a change to commit plus the events to emit, or a rejection; the service commits, emits and
 * audits (service.ts).
 */
export interface OpContext {
  readonly state: CustodyReader;
  readonly facts: PeopleFacts;
  readonly params: CustodyParams;
  readonly room: (roomId: string) => RoomInfo | undefined;
  readonly tagHealth: (tagId: string) => TagHealth | undefined;
  readonly timeZone: string;
  /** Gateway wall time now (legal timestamps). */
  readonly now: number;
  /** Legal timebase mark now, and of a wall time (durations; clock-guard.ts). */
  readonly legalNow: number;
  readonly markOf: (wallMs: number) => number;
  readonly newId: () => string;
  readonly by: Actor;
  readonly commandId: string;
  /** Present when the command runs as an override (operator + reason): needs-override verdicts pass. */
  readonly override?: { readonly reason: string };
}

export type OpResult =
  | {
      readonly ok: true;
      readonly change: Change;
      readonly drafts: readonly EventDraft[];
      /** Warning codes of the pre-check (the action went through). */
      readonly codes: readonly string[];
      readonly overridden: readonly string[];
      readonly data?: Readonly<Record<string, unknown>>;
    }
  | { readonly ok: false; readonly verdict: Verdict };

export type Gate = { readonly pass: false; readonly result: OpResult } | { readonly pass: true; readonly warnings: string[]; readonly overridden: string[]; readonly override?: OverrideRecord };

/** Apply a pre-check verdict: deny stops; needs_override stops unless the command is an override. */
export function gate(ctx: OpContext, v: Verdict): Gate {
  if (v.verdict === "deny" || (v.verdict === "needs_override" && !ctx.override)) return { pass: false, result: { ok: false, verdict: v } };
  const overridden = v.verdict === "needs_override" ? [...(v.overridable ?? [])] : [];
  const warnings = v.codes.filter((c) => !overridden.includes(c));
  const override = overridden.length > 0 && ctx.override ? { by: `${ctx.by.kind}:${ctx.by.id}`, reason: ctx.override.reason, codes: overridden, at: ctx.now } : undefined;
  return { pass: true, warnings, overridden, ...(override && { override }) };
}

export function done(change: Change, drafts: readonly EventDraft[], g?: Extract<Gate, { pass: true }>, data?: Record<string, unknown>): OpResult {
  return { ok: true, change, drafts, codes: g?.warnings ?? [], overridden: g?.overridden ?? [], ...(data && { data }) };
}

export const rejected = (code: string, details?: Record<string, unknown>): OpResult => ({ ok: false, verdict: verdictOf([deny(code, details)]) });

/** The person and their open session, or a rejection naming what is missing. */
export function subject(ctx: OpContext, personId: string, needSession: true): { person: Person; session: CustodySession } | OpResult;
export function subject(ctx: OpContext, personId: string, needSession: false): { person: Person; session: CustodySession | undefined } | OpResult;
export function subject(ctx: OpContext, personId: string, needSession: boolean): { person: Person; session: CustodySession | undefined } | OpResult {
  const person = ctx.state.person(personId);
  if (!person) return rejected("unknown_person", { personId });
  const session = ctx.state.openSession(personId);
  if (needSession && !session) return rejected("no_open_session", { personId });
  return { person, session };
}

export const isResult = (x: object): x is OpResult => "ok" in x;
