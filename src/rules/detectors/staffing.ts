import { dedupKey, SEVERITY } from "../detector.js";
import type { Condition } from "../dwell-conditions.js";
import { detaineesIn, inArea, officersIn } from "../people.js";
import { roomRule } from "../room-rule.js";

/** Staffing at runtime: R14 unattended detainee (民警脱岗) and R27 search staffing. R13 is in two-officer.ts. */

/** R14: a detainee outside a holding-type room with no officer in the same room. */
export const detaineeUnattended = roomRule({
  id: "unattended",
  ruleIds: ["R14"],
  lifecycleEvents: ["TEMP_EXIT_APPROVED", "TEMP_EXIT_RETURNED", "PERSON_EXITED"],
  applies: (room, params) => !params.R14.exemptRoomTypes.includes(room.type),
  evaluate(room, view, params, now) {
    const p = params.R14;
    if (officersIn(view, room.id).length > 0) return [];
    const out: Condition[] = [];
    for (const id of detaineesIn(view, room.id)) {
      if (!inArea(view, id)) continue;
      out.push({
        key: dedupKey("DETAINEE_UNATTENDED", id, room.id),
        scope: room.id,
        dwellMs: p.dwellS * 1000,
        make: (held) => ({
          type: "DETAINEE_UNATTENDED",
          ruleId: "R14",
          severity: SEVERITY.high,
          zoneId: room.id,
          subjects: [id],
          message: `detainee ${id} without an officer in ${room.id}`,
          params: p,
          data: { roomId: room.id, detaineeId: id, dwellS: Math.round(held / 1000), unattendedSince: now - held },
        }),
      });
    }
    return out;
  },
});

/** R27: a search with fewer than two officers, or a woman searched with no female officer present. */
export const searchStaffing = roomRule({
  id: "search-staffing",
  ruleIds: ["R27"],
  applies: (room, params) => params.R27.roomTypes.includes(room.type),
  evaluate(room, view, params) {
    const p = params.R27;
    const detainees = detaineesIn(view, room.id).filter((id) => inArea(view, id));
    if (detainees.length === 0) return [];
    const officerIds = officersIn(view, room.id);
    const staff = officersIn(view, room.id, ["officer", "staff"]);
    const femalePresent = staff.some((id) => view.custody.person(id)?.sex === "female");
    const femaleDetainee = detainees.some((id) => view.custody.person(id)?.sex === "female");
    const tooFew = officerIds.length < p.minOfficers;
    if (!tooFew && (!femaleDetainee || femalePresent)) return [];
    const reasons = [...(tooFew ? ["too_few_officers"] : []), ...(femaleDetainee && !femalePresent ? ["no_female_staff"] : [])];
    return [
      {
        key: dedupKey("SEARCH_STAFFING_VIOLATION", room.id, room.id),
        scope: room.id,
        dwellMs: p.graceS * 1000,
        make: (held) => ({
          type: "SEARCH_STAFFING_VIOLATION",
          ruleId: "R27",
          severity: SEVERITY.high,
          zoneId: room.id,
          subjects: detainees,
          relatedPersonIds: officerIds,
          message: `search in ${room.id}: ${reasons.join(", ").replaceAll("_", " ")}`,
          params: p,
          data: { roomId: room.id, officerIds, femalePresent, reasons, dwellS: Math.round(held / 1000) },
        }),
      },
    ];
  },
});
