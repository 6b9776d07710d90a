import type { SiteConfig } from "../config/schema.js";
import type { PresenceEngine } from "../presence/engine.js";
import type { AreaInfo, CustodyView, Occupant, PresenceView, RoomInfo, RuleView } from "./view.js";

/**
 * The rules' PresenceView over the live presence engine. Rooms and areas come from the site
 * config; occupancy is asked of the engine each time (it is the single source of who is where).
 * `tagsOf` names a person's tags (custody knows them) so `roomOf({ personId })` can be answered.
 */
export function presenceViewOf(engine: PresenceEngine, areas: SiteConfig["areas"], tagsOf: (personId: string) => readonly string[]): PresenceView {
  const rooms = new Map<string, RoomInfo>();
  const areaInfo = new Map<string, AreaInfo>();
  for (const area of areas) {
    areaInfo.set(area.id, { id: area.id, type: area.type });
    for (const r of area.rooms) {
      rooms.set(r.id, {
        id: r.id,
        type: r.type,
        areaId: area.id,
        ...(r.capacity !== undefined ? { capacity: r.capacity } : {}),
        sex: r.sex,
        age: r.age,
        adjacentToExit: r.adjacentToExit,
        areaType: area.type,
      });
    }
  }
  const roomList = [...rooms.values()];
  return {
    room: (id) => rooms.get(id),
    rooms: () => roomList,
    area: (id) => areaInfo.get(id),
    occupants(roomId): Occupant[] {
      // Plain construction, no spreads: the rules ask this for every room a move touches.
      const out: Occupant[] = [];
      for (const o of engine.occupancy(roomId).occupants) {
        const person = o.subject.kind === "person" ? o.subject.id : undefined;
        out.push({ personId: person, tagId: o.tagIds[0] ?? o.subject.id, role: o.role, since: o.since, online: o.online });
      }
      return out;
    },
    roomOf(subject) {
      const tags = subject.tagId !== undefined ? [subject.tagId] : subject.personId !== undefined ? tagsOf(subject.personId) : [];
      for (const t of tags) {
        const loc = engine.location(t);
        if (loc?.zoneId && loc.online) return loc.zoneId;
      }
      return undefined;
    },
  };
}

/** A RuleView provider for the engine: the same custody and presence views, stamped with `now`. */
export function ruleViewProvider(custody: CustodyView, presence: PresenceView): (now: number) => RuleView {
  return (now) => ({ now, custody, presence });
}
