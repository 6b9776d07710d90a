import { detector, inputNow, str, type Detector, type RuleInput } from "./detector.js";
import { track, trackedScopes, type Condition, type Tracked } from "./dwell-conditions.js";
import type { RuleId, RuleParams } from "./params.js";
import { occupantsIn } from "./people.js";
import type { RoomInfo, RuleView } from "./view.js";

/**
 * Presence events that change who is in a room. A ZONE_EXIT is always followed by the ZONE_ENTER
 * of the same move, which names both rooms, so the exit adds nothing here.
 */
export const MOVES = ["ZONE_ENTER", "TAG_OFFLINE", "TAG_ONLINE"] as const;

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
  return detector<RoomRuleState>({
    id: spec.id,
    ruleIds: spec.ruleIds,
    events,
    tick: true,
    initial: () => ({ tracked: {}, sweptAt: 0 }),
    step(state, input, view, params) {
      const now = inputNow(input);
      const touched = touchedRooms(input);
      // Conditions change on moves and lifecycle events; a tick only has to advance the dwell of
      // conditions still waiting, plus a full sweep now and then as a safety net.
      const sweep = input.kind === "event" ? !touched : now - state.sweptAt >= SWEEP_MS;
      const scopes = touched ?? (sweep ? undefined : waiting(state.tracked));
      const rooms = scopes ? [...scopes].map((id) => view.presence.room(id)).filter((r): r is RoomInfo => r !== undefined) : roomsToCheck(state.tracked, view);
      const conditions: Condition[] = [];
      for (const room of rooms) if (spec.applies(room, params)) conditions.push(...spec.evaluate(room, view, params, now));
      const r = track(state.tracked, conditions, now, scopes);
      const sweptAt = sweep && input.kind === "tick" ? now : state.sweptAt;
      return { state: r.tracked === state.tracked && sweptAt === state.sweptAt ? state : { tracked: r.tracked, sweptAt }, actions: r.actions };
    },
  });
}

/** Every occupied room is looked at again at least this often on ticks. */
const SWEEP_MS = 10_000;

interface RoomRuleState {
  readonly tracked: Tracked;
  readonly sweptAt: number;
}

/** Rooms with a condition still in its dwell. */
function waiting(tracked: Tracked): Set<string> {
  const out = new Set<string>();
  for (const [scope, pending] of Object.entries(tracked)) if (Object.values(pending).some((p) => !p.raised)) out.add(scope);
  return out;
}

/** Rooms a move touches (left, entered, last seen in); undefined for ticks and other events. */
export function touchedRooms(input: RuleInput): Set<string> | undefined {
  if (input.kind === "tick") return undefined;
  const e = input.event;
  if (!(MOVES as readonly string[]).includes(e.type)) return undefined;
  const ids = [e.roomId, str(e.payload.fromZoneId), str(e.payload.toZoneId), str(e.payload.lastZoneId), str(e.payload.zoneId)];
  return new Set(ids.filter((id): id is string => id !== undefined));
}

function roomsToCheck(state: Tracked, view: RuleView): RoomInfo[] {
  const tracked = trackedScopes(state);
  return view.presence.rooms().filter((r) => tracked.has(r.id) || occupantsIn(view, r.id).length > 0);
}
