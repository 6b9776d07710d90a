import type { EventDraft, Subject } from "../core/envelope.js";
import type { Alarm } from "./alarm-types.js";
import type { AlarmChange } from "./alarms.js";

/** Event type per lifecycle change (category `alarm`). */
export const ALARM_EVENT_TYPES = {
  raised: "ALARM_RAISED",
  updated: "ALARM_UPDATED",
  renotified: "ALARM_RENOTIFIED",
  deferred: "ALARM_DEFERRED",
  acknowledged: "ALARM_ACKED",
  resolved: "ALARM_RESOLVED",
  false_alarm: "ALARM_FALSE_ALARM",
  ignored: "ALARM_IGNORED",
} as const satisfies Record<AlarmChange["kind"], string>;

/** Where a zone id sits: a room (roomId + its area as zoneId) or an area (zoneId). */
export type Placement = (zoneId: string) => { zoneId?: string; roomId?: string };

/** The alarm envelope fields of DOMAIN.md §8 as the event payload (the alarm's type is `alarmType`). */
export function alarmPayload(a: Alarm): Record<string, unknown> {
  const evidence = a.data.evidence;
  return {
    alarmId: a.alarmId,
    alarmType: a.type,
    ruleId: a.ruleId,
    severity: a.severity,
    state: a.state,
    dedupKey: a.dedupKey,
    firstAt: a.firstAt,
    lastAt: a.lastAt,
    count: a.count,
    ...(a.zoneId !== undefined ? { zoneId: a.zoneId } : {}),
    subjects: a.subjects,
    relatedPersonIds: a.relatedPersonIds,
    message: a.message,
    params: a.params,
    data: a.data,
    ...(evidence !== undefined ? { evidence } : {}),
    ...(a.ackBy !== undefined ? { ackBy: a.ackBy, ackAt: a.ackAt } : {}),
    ...(a.resolution !== undefined ? { resolution: a.resolution } : {}),
    ...(a.resolvedAt !== undefined ? { resolvedAt: a.resolvedAt } : {}),
    ...(a.note !== undefined ? { note: a.note } : {}),
  };
}

/**
 * One lifecycle change as an event draft. ALARM_DEFERRED (a held-back device-health raise) has
 * no alarm yet: it carries what was asked for, with the parameter snapshot (R38).
 */
export function alarmDraft(change: AlarmChange, at: number, place: Placement): EventDraft {
  const type = ALARM_EVENT_TYPES[change.kind];
  const source = { origin: change.actor.includes(":") ? change.actor : `operator:${change.actor}` };
  if (change.kind === "deferred") {
    const a = change.action;
    return {
      type,
      category: "alarm",
      receivedAt: at,
      source,
      subjects: subjectsOf(a.subjects, a.data?.tagId),
      ...(a.zoneId !== undefined ? place(a.zoneId) : {}),
      ...(a.subjects[0] !== undefined ? { personId: a.subjects[0] } : {}),
      payload: { alarmType: a.type, ruleId: a.ruleId, severity: a.severity, dedupKey: a.dedupKey, subjects: a.subjects, message: a.message, params: a.params, data: a.data ?? {}, heldSince: change.at },
    };
  }
  const a = change.alarm;
  return {
    type,
    category: "alarm",
    receivedAt: at,
    source,
    subjects: subjectsOf(a.subjects, a.data.tagId),
    ...(a.zoneId !== undefined ? place(a.zoneId) : {}),
    ...(a.subjects[0] !== undefined ? { personId: a.subjects[0] } : {}),
    payload: alarmPayload(a),
  };
}

function subjectsOf(personIds: readonly string[], tagId: unknown): Subject[] {
  const out: Subject[] = personIds.map((id) => ({ kind: "person", id }));
  if (typeof tagId === "string") out.push({ kind: "tag", id: tagId });
  return out;
}
