import { dedupKey, detector, SEVERITY, str, tagIdsOf, unchanged } from "../detector.js";
import { placeOf, type PlaceInfo } from "../people.js";
import type { RuleParams } from "../params.js";

/** Unbound tags raised, by tag id → area id. */
type Raised = Readonly<Record<string, string>>;

/**
 * R01 bind before the secure area: a tag with no custody binding enters a secure-area room
 * other than registration. Cleared when the tag is bound or leaves the secure area.
 */
export const unboundTag = detector<Raised>({
  id: "unbound-tag",
  ruleIds: ["R01"],
  events: ["ZONE_ENTER", "TAG_BOUND"],
  tick: false,
  initial: () => ({}),
  step(state, input, view, params) {
    if (input.kind !== "event") return unchanged(state);
    const e = input.event;
    if (e.type === "TAG_BOUND") return clearTags(state, tagIdsOf(e.payload), "tag bound");
    const tagId = str(e.payload.tagId);
    if (tagId === undefined) return unchanged(state);
    const place = placeOf(view, str(e.payload.toZoneId) ?? e.roomId);
    const bound = (e.personId ?? str(e.payload.personId)) !== undefined;
    if (bound || !inSecureArea(place, params.R01)) return clearTags(state, [tagId], "tag left the secure area");
    if (state[tagId] !== undefined) return unchanged(state);
    const areaId = place!.areaId ?? "";
    return {
      state: { ...state, [tagId]: areaId },
      actions: [
        {
          kind: "raise",
          type: "UNBOUND_TAG_IN_SECURE_AREA",
          ruleId: "R01",
          severity: SEVERITY.high,
          dedupKey: dedupKey("UNBOUND_TAG_IN_SECURE_AREA", `tag:${tagId}`, areaId),
          zoneId: place!.roomId ?? areaId,
          subjects: [],
          message: `unbound tag ${tagId} in the secure area (${place!.roomId ?? areaId})`,
          params: params.R01,
          data: { tagId, zoneId: place!.roomId ?? areaId },
        },
      ],
    };
  },
});

function inSecureArea(place: PlaceInfo | undefined, p: RuleParams["R01"]): boolean {
  if (!place?.areaType || !p.secureAreaTypes.includes(place.areaType)) return false;
  return place.roomType === undefined || !p.exemptRoomTypes.includes(place.roomType);
}

function clearTags(state: Raised, tagIds: readonly string[], reason: string) {
  const gone = tagIds.filter((t) => state[t] !== undefined);
  if (gone.length === 0) return unchanged(state);
  const next = { ...state };
  for (const t of gone) delete next[t];
  return { state: next, actions: gone.map((t) => ({ kind: "clear" as const, dedupKey: dedupKey("UNBOUND_TAG_IN_SECURE_AREA", `tag:${t}`, state[t]), reason })) };
}
