import type { AlarmAction } from "../alarm-types.js";
import { dedupKey, detector, inputNow, sameRecord, SEVERITY } from "../detector.js";
import { track, type Condition, type Tracked } from "../dwell-conditions.js";
import { inArea, interrogationsByRoom, occupantsIn } from "../people.js";
import type { RuleParams } from "../params.js";
import { applyRecorderEvent, channelsOfRoom, isRecording, RECORDER_EVENTS, type Channels } from "../recorders.js";
import type { RuleView } from "../view.js";

interface Gap {
  readonly from: number;
  readonly roomId: string;
}

interface State {
  readonly tracked: Tracked;
  readonly channels: Channels;
  /** Channels that stopped during a session: a gap, reported when it closes. */
  readonly gaps: Readonly<Record<string, Gap>>;
}

/**
 * R22 recording must run (同步录音录像, 全程不间断): while an interrogation is open — or a detainee
 * and an officer are together in an interrogation room — every recorder channel of it must be
 * recording (RECORDING_NOT_ACTIVE, critical, after a short grace). A channel that stops and
 * starts again inside a session leaves a RECORDING_GAP with its start and end.
 */
export const recordingRuns = detector<State>({
  id: "recording",
  ruleIds: ["R22"],
  // Moves are left to the tick: a session's channels do not depend on presence, and the
  // co-location fallback has a grace of seconds anyway.
  events: [...RECORDER_EVENTS, "INTERROGATION_STARTED", "INTERROGATION_ENDED"],
  tick: true,
  initial: () => ({ tracked: {}, channels: {}, gaps: {} }),
  step(state, input, view, params) {
    const now = inputNow(input);
    const p = params.R22;
    const channels = input.kind === "event" ? applyRecorderEvent(state.channels, input.event) : state.channels;
    const required = requiredChannels(view, channels, p);
    const actions: AlarmAction[] = [];
    const gaps = settleGaps(state, channels, required, now, p, actions);
    const conditions: Condition[] = [];
    for (const [channel, req] of required) if (!isRecording(channels, channel)) conditions.push(notActive(req.roomId, channel, channels, p, req.since));
    for (const roomId of roomsWithoutChannels(view)) conditions.push(notActive(roomId, undefined, channels, p));
    const r = track(state.tracked, conditions, now, undefined, "recording running");
    actions.push(...r.actions);
    if (r.tracked === state.tracked && channels === state.channels && gaps === state.gaps) return { state, actions };
    return { state: { tracked: r.tracked, channels, gaps }, actions };
  },
});

/** Opens a gap when a required channel stops, reports it when the channel records again. */
function settleGaps(state: State, channels: Channels, required: ReadonlyMap<string, Required>, now: number, p: RuleParams["R22"], actions: AlarmAction[]): State["gaps"] {
  const gaps: Record<string, Gap> = { ...state.gaps };
  for (const [channel, { roomId }] of required) {
    const was = isRecording(state.channels, channel);
    const is = isRecording(channels, channel);
    if (was && !is) gaps[channel] = { from: now, roomId };
    if (!was && is && gaps[channel]) {
      actions.push(gapAlarm(channel, gaps[channel]!, now, p));
      delete gaps[channel];
    }
  }
  // A stop that lasts until the session ends is not a gap but the end of the recording; a
  // stop inside the session already raised RECORDING_NOT_ACTIVE after the grace.
  for (const channel of Object.keys(gaps)) if (!required.has(channel)) delete gaps[channel];
  return sameRecord(gaps, state.gaps) ? state.gaps : gaps;
}

interface Required {
  readonly roomId: string;
  /**
   * For co-location found on a tick: since when detainee and officer are together with the
   * channel not recording. Session channels are settled by the events that change them.
   */
  readonly since?: number;
}

/** Every channel that must be recording now, with its room. */
function requiredChannels(view: RuleView, channels: Channels, p: RuleParams["R22"]): Map<string, Required> {
  const out = new Map<string, Required>();
  const sessions = interrogationsByRoom(view);
  for (const [roomId, list] of sessions) for (const o of list) for (const c of o.it.recorderChannels) out.set(c, { roomId });
  for (const room of view.presence.rooms()) {
    if (!p.roomTypes.includes(room.type) || sessions.has(room.id)) continue;
    const occupants = occupantsIn(view, room.id);
    const detainee = occupants.filter((o) => o.role === "detainee" && o.personId !== undefined && inArea(view, o.personId)).map((o) => o.since);
    const officer = occupants.filter((o) => o.role === "officer" && o.online !== false).map((o) => o.since);
    if (detainee.length === 0 || officer.length === 0) continue;
    const since = Math.max(Math.min(...detainee), Math.min(...officer));
    for (const c of channelsOfRoom(channels, room.id)) out.set(c, { roomId: room.id, since: Math.max(since, channels[c]?.at ?? since) });
  }
  return out;
}

/** Open interrogations that name no recorder channel at all: recording cannot be verified. */
function roomsWithoutChannels(view: RuleView): string[] {
  const out: string[] = [];
  for (const [roomId, list] of interrogationsByRoom(view)) if (list.some((o) => o.it.recorderChannels.length === 0)) out.push(roomId);
  return out;
}

function notActive(roomId: string, channel: string | undefined, channels: Channels, p: RuleParams["R22"], since?: number): Condition {
  const status = channel === undefined ? undefined : channels[channel];
  const reason = channel === undefined ? "no_channel_assigned" : !status ? "no_status" : !status.online ? "offline" : "not_recording";
  return {
    key: dedupKey("RECORDING_NOT_ACTIVE", channel ?? roomId, roomId),
    scope: roomId,
    dwellMs: p.graceS * 1000,
    ...(since !== undefined ? { since } : {}),
    make: () => ({
      type: "RECORDING_NOT_ACTIVE",
      ruleId: "R22",
      severity: SEVERITY.critical,
      zoneId: roomId,
      subjects: [],
      message: `recording not active in ${roomId}${channel ? ` (channel ${channel}: ${reason.replaceAll("_", " ")})` : ": no recorder channel assigned"}`,
      params: p,
      data: { roomId, channelId: channel, reason },
    }),
  };
}

function gapAlarm(channel: string, gap: Gap, to: number, p: RuleParams["R22"]): AlarmAction {
  return {
    kind: "raise",
    type: "RECORDING_GAP",
    ruleId: "R22",
    severity: SEVERITY.high,
    dedupKey: dedupKey("RECORDING_GAP", channel, `${gap.roomId}@${gap.from}`),
    zoneId: gap.roomId,
    subjects: [],
    message: `recording gap on channel ${channel} in ${gap.roomId}: ${Math.round((to - gap.from) / 1000)} s`,
    params: p,
    data: { roomId: gap.roomId, channelId: channel, gapFrom: gap.from, gapTo: to },
  };
}
