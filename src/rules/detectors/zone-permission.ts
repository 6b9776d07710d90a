import type { RoomType } from "../../config/schema.js";
import type { CustodySession } from "../../custody/model.js";
import type { AlarmAction } from "../alarm-types.js";
import { dedupKey, detector, personEntering, SEVERITY, unchanged } from "../detector.js";
import { inArea, isUnder, placeOf, type PlaceInfo } from "../people.js";
import type { RuleParams } from "../params.js";
import type { RuleView } from "../view.js";

/** The open zone alarm of each detainee (dedup key), cleared when they enter another zone. */
type Raised = Readonly<Record<string, string>>;

const HOLDING: readonly RoomType[] = ["holding", "holding_juvenile"];
const INTERROGATION: readonly RoomType[] = ["interrogation", "interrogation_juvenile", "interview"];

interface Violation {
  readonly type: "ZONE_VIOLATION" | "WRONG_ROOM";
  readonly severity: 1 | 2 | 3;
  readonly reason: string;
  readonly assignedRoomId?: string;
}

/**
 * R16 zone permission (越界): a detainee enters a staff area or room, a room restricted to the
 * other sex or age group, a holding room other than the assigned one (ZONE_VIOLATION), or an
 * interrogation room other than the assigned one (WRONG_ROOM, low).
 */
export const zonePermission = detector<Raised>({
  id: "zone-permission",
  ruleIds: ["R16"],
  events: ["ZONE_ENTER"],
  tick: false,
  initial: () => ({}),
  step(state, input, view, params) {
    const m = personEntering(input);
    if (!m) return unchanged(state);
    const { personId, toZoneId: zone, event: e } = m;
    const actions: AlarmAction[] = [];
    const prev = state[personId];
    const session = inArea(view, personId);
    const place = placeOf(view, zone);
    const v = session && view.custody.person(personId)?.role === "detainee" && place ? violation(view, personId, session, place, params.R16, e.receivedAt) : undefined;
    const key = v ? dedupKey(v.type, personId, zone) : undefined;
    if (prev !== undefined && prev !== key) actions.push({ kind: "clear", dedupKey: prev, reason: `left for ${zone ?? "elsewhere"}` });
    if (v && key !== prev) {
      actions.push({
        kind: "raise",
        type: v.type,
        ruleId: "R16",
        severity: v.severity,
        dedupKey: key!,
        ...(zone !== undefined ? { zoneId: zone } : {}),
        subjects: [personId],
        message: `${personId} in ${zone}: ${v.reason.replaceAll("_", " ")}`,
        params: params.R16,
        data: { zoneId: zone, reason: v.reason, ...(v.assignedRoomId !== undefined ? { assignedRoomId: v.assignedRoomId } : {}) },
      });
    }
    if (key === prev) return actions.length ? { state, actions } : unchanged(state);
    const next = { ...state };
    if (key === undefined) delete next[personId];
    else next[personId] = key;
    return { state: next, actions };
  },
});

function violation(view: RuleView, personId: string, s: CustodySession, place: PlaceInfo, p: RuleParams["R16"], at: number): Violation | undefined {
  if ((place.areaType && p.forbiddenAreaTypes.includes(place.areaType)) || (place.roomType && p.forbiddenRoomTypes.includes(place.roomType))) {
    return { type: "ZONE_VIOLATION", severity: SEVERITY.high, reason: "staff_zone" };
  }
  const room = place.room;
  if (!room) return undefined;
  const minor = isUnder(view, personId, at, 18);
  if (room.age === "minor" && !minor) return { type: "ZONE_VIOLATION", severity: SEVERITY.high, reason: "adult_in_juvenile_room" };
  if (room.age === "adult" && minor) return { type: "ZONE_VIOLATION", severity: SEVERITY.high, reason: "minor_in_adult_room" };
  const sex = view.custody.person(personId)?.sex;
  if (room.sex !== "any" && (sex === "male" || sex === "female") && sex !== room.sex) return { type: "ZONE_VIOLATION", severity: SEVERITY.high, reason: "other_sex_room" };
  if (HOLDING.includes(room.type) && s.holdingRoomId !== undefined && s.holdingRoomId !== room.id) {
    return { type: "ZONE_VIOLATION", severity: SEVERITY.medium, reason: "not_the_assigned_holding_room", assignedRoomId: s.holdingRoomId };
  }
  if (INTERROGATION.includes(room.type) && s.assignedInterrogationRoomId !== undefined && s.assignedInterrogationRoomId !== room.id) {
    return { type: "WRONG_ROOM", severity: SEVERITY.low, reason: "not_the_assigned_interrogation_room", assignedRoomId: s.assignedInterrogationRoomId };
  }
  return undefined;
}
