import { startClock } from "./clock.js";
import type { CommandArgs } from "./commands.js";
import { personDraft, roomDraft } from "./drafts.js";
import { baseLimitH, isVulnerableFastTrack } from "./limits.js";
import type { CustodySession, Person } from "./model.js";
import { done, gate, isResult, rejected, subject, type OpContext, type OpResult } from "./ops-context.js";
import { checkArrival, checkBind, checkResummons, checkUnbind } from "./prechecks.js";
import type { BindingRecord } from "./state.js";
import { verdictOf, warn } from "./verdict.js";

/** Registration, wristbands and the intake steps (DOMAIN.md §3 steps 1–3, §7 R02/R03/R31). */

export function register(ctx: OpContext, a: CommandArgs["register"]): OpResult {
  const open = ctx.state.openSession(a.personId);
  if (open) return rejected("session_open", { sessionId: open.sessionId });
  const person: Person = {
    personId: a.personId,
    role: a.role,
    sex: a.sex,
    vulnerable: a.vulnerable,
    caseNos: a.caseNos,
    incidentNos: a.incidentNos,
    coCaseLinks: a.coCaseLinks,
    registeredAt: ctx.now,
    ...pick(a, ["name", "idNumber", "birthDate", "ageYears", "identityRef", "photoRef", "arrestingOfficerIds", "ruleParams"]),
  };
  const detainee = a.role === "detainee" && a.legalBasis !== undefined;
  const previous = ctx.state.previousSessionOf(person);
  const g = gate(ctx, verdictOf([checkArrival(a.arrivalAt, ctx.now, ctx.params), detainee && checkResummons(previous, a.legalBasis!, ctx.now, ctx.params)]));
  if (!g.pass) return g.result;

  let session: CustodySession | undefined;
  if (detainee) {
    const basis = a.legalBasis!;
    const fastTrack = isVulnerableFastTrack(person, basis, ctx.facts.ageOf(person), ctx.params);
    session = {
      sessionId: ctx.newId(),
      personId: person.personId,
      legalBasis: basis,
      arrivalAt: a.arrivalAt ?? ctx.now,
      arrivalSource: a.arrivalAt !== undefined ? "operator" : "bind",
      state: "registered",
      baseLimitH: baseLimitH(basis, { mayBeDetained: a.mayBeDetained ?? false, vulnerableFastTrack: fastTrack }, ctx.params),
      extensions: [],
      pauses: [],
      tagIds: [],
      escortOfficerIds: [],
      interrogations: [],
      steps: {},
      welfare: [],
      registeredAt: ctx.now,
      ...(a.mayBeDetained !== undefined && { mayBeDetained: a.mayBeDetained }),
      ...(a.identityUnknown !== undefined && { identityUnknown: a.identityUnknown }),
      ...(fastTrack && { vulnerableFastTrack: true }),
      ...(a.arrivalAt !== undefined && { clock: startClock(ctx.markOf(a.arrivalAt)) }),
    };
  }
  const draft = personDraft(
    "PERSON_REGISTERED",
    person,
    {
      ...pick(person, ["identityRef", "photoRef", "birthDate", "ageYears", "arrestingOfficerIds"]),
      sex: person.sex,
      vulnerableFlags: person.vulnerable,
      caseNos: person.caseNos,
      incidentNos: person.incidentNos,
      coCaseLinks: person.coCaseLinks,
      ...(session && { legalBasis: session.legalBasis, arrivalAt: session.clock ? session.arrivalAt : null, limitH: session.baseLimitH }),
      ...(session?.vulnerableFastTrack && { vulnerableFastTrack: true }),
      precheckCodes: g.warnings,
    },
    { session, correlationId: ctx.commandId, by: ctx.by },
  );
  return done({ persons: [person], ...(session && { sessions: [session] }) }, [draft], g, session ? { sessionId: session.sessionId, limitH: session.baseLimitH } : {});
}

export function bind(ctx: OpContext, a: CommandArgs["bind"]): OpResult {
  const s = subject(ctx, a.personId, false);
  if (isResult(s)) return s;
  const { person, session } = s;
  const tagIds = [...new Set(a.tagIds)];
  const v = checkBind({
    person,
    session,
    tagIds,
    bindingOf: (t) => ctx.state.binding(t),
    personTags: ctx.state.tagsOf(person.personId),
    health: ctx.tagHealth,
  });
  const g = gate(ctx, v);
  if (!g.pass) return g.result;
  let next = session;
  if (session) {
    // R03: with no 到案时间 given, the clock starts now, at the bind.
    const clockStarts = session.clock === undefined;
    next = {
      ...session,
      state: session.state === "registered" ? "in_area" : session.state,
      tagIds: [...session.tagIds, ...tagIds],
      ...(clockStarts && { arrivalAt: ctx.now, clock: startClock(ctx.legalNow) }),
    };
  }
  const bindings: BindingRecord[] = tagIds.map((tagId) => ({
    tagId,
    personId: person.personId,
    role: person.role,
    ...(next && { sessionId: next.sessionId }),
    boundAt: ctx.now,
    by: ctx.by.id,
  }));
  const payload = { tagIds, ...(next && { sessionId: next.sessionId, arrivalAt: next.arrivalAt, state: next.state }) };
  const draft = personDraft("TAG_BOUND", person, payload, { session: next, tagIds, correlationId: ctx.commandId, by: ctx.by });
  return done({ bind: bindings, ...(next && { sessions: [next] }) }, [draft], g, payload);
}

export function unbind(ctx: OpContext, a: CommandArgs["unbind"]): OpResult {
  const s = subject(ctx, a.personId, false);
  if (isResult(s)) return s;
  const { person, session } = s;
  const worn = ctx.state.tagsOf(person.personId);
  const tagIds = a.tagIds ?? worn;
  if (tagIds.length === 0) return rejected("tag_not_bound");
  const g = gate(ctx, checkUnbind(person, session, tagIds, worn, a.reason));
  if (!g.pass) return g.result;
  const next = session && { ...session, tagIds: session.tagIds.filter((t) => !tagIds.includes(t)) };
  const draft = personDraft("TAG_UNBOUND", person, { tagIds, ...(a.reason && { reason: a.reason }) }, { session: next, tagIds, correlationId: ctx.commandId, by: ctx.by });
  return done({ unbind: tagIds, ...(next && { sessions: [next] }) }, [draft], g, { tagIds });
}

export function recordStep(ctx: OpContext, a: CommandArgs["record_step"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const { person, session } = s;
  if (session.state !== "registered" && session.state !== "in_area") return rejected("not_in_area", { state: session.state });
  const o = { session, correlationId: ctx.commandId, by: ctx.by };
  switch (a.step) {
    case "security_check": {
      // Searches need two officers and, for a woman, female staff (治安法 Art. 87, 刑诉法 Art. 139).
      const g = gate(ctx, verdictOf([a.officerIds.length < 2 && warn("two_officers_required"), person.sex === "female" && !a.femaleStaffPresent && warn("female_staff_required")]));
      if (!g.pass) return g.result;
      const next = { ...session, steps: { ...session.steps, security_check: ctx.now } };
      const payload = { officers: a.officerIds, findings: a.findings ?? null, femaleStaffPresent: a.femaleStaffPresent ?? false, precheckCodes: g.warnings };
      return done({ sessions: [next] }, [personDraft("SECURITY_CHECK_DONE", person, payload, { ...o, session: next })], g);
    }
    case "belongings_stored": {
      const next = { ...session, steps: { ...session.steps, belongings: ctx.now } };
      const { belongingsReturnedAt: _, ...kept } = next;
      const payload = { lockerId: a.lockerId ?? null, itemsRef: a.itemsRef ?? null, signed: a.signed };
      return done({ sessions: [kept] }, [personDraft("BELONGINGS_STORED", person, payload, { ...o, session: kept })]);
    }
    case "belongings_returned": {
      if (session.steps.belongings === undefined) return rejected("belongings_not_stored");
      if (session.belongingsReturnedAt !== undefined) return rejected("belongings_already_returned");
      const next = { ...session, belongingsReturnedAt: ctx.now };
      const payload = { lockerId: a.lockerId ?? null, itemsRef: a.itemsRef ?? null, signed: a.signed };
      return done({ sessions: [next] }, [personDraft("BELONGINGS_RETURNED", person, payload, { ...o, session: next })]);
    }
    case "info_capture": {
      const g = gate(ctx, verdictOf([!a.complete && warn("capture_incomplete")]));
      if (!g.pass) return g.result;
      const next = a.complete ? { ...session, steps: { ...session.steps, info_capture: ctx.now } } : session;
      return done({ sessions: [next] }, [personDraft("INFO_COLLECTED", person, { items: a.items, complete: a.complete }, { ...o, session: next })], g);
    }
  }
}

export function welfare(ctx: OpContext, a: CommandArgs["welfare"]): OpResult {
  const s = subject(ctx, a.personId, true);
  if (isResult(s)) return s;
  const at = a.at ?? ctx.now;
  if (at > ctx.now + ctx.params.arrivalFutureToleranceMs) return rejected("time_in_future", { at });
  const next = { ...s.session, welfare: [...s.session.welfare, { kind: a.kind, at, by: ctx.by.id }] };
  const draft = personDraft("WELFARE_LOGGED", s.person, { kind: a.kind, at, ...(a.note && { note: a.note }) }, { session: next, correlationId: ctx.commandId, by: ctx.by });
  return done({ sessions: [next] }, [draft]);
}

export function patrolPunch(ctx: OpContext, a: CommandArgs["patrol_punch"]): OpResult {
  if (!ctx.room(a.roomId)) return rejected("unknown_room", { roomId: a.roomId });
  const officerId = a.officerId ?? ctx.by.id;
  return done({}, [roomDraft("PATROL_PUNCH", a.roomId, { officerId, roomId: a.roomId }, { by: ctx.by, correlationId: ctx.commandId })], undefined, { officerId });
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
