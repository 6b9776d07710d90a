import type { EventDraft } from "../../core/envelope.js";
import { dedupKey, detector, inputNow, num, sameRecord, SEVERITY, str, suppressed, unchanged, type RuleEvent } from "../detector.js";
import { track, trackedScopes, type Condition, type Tracked } from "../dwell-conditions.js";
import { detaineesIn, inArea, interrogationsByRoom, occupantsIn, officersIn, type OpenInterrogation } from "../people.js";
import type { RuleParams } from "../params.js";
import { applyRecorderEvent, isRecording, RECORDER_EVENTS, type Channels } from "../recorders.js";
import { MOVES, touchedRooms } from "../room-rule.js";
import type { RoomInfo, RuleView } from "../view.js";

interface Headcount {
  readonly count: number;
  readonly at: number;
  readonly cameraId?: string;
}

interface State {
  readonly tracked: Tracked;
  readonly channels: Channels;
  readonly headcounts: Readonly<Record<string, Headcount>>;
  /** Rooms where the single-officer exception is in force (logged once when it starts). */
  readonly exempt: Readonly<Record<string, true>>;
}

/**
 * R13 two-officer interrogation: a room in use (open interrogation or a detainee present) with
 * exactly one officer tag, or a fresh camera headcount below 3 while tags show two. Exception
 * (行政程序规定 Art. 52): every open session in the room is a single-officer task and all its
 * recorder channels are recording.
 */
export const twoOfficerInterrogation = detector<State>({
  id: "two-officer",
  ruleIds: ["R13"],
  events: [...MOVES, ...RECORDER_EVENTS, "CAMERA_EVENT", "INTERROGATION_STARTED", "INTERROGATION_ENDED"],
  tick: true,
  initial: () => ({ tracked: {}, channels: {}, headcounts: {}, exempt: {} }),
  step(state, input, view, params) {
    const now = inputNow(input);
    let { channels, headcounts } = state;
    if (input.kind === "event") {
      channels = applyRecorderEvent(channels, input.event);
      headcounts = applyHeadcount(headcounts, input.event);
    }
    const p = params.R13;
    // A move settles only the rooms it touches; anything else looks at every room in use.
    const touched = touchedRooms(input);
    if (touched && ![...touched].some((id) => isWatched(view, id, p))) return channels === state.channels && headcounts === state.headcounts ? unchanged(state) : { state: { ...state, channels, headcounts }, actions: [] };
    const sessions = interrogationsByRoom(view);
    const watch = touched ?? new Set([...trackedScopes(state.tracked), ...sessions.keys()]);
    const rooms = view.presence.rooms().filter((r) => p.roomTypes.includes(r.type) && (watch.has(r.id) || (!touched && occupantsIn(view, r.id).length > 0)));
    const conditions: Condition[] = [];
    const exempt: Record<string, true> = {};
    const events: EventDraft[] = [];
    for (const room of rooms) {
      const c = evaluate(room, view, p, now, sessions.get(room.id) ?? [], channels, headcounts[room.id]);
      if (c === "exempt") {
        exempt[room.id] = true;
        if (!state.exempt[room.id]) events.push(suppressed("R13", now, key(room.id), "single_recorded_task with recording verified", p, detaineesIn(view, room.id), room.id));
      } else if (c) conditions.push(c);
    }
    for (const id of Object.keys(state.exempt)) if (touched && !touched.has(id)) exempt[id] = true;
    const r = track(state.tracked, conditions, now, touched);
    const sameExempt = sameRecord(exempt, state.exempt);
    const next = { tracked: r.tracked, channels, headcounts, exempt: sameExempt ? state.exempt : exempt };
    const changed = next.tracked !== state.tracked || channels !== state.channels || headcounts !== state.headcounts || next.exempt !== state.exempt;
    return { state: changed ? next : state, actions: r.actions, events };
  },
});

function isWatched(view: RuleView, roomId: string, p: RuleParams["R13"]): boolean {
  const type = view.presence.room(roomId)?.type;
  return type !== undefined && p.roomTypes.includes(type);
}

const key = (roomId: string) => dedupKey("SINGLE_OFFICER_INTERROGATION", roomId, roomId);

function evaluate(
  room: RoomInfo,
  view: RuleView,
  p: RuleParams["R13"],
  now: number,
  open: readonly OpenInterrogation[],
  channels: Channels,
  headcount: Headcount | undefined,
): Condition | "exempt" | undefined {
  const detainees = detaineesIn(view, room.id).filter((id) => inArea(view, id));
  const detaineeId = open[0]?.personId ?? detainees[0];
  if (detaineeId === undefined) return undefined;
  const officers = officersIn(view, room.id);
  const freshCamera = headcount !== undefined && now - headcount.at <= p.cameraMaxAgeS * 1000 && headcount.count < p.cameraHeadcountBelow;
  const evidence = officers.length === 1 ? "tags" : officers.length >= 2 && freshCamera ? "camera" : undefined;
  if (evidence === undefined) return undefined;
  const exception = open.length > 0 && open.every((o) => o.it.kind === "single_recorded_task" && o.it.recorderChannels.length > 0 && o.it.recorderChannels.every((c) => isRecording(channels, c)));
  if (exception) return "exempt";
  return {
    key: key(room.id),
    scope: room.id,
    dwellMs: p.dwellS * 1000,
    make: (held) => ({
      type: "SINGLE_OFFICER_INTERROGATION",
      ruleId: "R13",
      severity: SEVERITY.high,
      zoneId: room.id,
      subjects: [detaineeId],
      relatedPersonIds: officers,
      message: `only one officer with ${detaineeId} in ${room.id} (${evidence === "tags" ? "officer tags" : "camera headcount"})`,
      params: p,
      data: {
        roomId: room.id,
        detaineeId,
        ...(officers[0] !== undefined ? { officerId: officers[0] } : {}),
        officerIds: officers,
        dwellS: Math.round(held / 1000),
        evidenceSource: evidence,
        ...(evidence === "camera" && headcount ? { evidence: { cameraIds: headcount.cameraId ? [headcount.cameraId] : [], headcount: headcount.count, at: headcount.at } } : {}),
      },
    }),
  };
}

function applyHeadcount(h: State["headcounts"], e: RuleEvent): State["headcounts"] {
  if (e.type !== "CAMERA_EVENT" || e.payload.analyticType !== "headcount") return h;
  const roomId = e.roomId ?? str(e.payload.roomId);
  const count = num(e.payload.value);
  if (roomId === undefined || count === undefined) return h;
  const cameraId = str(e.payload.cameraId);
  return { ...h, [roomId]: { count, at: e.receivedAt, ...(cameraId !== undefined ? { cameraId } : {}) } };
}
