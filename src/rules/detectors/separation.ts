import { dedupKey, SEVERITY } from "../detector.js";
import type { Condition } from "../dwell-conditions.js";
import { detaineesIn, dwellMsFor, isUnder, officersIn, openInterrogation } from "../people.js";
import { roomRule } from "../room-rule.js";
import type { RuleView } from "../view.js";

/**
 * Separation at runtime (R10 co-case, R11 mixed sex, R12 juvenile–adult). These run on location
 * alone: an assignment override (R09, custody) never silences them, unlike the vendor system
 * that treats any allocation record as permission (DOMAIN.md §4.4).
 */

const ASSIGNMENT_EVENTS = ["HOLDING_ASSIGNED", "HOLDING_RELEASED", "INTERROGATION_STARTED", "INTERROGATION_ENDED", "PERSON_EXITED"];

/** R10: detainees of the same case in one room (joint sessions such as a line-up excepted). */
export const coCaseContact = roomRule({
  id: "co-case",
  ruleIds: ["R10"],
  lifecycleEvents: ASSIGNMENT_EVENTS,
  applies: (room, params) => !params.R10.jointRoomTypes.includes(room.type),
  evaluate(room, view, params) {
    const p = params.R10;
    const out: Condition[] = [];
    for (const [a, b] of candidatePairs(view, detaineesIn(view, room.id))) {
      if (!view.custody.coCase(a, b) || jointSession(view, a, b, room.id)) continue;
      const caseNo = sharedCaseNo(view, a, b);
      out.push({
        key: dedupKey("CO_CASE_CONTACT", `${a}+${b}`, room.id),
        scope: room.id,
        dwellMs: dwellMsFor(p, room.type),
        make: (held) => ({
          type: "CO_CASE_CONTACT",
          ruleId: "R10",
          severity: SEVERITY.high,
          zoneId: room.id,
          subjects: [a, b],
          message: `co-case persons ${a} and ${b} together in ${room.id}${caseNo ? ` (case ${caseNo})` : ""}`,
          params: p,
          data: { roomId: room.id, personIds: [a, b], ...(caseNo ? { caseNo } : {}), dwellS: Math.round(held / 1000) },
        }),
      });
    }
    return out;
  },
});

/** R11: both sexes in one holding room. */
export const mixedSexHolding = roomRule({
  id: "mixed-sex",
  ruleIds: ["R11"],
  lifecycleEvents: ["PERSON_REGISTERED"],
  applies: (room, params) => params.R11.roomTypes.includes(room.type),
  evaluate(room, view, params) {
    const p = params.R11;
    const ids = detaineesIn(view, room.id).sort();
    const sexes = new Set(ids.map((id) => view.custody.person(id)?.sex).filter((s) => s === "male" || s === "female"));
    if (sexes.size < 2) return [];
    return [
      {
        key: dedupKey("MIXED_SEX_HOLDING", room.id, room.id),
        scope: room.id,
        dwellMs: dwellMsFor(p, room.type),
        make: (held) => ({
          type: "MIXED_SEX_HOLDING",
          ruleId: "R11",
          severity: SEVERITY.high,
          zoneId: room.id,
          subjects: ids,
          message: `men and women held together in ${room.id}`,
          params: p,
          data: { roomId: room.id, personIds: ids, dwellS: Math.round(held / 1000) },
        }),
      },
    ];
  },
});

/** R12: a detained minor and a detained adult together with no officer in the room. */
export const juvenileAdultContact = roomRule({
  id: "juvenile-adult",
  ruleIds: ["R12"],
  lifecycleEvents: ["PERSON_REGISTERED"],
  applies: () => true,
  evaluate(room, view, params, now) {
    const p = params.R12;
    const ids = detaineesIn(view, room.id).sort();
    if (ids.length < 2) return [];
    const minorIds = ids.filter((id) => isUnder(view, id, now, p.minorUnderYears));
    const adultIds = ids.filter((id) => !minorIds.includes(id));
    if (minorIds.length === 0 || adultIds.length === 0 || officersIn(view, room.id).length > 0) return [];
    return [
      {
        key: dedupKey("JUVENILE_ADULT_CONTACT", room.id, room.id),
        scope: room.id,
        dwellMs: dwellMsFor(p, room.type),
        make: (held) => ({
          type: "JUVENILE_ADULT_CONTACT",
          ruleId: "R12",
          severity: SEVERITY.high,
          zoneId: room.id,
          subjects: [...minorIds, ...adultIds],
          message: `minor(s) ${minorIds.join(", ")} with adult detainee(s) in ${room.id} and no officer`,
          params: p,
          data: { roomId: room.id, minorIds, adultIds, dwellS: Math.round(held / 1000) },
        }),
      },
    ];
  },
});

/**
 * Pairs that may be co-case: sharing a case or incident number, or linked. Grouping by number
 * keeps a full holding room from costing n² custody look-ups; custody's coCase() confirms.
 */
function candidatePairs(view: RuleView, ids: readonly string[]): [string, string][] {
  const groups = new Map<string, string[]>();
  const pairs = new Map<string, [string, string]>();
  const add = (a: string, b: string) => {
    const [x, y] = a < b ? [a, b] : [b, a];
    pairs.set(`${x}+${y}`, [x, y]);
  };
  const join = (no: string, id: string) => {
    const g = groups.get(no);
    if (g) g.push(id);
    else groups.set(no, [id]);
  };
  const here = new Set(ids);
  for (const id of ids) {
    const p = view.custody.person(id);
    if (!p) continue;
    for (const c of p.caseNos) join(`c:${c}`, id);
    for (const c of p.incidentNos) join(`i:${c}`, id);
    for (const other of p.coCaseLinks) if (here.has(other) && other !== id) add(id, other);
  }
  for (const members of groups.values()) for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) add(members[i]!, members[j]!);
  return [...pairs.values()].sort((p, q) => (p[0] + p[1] < q[0] + q[1] ? -1 : 1));
}

/** Both are in the same open interrogation in this room (an explicitly joint session). */
function jointSession(view: RuleView, a: string, b: string, roomId: string): boolean {
  const ia = sessionInterrogation(view, a);
  const ib = sessionInterrogation(view, b);
  return ia !== undefined && ib !== undefined && ia.interrogationId === ib.interrogationId && ia.roomId === roomId;
}

function sessionInterrogation(view: RuleView, personId: string) {
  const s = view.custody.openSession(personId);
  return s ? openInterrogation(s) : undefined;
}

function sharedCaseNo(view: RuleView, a: string, b: string): string | undefined {
  const pa = view.custody.person(a);
  const pb = view.custody.person(b);
  if (!pa || !pb) return undefined;
  return pa.caseNos.find((c) => pb.caseNos.includes(c)) ?? pa.incidentNos.find((c) => pb.incidentNos.includes(c));
}
