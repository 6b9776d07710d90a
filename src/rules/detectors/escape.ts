import type { EventDraft } from "../../core/envelope.js";
import type { AlarmAction } from "../alarm-types.js";
import { dedupKey, detector, personEntering, SEVERITY, str, suppressed, unchanged } from "../detector.js";
import { placeOf, type PlaceInfo } from "../people.js";
import type { RuleParams } from "../params.js";
import { CLOCK_TICK_MS, sessionRule } from "../session-rule.js";

/**
 * `raised`: persons with an open escape alarm. `located`: persons already seen in a room under
 * their current session — a wristband handed to the next detainee still carries the previous
 * wearer's last room, which must not count as this person leaving.
 */
interface EscapeState {
  readonly raised: Readonly<Record<string, true>>;
  readonly located: Readonly<Record<string, true>>;
}

/**
 * R17 escape (人员逃脱): a bound detainee read by an exit exciter, or entering an exit-type room or
 * a perimeter/outside area, while the session is neither on approved temporary exit nor exited.
 * Like the vendor, only a person already located somewhere counts (no alarm on a first sighting,
 * judged per person, not per tag). A temporary exit suppresses it, and that suppression is logged (R38). The
 * siren, perimeter locks and video pop-up are alarm bindings of the actions layer.
 */
export const escapeAttempt = detector<EscapeState>({
  id: "escape",
  ruleIds: ["R17"],
  version: 2,
  events: ["ZONE_ENTER"],
  tick: false,
  initial: () => ({ raised: {}, located: {} }),
  step(state, input, view, params) {
    const m = personEntering(input);
    if (!m) return unchanged(state);
    const { event: e, personId, toZoneId: toZone } = m;
    const session = view.custody.openSession(personId);
    if (!session || session.state === "exited" || view.custody.person(personId)?.role !== "detainee") {
      if (!state.located[personId]) return unchanged(state);
      const { [personId]: _gone, ...located } = state.located;
      return unchanged({ ...state, located });
    }
    const p = params.R17;
    const place = placeOf(view, toZone);
    const exitRead = e.payload.exitReader === true;
    const key = dedupKey("ESCAPE_ATTEMPT", personId);
    const wasLocated = state.located[personId] === true;
    const seen: EscapeState = wasLocated ? state : { ...state, located: { ...state.located, [personId]: true } };
    if (!exitRead && !isEscapePlace(place, p)) {
      if (!seen.raised[personId]) return unchanged(seen);
      const { [personId]: _, ...rest } = seen.raised;
      return { state: { ...seen, raised: rest }, actions: [{ kind: "clear", dedupKey: key, reason: `back in ${toZone ?? "the area"}` }] };
    }
    if (!wasLocated) return unchanged(seen);
    const events: EventDraft[] = [];
    if (session.state === "temp_exit") {
      events.push(suppressed("R17", e.receivedAt, key, "approved temporary exit", p, [personId], place?.roomId));
      return { state: seen, actions: [], events };
    }
    const readerId = str(e.payload.readerId);
    const action: AlarmAction = {
      kind: "raise",
      type: "ESCAPE_ATTEMPT",
      ruleId: "R17",
      severity: SEVERITY.critical,
      dedupKey: key,
      ...(toZone !== undefined ? { zoneId: toZone } : {}),
      subjects: [personId],
      message: `${personId} is leaving the area at ${toZone ?? "an exit"}${exitRead ? " (exit exciter)" : ""}`,
      params: p,
      data: {
        zoneId: toZone,
        ...(exitRead && readerId !== undefined ? { exciterId: readerId } : {}),
        lastKnownZone: m.fromZoneId,
        sessionState: session.state,
      },
    };
    return { state: seen.raised[personId] ? seen : { ...seen, raised: { ...seen.raised, [personId]: true } }, actions: [action] };
  },
});

function isEscapePlace(place: PlaceInfo | undefined, p: RuleParams["R17"]): boolean {
  if (!place) return false;
  return (place.roomType !== undefined && p.escapeRoomTypes.includes(place.roomType)) || (place.areaType !== undefined && p.escapeAreaTypes.includes(place.areaType));
}

/** R18 temporary exit overdue: not back by the planned return time (the custody clock keeps running). */
export const tempExitOverdue = sessionRule({
  id: "temp-exit",
  ruleIds: ["R18"],
  events: ["TEMP_EXIT_RETURNED"],
  tickEveryMs: CLOCK_TICK_MS,
  evaluate(s, _view, params, now) {
    const p = params.R18;
    const t = s.tempExit;
    if (s.state !== "temp_exit" || !t || t.returnedAt !== undefined || now <= t.plannedReturnAt + p.graceMin * 60_000) return [];
    return [
      {
        key: dedupKey("TEMP_EXIT_OVERDUE", s.personId, s.sessionId),
        scope: s.sessionId,
        dwellMs: 0,
        make: () => ({
          type: "TEMP_EXIT_OVERDUE",
          ruleId: "R18",
          severity: SEVERITY.high,
          subjects: [s.personId],
          message: `${s.personId}: not back from temporary exit (${t.reason}) since ${new Date(t.plannedReturnAt).toISOString()}`,
          params: p,
          data: { reason: t.reason, approver: t.approver, plannedReturnAt: t.plannedReturnAt },
        }),
      },
    ];
  },
});
