import type { AlarmAction, Severity } from "../alarm-types.js";
import { dedupKey, detector, num, SEVERITY, str, tagIdsOf, unchanged, type RuleEvent } from "../detector.js";
import { personOfTag } from "../people.js";
import type { RuleParams } from "../params.js";
import type { RuleView } from "../view.js";

interface State {
  /** Offline alarms raised, tag id → dedup key. */
  readonly offline: Readonly<Record<string, string>>;
  /** Low battery already raised this session: "<personId>:<sessionId>:<tagId>". */
  readonly battery: Readonly<Record<string, true>>;
}

/**
 * R19 tag health of custody wristbands. Tamper (strap cut) is critical and immediate. Offline is
 * taken from presence's TAG_OFFLINE (silence > max(3 × interval, 30 s) is presence's timeout) and
 * is critical when the last room is next to an exit. Low battery is raised once per session and
 * the lifecycle rate-limits the type, so a battery flood cannot bury a real alarm.
 */
export const tagHealth = detector<State>({
  id: "tag-health",
  ruleIds: ["R19"],
  events: ["DEVICE_EVENT", "TAG_BATTERY", "TAG_OFFLINE", "TAG_ONLINE", "TAG_UNBOUND", "PERSON_EXITED"],
  tick: false,
  initial: () => ({ offline: {}, battery: {} }),
  step(state, input, view, params) {
    if (input.kind !== "event") return unchanged(state);
    const e = input.event;
    const p = params.R19;
    switch (e.type) {
      case "TAG_OFFLINE":
        return offline(state, e, view, p);
      case "TAG_ONLINE":
      case "TAG_UNBOUND":
        return clearOffline(state, tagIdsOf(e.payload), e.type === "TAG_ONLINE" ? "tag back online" : "tag unbound");
      case "PERSON_EXITED":
        return forgetPerson(state, e.personId ?? str(e.payload.personId));
      case "TAG_BATTERY":
        return battery(state, e, view, p);
      default: {
        const name = str(e.payload.name);
        if (name !== undefined && p.tamperEvents.includes(name)) return { state, actions: tamper(e, view, p) };
        if (num(e.payload.battery) !== undefined || typeof e.payload.low === "boolean") return battery(state, e, view, p);
        return unchanged(state);
      }
    }
  },
});

function watched(view: RuleView, personId: string | undefined, p: RuleParams["R19"]): personId is string {
  if (personId === undefined || !view.custody.openSession(personId)) return false;
  const role = view.custody.person(personId)?.role;
  return role !== undefined && p.roles.includes(role);
}

function tamper(e: RuleEvent, view: RuleView, p: RuleParams["R19"]): AlarmAction[] {
  const tagId = str(e.payload.tagId);
  if (tagId === undefined || e.payload.value === "cleared") return [];
  const personId = personOfTag(view, tagId, e.personId ?? str(e.payload.personId));
  const zone = view.presence.roomOf({ tagId });
  return [
    {
      kind: "raise",
      type: "TAG_TAMPER",
      ruleId: "R19",
      severity: SEVERITY.critical,
      dedupKey: dedupKey("TAG_TAMPER", personId ?? `tag:${tagId}`, tagId),
      ...(zone !== undefined ? { zoneId: zone } : {}),
      subjects: personId ? [personId] : [],
      message: `wristband ${tagId}${personId ? ` of ${personId}` : ""} tampered (${str(e.payload.name)})`,
      params: p,
      data: { tagId, lastZoneId: zone, deviceId: str(e.payload.deviceId) },
    },
  ];
}

function offline(state: State, e: RuleEvent, view: RuleView, p: RuleParams["R19"]) {
  const tagId = str(e.payload.tagId);
  const personId = tagId === undefined ? undefined : personOfTag(view, tagId, e.personId ?? str(e.payload.personId));
  if (tagId === undefined || !watched(view, personId, p) || state.offline[tagId] !== undefined) return unchanged(state);
  const nearExit = e.payload.adjacentToExit === true;
  const key = dedupKey("TAG_OFFLINE", personId, tagId);
  const lastZoneId = str(e.payload.lastZoneId);
  const action: AlarmAction = {
    kind: "raise",
    type: "TAG_OFFLINE",
    ruleId: "R19",
    severity: nearExit ? SEVERITY.critical : (p.offlineSeverity as Severity),
    dedupKey: key,
    ...(lastZoneId !== undefined ? { zoneId: lastZoneId } : {}),
    subjects: [personId],
    message: `wristband ${tagId} of ${personId} offline${lastZoneId ? ` (last in ${lastZoneId}${nearExit ? ", next to an exit" : ""})` : ""}`,
    params: p,
    data: { tagId, lastZoneId, lastSeenAt: num(e.payload.lastSeenAt), adjacentToExit: nearExit },
  };
  return { state: { ...state, offline: { ...state.offline, [tagId]: key } }, actions: [action] };
}

function clearOffline(state: State, tagIds: readonly string[], reason: string) {
  const gone = tagIds.filter((t) => state.offline[t] !== undefined);
  if (gone.length === 0) return unchanged(state);
  const offline = { ...state.offline };
  const actions: AlarmAction[] = gone.map((t) => ({ kind: "clear", dedupKey: offline[t]!, reason }));
  for (const t of gone) delete offline[t];
  return { state: { ...state, offline }, actions };
}

function battery(state: State, e: RuleEvent, view: RuleView, p: RuleParams["R19"]) {
  const tagId = str(e.payload.tagId);
  const level = num(e.payload.battery) ?? num(e.payload.level);
  const low = e.payload.low === true || (level !== undefined && level <= p.lowBatteryPct);
  if (tagId === undefined || !low) return unchanged(state);
  const personId = personOfTag(view, tagId, e.personId ?? str(e.payload.personId));
  if (!watched(view, personId, p)) return unchanged(state);
  const sessionId = view.custody.openSession(personId)!.sessionId;
  const once = `${personId}:${sessionId}:${tagId}`;
  if (state.battery[once]) return unchanged(state);
  const action: AlarmAction = {
    kind: "raise",
    type: "TAG_LOW_BATTERY",
    ruleId: "R19",
    severity: SEVERITY.low,
    dedupKey: dedupKey("TAG_LOW_BATTERY", personId, tagId),
    subjects: [personId],
    message: `wristband ${tagId} of ${personId}: battery low${level !== undefined ? ` (${level} %)` : ""}`,
    params: p,
    data: { tagId, battery: level, sessionId },
  };
  return { state: { ...state, battery: { ...state.battery, [once]: true as const } }, actions: [action] };
}

function forgetPerson(state: State, personId: string | undefined) {
  if (personId === undefined) return unchanged(state);
  const prefix = `${personId}:`;
  const keys = Object.keys(state.battery).filter((k) => k.startsWith(prefix));
  if (keys.length === 0) return unchanged(state);
  const battery = { ...state.battery };
  for (const k of keys) delete battery[k];
  return { state: { ...state, battery }, actions: [] };
}
