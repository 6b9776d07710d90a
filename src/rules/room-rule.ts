import { detector, inputNow, str, type Detector, type RuleInput } from "./detector.js";
import { track, trackedScopes, type Condition, type Tracked } from "./dwell-conditions.js";
import type { RuleId, RuleParams } from "./params.js";
import type { RoomInfo, RuleView } from "./view.js";

/** Presence events that change who is in a room. */
export const MOVES = ["ZONE_ENTER", "ZONE_EXIT", "TAG_OFFLINE", "TAG_ONLINE"] as const;

export interface RoomRuleSpec {
  readonly id: string;
  readonly ruleIds: readonly RuleId[];
  /** Lifecycle events that can change the condition: they re-evaluate every room. */
  readonly lifecycleEvents?: readonly string[];
  /** Rooms the rule watches at all (by type, capacity …). */
  applies(room: RoomInfo, params: RuleParams): boolean;
  /** What holds in the room now. */
  evaluate(room: RoomInfo, view: RuleView, params: RuleParams, now: number): readonly Condition[];
}

/**
 * A detector for "something holds in a room for a while" rules (R10–R14, R21, R27): moves
 * re-evaluate the rooms they touch at once, ticks advance the dwell and re-check every occupied
 * or tracked room, lifecycle events re-check everything.
 */
export function roomRule(spec: RoomRuleSpec): Detector<unknown> {
  const events = [...MOVES, ...(spec.lifecycleEvents ?? [])];
  return detector<Tracked>({
    id: spec.id,
    ruleIds: spec.ruleIds,
    events,
    tick: true,
    initial: () => ({}),
    step(state, input, view, params) {
      const now = inputNow(input);
      const touched = touchedRooms(input);
      const rooms = touched ? [...touched].map((id) => view.presence.room(id)).filter((r): r is RoomInfo => r !== undefined) : roomsToCheck(state, view);
      const conditions: Condition[] = [];
      for (const room of rooms) if (spec.applies(room, params)) conditions.push(...spec.evaluate(room, view, params, now));
      const r = track(state, conditions, now, touched);
      return { state: r.tracked, actions: r.actions };
    },
  });
}

function touchedRooms(input: RuleInput): Set<string> | undefined {
  if (input.kind === "tick") return undefined;
  const e = input.event;
  if (!(MOVES as readonly string[]).includes(e.type)) return undefined;
  const ids = [e.roomId, str(e.payload.fromZoneId), str(e.payload.toZoneId), str(e.payload.lastZoneId), str(e.payload.zoneId)];
  return new Set(ids.filter((id): id is string => id !== undefined));
}

function roomsToCheck(state: Tracked, view: RuleView): RoomInfo[] {
  const tracked = trackedScopes(state);
  return view.presence.rooms().filter((r) => tracked.has(r.id) || view.presence.occupants(r.id).length > 0);
}
