import type { PersonRole } from "../core/envelope.js";
import { num, str, type RuleEvent } from "./detector.js";
import type { Occupant, PresenceView, RuleView } from "./view.js";

/**
 * The view as it is once the event's move has been applied. Presence hands its drafts to the
 * sink before it updates its own occupancy, so a rule engine fed straight from the event
 * pipeline would see the tag still in the old room. Laying the move over the view makes the
 * answer the same either way (it is idempotent when presence already shows the move).
 */
export function withMove(view: RuleView, e: RuleEvent): RuleView {
  const tagId = str(e.payload.tagId);
  if (tagId === undefined) return view;
  const personId = e.personId ?? str(e.payload.personId);
  const role = e.role ?? (str(e.payload.role) as PersonRole | undefined);
  const base = view.presence;
  let moved: { zoneId: string | null; online: boolean; since?: number };
  switch (e.type) {
    case "ZONE_ENTER": {
      const to = str(e.payload.toZoneId);
      if (to === undefined) return view;
      moved = { zoneId: to, online: true, since: num(e.payload.movedAt) ?? e.receivedAt };
      break;
    }
    case "TAG_OFFLINE":
      moved = { zoneId: str(e.payload.lastZoneId) ?? null, online: false };
      break;
    case "TAG_ONLINE":
      moved = { zoneId: str(e.payload.zoneId) ?? null, online: true };
      break;
    default:
      return view;
  }
  const isMoved = (s: { personId?: string; tagId?: string }) => s.tagId === tagId || (personId !== undefined && s.personId === personId);
  const presence: PresenceView = {
    room: (id) => base.room(id),
    rooms: () => base.rooms(),
    ...(base.area ? { area: (id: string) => base.area!(id) } : {}),
    occupants(roomId) {
      const list = base.occupants(roomId);
      const prev = list.find((o) => o.tagId === tagId);
      const others = prev ? list.filter((o) => o !== prev) : list;
      if (moved.zoneId !== roomId) return others;
      const occupant: Occupant = { personId, tagId, role, since: moved.since ?? prev?.since ?? e.receivedAt, online: moved.online };
      return [...others, occupant];
    },
    roomOf(s) {
      if (!isMoved(s)) return base.roomOf(s);
      return moved.online && moved.zoneId !== null ? moved.zoneId : undefined;
    },
  };
  return { ...view, presence };
}
