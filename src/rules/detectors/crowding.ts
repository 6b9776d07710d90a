import { dedupKey, SEVERITY } from "../detector.js";
import { personsIn } from "../people.js";
import { roomRule } from "../room-rule.js";

/** R21 crowding (人员聚集): more people in a room than its configured capacity, for a while. */
export const overcrowding = roomRule({
  id: "crowding",
  ruleIds: ["R21"],
  applies: (room) => room.capacity !== undefined,
  evaluate(room, view, params) {
    const p = params.R21;
    const capacity = room.capacity!;
    const ids = personsIn(view, room.id, p.countRoles);
    if (ids.length <= capacity) return [];
    return [
      {
        key: dedupKey("OVERCROWDING", room.id, room.id),
        scope: room.id,
        dwellMs: p.dwellS * 1000,
        make: (held) => ({
          type: "OVERCROWDING",
          ruleId: "R21",
          severity: SEVERITY.medium,
          zoneId: room.id,
          subjects: ids.sort(),
          message: `${ids.length} in ${room.id}, capacity ${capacity}`,
          params: { ...p, capacity },
          data: { roomId: room.id, count: ids.length, capacity, dwellS: Math.round(held / 1000) },
        }),
      },
    ];
  },
});
