import type { SiteConfig } from "../config/schema.js";
import type { RoomInfo } from "../rules/view.js";

export type RoomLookup = (roomId: string) => RoomInfo | undefined;

/** Room facts the custody pre-checks need (type, capacity, sex and age policy), from the site config. */
export function roomsFromConfig(config: Pick<SiteConfig, "areas">): RoomLookup {
  const rooms = new Map<string, RoomInfo>();
  for (const area of config.areas) {
    for (const r of area.rooms) {
      rooms.set(r.id, {
        id: r.id,
        type: r.type,
        areaId: area.id,
        ...(r.capacity !== undefined && { capacity: r.capacity }),
        sex: r.sex,
        age: r.age,
        adjacentToExit: r.adjacentToExit,
      });
    }
  }
  return (roomId) => rooms.get(roomId);
}
