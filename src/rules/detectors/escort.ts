import type { AlarmAction } from "../alarm-types.js";
import { dedupKey, detector, inputNow, personEntering, SEVERITY, unchanged } from "../detector.js";
import { inArea, officersIn, placeOf } from "../people.js";
import { touchedRooms } from "../room-rule.js";
import type { RuleParams } from "../params.js";
import type { RuleView } from "../view.js";

interface Move {
  readonly from: string | null;
  readonly to: string;
  readonly at: number;
  readonly raised: boolean;
}

/** Detainees who moved and have not yet been seen with an escort, by person id. */
type Moves = Readonly<Record<string, Move>>;

/**
 * R15 escort on movement (戒护): after a detainee enters another room, an escort (the assigned
 * escort officers, or any officer when so configured or none is assigned) must be in the same
 * room within 15 s. Rooms named in exemptToRoomTypes (holding, lawyer …) need no escort inside.
 */
export const escortOnMovement = detector<Moves>({
  id: "escort",
  ruleIds: ["R15"],
  events: ["ZONE_ENTER", "TEMP_EXIT_APPROVED", "PERSON_EXITED"],
  tick: true,
  initial: () => ({}),
  step(state, input, view, params) {
    const now = inputNow(input);
    const p = params.R15;
    let next: Record<string, Move> | null = null;
    const write = () => (next ??= { ...state });
    const actions: AlarmAction[] = [];
    const entered = personEntering(input);
    if (entered) {
      const { personId, toZoneId: to } = entered;
      if (to !== undefined && inArea(view, personId) && view.custody.person(personId)?.role === "detainee") {
        const prev = state[personId];
        if (prev?.raised) actions.push({ kind: "clear", dedupKey: key(personId, prev.to), reason: "moved on" });
        const roomType = placeOf(view, to)?.roomType;
        if (roomType !== undefined && p.exemptToRoomTypes.includes(roomType)) {
          if (prev) delete write()[personId];
        } else write()[personId] = { from: entered.fromZoneId ?? null, to, at: now, raised: false };
      }
    }
    // A move can only settle the mover and those waiting for an escort in the rooms it touched.
    const touched = touchedRooms(input);
    for (const [personId, m] of Object.entries(next ?? state)) {
      if (touched && !touched.has(m.to) && personId !== entered?.personId) continue;
      const session = inArea(view, personId);
      const escorted = session !== undefined && escortsWith(view, m.to, session.escortOfficerIds, p).length > 0;
      if (!session || escorted || view.presence.roomOf({ personId }) !== m.to) {
        if (m.raised) actions.push({ kind: "clear", dedupKey: key(personId, m.to), reason: escorted ? "escort present" : "move ended" });
        delete write()[personId];
        continue;
      }
      if (m.raised || now - m.at < p.withinS * 1000) continue;
      write()[personId] = { ...m, raised: true };
      actions.push({
        kind: "raise",
        type: "ESCORT_BREACH",
        ruleId: "R15",
        severity: SEVERITY.high,
        dedupKey: key(personId, m.to),
        zoneId: m.to,
        subjects: [personId],
        relatedPersonIds: session.escortOfficerIds,
        message: `${personId} moved ${m.from ?? "?"} → ${m.to} without an escort`,
        params: p,
        data: { detaineeId: personId, fromZone: m.from, toZone: m.to, escortOfficerIds: session.escortOfficerIds, movedAt: m.at },
      });
    }
    return next || actions.length > 0 ? { state: next ?? state, actions } : unchanged(state);
  },
});

const key = (personId: string, zone: string) => dedupKey("ESCORT_BREACH", personId, zone);

function escortsWith(view: RuleView, roomId: string, assigned: readonly string[], p: RuleParams["R15"]): string[] {
  const officers = officersIn(view, roomId);
  if (p.anyOfficer || assigned.length === 0) return officers;
  return officers.filter((o) => assigned.includes(o));
}
