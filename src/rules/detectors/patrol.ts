import type { VulnerableFlag } from "../../custody/model.js";
import { dedupKey, detector, inputNow, sameRecord, SEVERITY, str } from "../detector.js";
import { track, type Condition, type Tracked } from "../dwell-conditions.js";
import { detaineesIn, inArea, occupantsIn, officersIn } from "../people.js";
import { personParams } from "../person-params.js";
import type { RuleParams } from "../params.js";
import { MOVES, touchedRooms } from "../room-rule.js";
import type { RoomInfo, RuleView } from "../view.js";

interface State {
  readonly tracked: Tracked;
  /** Last officer visit or patrol punch per room. */
  readonly checkedAt: Readonly<Record<string, number>>;
}

const SPECIAL: readonly VulnerableFlag[] = ["drunk", "special_category", "minor", "elderly", "ill", "disabled", "pregnant", "nursing_infant"];

/**
 * R25 holding-room checks (值班、看管、巡查): an occupied holding room with no officer seen and no
 * patrol punch within the interval — 60 min, 30 min when a drunk or special-category person is
 * in it, 15 min for suicide risk; per-person overrides come from custody.
 */
export const patrolMissed = detector<State>({
  id: "patrol",
  ruleIds: ["R25"],
  events: [...MOVES, "PATROL_PUNCH"],
  tick: true,
  initial: () => ({ tracked: {}, checkedAt: {} }),
  step(state, input, view, params) {
    const now = inputNow(input);
    const p = params.R25;
    const touched = touchedRooms(input);
    if (touched) return { state: officerVisits(state, touched, view, now, p), actions: [] };
    const checkedAt: Record<string, number> = { ...state.checkedAt };
    if (input.kind === "event" && input.event.type === "PATROL_PUNCH") {
      const roomId = input.event.roomId ?? str(input.event.payload.roomId);
      if (roomId !== undefined) checkedAt[roomId] = now;
    }
    const conditions: Condition[] = [];
    for (const room of view.presence.rooms()) {
      if (!p.roomTypes.includes(room.type)) continue;
      const detainees = detaineesIn(view, room.id).filter((id) => inArea(view, id));
      if (detainees.length === 0) {
        delete checkedAt[room.id]; // an open alarm is cleared by track() below: nobody left to check on
        continue;
      }
      if (officersIn(view, room.id).length > 0) checkedAt[room.id] = now;
      // A check is due one interval after the room was last checked or became occupied.
      const occupiedSince = Math.min(...occupantsIn(view, room.id).filter((o) => o.personId !== undefined && detainees.includes(o.personId)).map((o) => o.since));
      const c = overdue(room, detainees, view, p, now, Math.max(checkedAt[room.id] ?? -Infinity, occupiedSince), checkedAt[room.id]);
      if (c) conditions.push(c);
    }
    const r = track(state.tracked, conditions, now, undefined, "room checked");
    const same = r.tracked === state.tracked && sameRecord(checkedAt, state.checkedAt);
    return { state: same ? state : { tracked: r.tracked, checkedAt }, actions: r.actions };
  },
});

/** A move only matters when it brings an officer into a watched room: that is a check (time does the rest). */
function officerVisits(state: State, rooms: ReadonlySet<string>, view: RuleView, now: number, p: RuleParams["R25"]): State {
  let checkedAt: Record<string, number> | null = null;
  for (const id of rooms) {
    const room = view.presence.room(id);
    if (room && p.roomTypes.includes(room.type) && officersIn(view, id).length > 0) (checkedAt ??= { ...state.checkedAt })[id] = now;
  }
  return checkedAt ? { ...state, checkedAt } : state;
}

function overdue(room: RoomInfo, detainees: readonly string[], view: RuleView, base: RuleParams["R25"], now: number, last: number, lastCheckAt: number | undefined): Condition | undefined {
  let intervalMin = Infinity;
  const overrides: Record<string, unknown> = {};
  for (const id of detainees) {
    const { params: p, override } = personParams(view, id, "R25", base);
    if (override) overrides[id] = override;
    const flags = view.custody.person(id)?.vulnerable ?? [];
    const mine = flags.includes("suicide_risk") ? p.suicideRiskIntervalMin : flags.some((f) => SPECIAL.includes(f)) ? p.specialIntervalMin : p.intervalMin;
    intervalMin = Math.min(intervalMin, mine);
  }
  if (now - last <= intervalMin * 60_000) return undefined;
  return {
    key: dedupKey("PATROL_MISSED", room.id, room.id),
    scope: room.id,
    dwellMs: 0,
    make: () => ({
      type: "PATROL_MISSED",
      ruleId: "R25",
      severity: SEVERITY.medium,
      zoneId: room.id,
      subjects: [...detainees],
      message: `${room.id}: no check for over ${intervalMin} min`,
      params: Object.keys(overrides).length > 0 ? { ...base, personOverrides: overrides } : base,
      data: { roomId: room.id, intervalMin, lastCheckAt: lastCheckAt ?? null },
    }),
  };
}
