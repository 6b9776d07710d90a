import type { AlarmAction } from "../alarm-types.js";
import { dedupKey, detector, inputNow, SEVERITY, str, tagIdsOf, unchanged } from "../detector.js";
import { placeOf } from "../people.js";
import type { RuleParams } from "../params.js";

interface Exited {
  readonly personId: string;
  readonly exitAt: number;
  readonly returned: boolean;
  readonly returnAlarm: boolean;
  readonly seenAlarm: boolean;
}

/** Tags of persons who left, by tag id, until returned and past the watch window. */
type State = Readonly<Record<string, Exited>>;

const RETURN_EVENTS = ["TAG_RETURNED", "TAG_DOCKED", "TAG_BOUND"];

/**
 * R30 after exit: a wristband of a person who has exited is seen in the secure area
 * (TAG_NOT_UNBOUND), or is not docked/returned within 30 min (TAG_NOT_RETURNED, low). A tag
 * counts as returned on TAG_RETURNED/TAG_DOCKED, a DEVICE_EVENT "docked", being bound again, or
 * being seen in a return room (registration).
 */
export const afterExit = detector<State>({
  id: "after-exit",
  ruleIds: ["R30"],
  events: ["PERSON_EXITED", "ZONE_ENTER", "DEVICE_EVENT", ...RETURN_EVENTS],
  tick: true,
  initial: () => ({}),
  step(state, input, view, params) {
    const now = inputNow(input);
    const p = params.R30;
    const actions: AlarmAction[] = [];
    let next: Record<string, Exited> | null = null;
    const write = () => (next ??= { ...state });
    if (input.kind === "event") {
      const e = input.event;
      const personId = e.personId ?? str(e.payload.personId);
      if (e.type === "PERSON_EXITED" && personId !== undefined) {
        const person = view.custody.person(personId);
        const tags = tagIdsOf(e.payload);
        const fromSession = person ? (view.custody.previousSessionOf(person)?.tagIds ?? []) : [];
        const exitAt = typeof e.payload.exitAt === "number" ? e.payload.exitAt : now;
        for (const t of new Set([...tags, ...fromSession])) write()[t] = { personId, exitAt, returned: false, returnAlarm: false, seenAlarm: false };
      } else if (RETURN_EVENTS.includes(e.type) || (e.type === "DEVICE_EVENT" && e.payload.name === "docked")) {
        for (const t of tagIdsOf(e.payload)) if (state[t] && !state[t].returned) returned(write(), t, actions, "tag returned");
      } else if (e.type === "ZONE_ENTER") {
        const tagId = str(e.payload.tagId);
        const x = tagId === undefined ? undefined : state[tagId];
        if (x && tagId !== undefined) {
          const place = placeOf(view, str(e.payload.toZoneId) ?? e.roomId);
          if (place?.roomType !== undefined && p.returnRoomTypes.includes(place.roomType)) {
            if (!x.returned) returned(write(), tagId, actions, `seen in ${place.roomId}`);
          } else if (!x.seenAlarm && place?.areaType === "secure_area" && now - x.exitAt <= p.watchAfterExitH * 3_600_000) {
            write()[tagId] = { ...x, seenAlarm: true };
            actions.push(raise("TAG_NOT_UNBOUND", tagId, x, SEVERITY.medium, `wristband ${tagId} of exited ${x.personId} seen in ${place.roomId ?? place.areaId}`, p, place.roomId ?? place.areaId));
          }
        }
      }
    } else {
      for (const [tagId, x] of Object.entries(state)) {
        if (!x.returned && !x.returnAlarm && now - x.exitAt > p.returnWithinMin * 60_000) {
          write()[tagId] = { ...x, returnAlarm: true };
          actions.push(raise("TAG_NOT_RETURNED", tagId, x, SEVERITY.low, `wristband ${tagId} of ${x.personId} not returned ${Math.round((now - x.exitAt) / 60_000)} min after exit`, p));
        }
        // Past the watch window a returned tag is forgotten; so is a lost one, its alarm stays open.
        if ((x.returned || x.returnAlarm) && now - x.exitAt > p.watchAfterExitH * 3_600_000) delete write()[tagId];
      }
    }
    return next || actions.length > 0 ? { state: next ?? state, actions } : unchanged(state);
  },
});

function returned(state: Record<string, Exited>, tagId: string, actions: AlarmAction[], reason: string): void {
  const x = state[tagId]!;
  state[tagId] = { ...x, returned: true };
  if (x.returnAlarm) actions.push({ kind: "clear", dedupKey: dedupKey("TAG_NOT_RETURNED", `tag:${tagId}`), reason });
}

function raise(type: "TAG_NOT_UNBOUND" | "TAG_NOT_RETURNED", tagId: string, x: Exited, severity: 1 | 2, message: string, p: RuleParams["R30"], zoneId?: string): AlarmAction {
  return {
    kind: "raise",
    type,
    ruleId: "R30",
    severity,
    dedupKey: dedupKey(type, `tag:${tagId}`),
    ...(zoneId !== undefined ? { zoneId } : {}),
    subjects: [x.personId],
    message,
    params: p,
    data: { tagId, exitAt: x.exitAt },
  };
}
