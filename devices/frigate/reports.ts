import type { FrigateAvailability, StreamStatus } from "./codec.js";
import type { FrigateObject, FrigateReview, TrackedPhase } from "./tracked.js";

/**
 * What the driver reports, as pure functions of what Frigate said. Event names and payloads are
 * the ones the normalizer maps to domain events (src/drivers/normalizer.ts):
 * - `recorder_status` → RECORDER_STATUS {recorderId, channelId, roomId, recording, online}
 * - `camera_event` → CAMERA_EVENT {cameraId, analyticType, value, roomId, …}
 * which the rules read for R22 (recording runs) and R13 (camera headcount).
 */
export interface CameraMapping {
  readonly room: string;
  readonly channelId: string;
  readonly cameraId: string;
}

/** What is known of one camera's recording. */
export interface CameraRecording {
  /** `recordings/state`: recording switched on in Frigate. */
  readonly enabled?: boolean;
  /** `status/record`: the record stream's health (Frigate ≥ 0.16 publishes it). */
  readonly stream?: StreamStatus;
}

export interface ChannelStatus {
  readonly online: boolean;
  readonly recording: boolean;
  readonly reason?: string;
}

/**
 * A channel records when Frigate is online, recording is switched on and the record stream is
 * not offline or disabled. Undefined while that cannot be told yet: Frigate's availability is
 * unknown (just connected, retained messages still arriving), or it is online but has not said
 * whether recording is on.
 */
export function channelStatus(frigate: FrigateAvailability | undefined, cam: CameraRecording): ChannelStatus | undefined {
  if (frigate === undefined) return undefined;
  if (frigate !== "online") return { online: false, recording: false, reason: `frigate ${frigate}` };
  if (cam.stream === "offline") return { online: false, recording: false, reason: "record stream offline" };
  if (cam.enabled === undefined) return undefined;
  if (cam.stream === "disabled") return { online: true, recording: false, reason: "camera disabled" };
  return cam.enabled ? { online: true, recording: true } : { online: true, recording: false, reason: "recordings off" };
}

export function sameStatus(a: ChannelStatus | undefined, b: ChannelStatus | undefined): boolean {
  return a?.online === b?.online && a?.recording === b?.recording && a?.reason === b?.reason;
}

export function recorderStatusData(recorderId: string, camera: string, m: CameraMapping, s: ChannelStatus): Record<string, unknown> {
  return { recorderId, channelId: m.channelId, roomId: m.room, recording: s.recording, online: s.online, camera, ...(s.reason !== undefined ? { reason: s.reason } : {}) };
}

export function headcountData(camera: string, m: CameraMapping, label: string, count: number, repeated: boolean): Record<string, unknown> {
  return { cameraId: m.cameraId, camera, roomId: m.room, analyticType: "headcount", value: count, label, ...(repeated ? { repeated: true } : {}) };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Frigate sends an update for every better snapshot; only changes the daemon cares about are
 * reported: zones, recognised name, label, a clip becoming available. New and end always are.
 */
export function objectWorthReporting(phase: TrackedPhase, after: FrigateObject, before: FrigateObject | undefined): boolean {
  if (after.falsePositive) return false;
  if (phase !== "update" || before === undefined) return true;
  return !sameList(after.currentZones, before.currentZones) || after.subLabel !== before.subLabel || after.label !== before.label || (after.hasClip && !before.hasClip);
}

export function objectEventData(phase: TrackedPhase, o: FrigateObject, m: CameraMapping): Record<string, unknown> {
  return {
    cameraId: m.cameraId,
    camera: o.camera,
    roomId: m.room,
    analyticType: "object",
    value: o.label,
    phase,
    objectId: o.id,
    label: o.label,
    ...(o.subLabel !== undefined ? { subLabel: o.subLabel } : {}),
    ...(o.score !== undefined ? { score: o.score } : {}),
    ...(o.topScore !== undefined ? { topScore: o.topScore } : {}),
    zones: o.currentZones,
    enteredZones: o.enteredZones,
    hasClip: o.hasClip,
    hasSnapshot: o.hasSnapshot,
    startTime: o.startTime,
    ...(o.endTime !== undefined ? { endTime: o.endTime } : {}),
  };
}

/** Device time of an object or review message: its end, its last frame, else its start. */
export function trackedTime(phase: TrackedPhase, t: { startTime: number; endTime?: number; frameTime?: number }): number {
  if (phase === "end" && t.endTime !== undefined) return t.endTime;
  if (phase === "update" && t.frameTime !== undefined) return t.frameTime;
  return t.startTime;
}

/** Review items: new and end, and updates that raise the severity or add objects or zones. */
export function reviewWorthReporting(phase: TrackedPhase, after: FrigateReview, before: FrigateReview | undefined): boolean {
  if (phase !== "update" || before === undefined) return true;
  return after.severity !== before.severity || !sameList(after.objects, before.objects) || !sameList(after.zones, before.zones) || !sameList(after.subLabels, before.subLabels);
}

export function reviewEventData(phase: TrackedPhase, r: FrigateReview, m: CameraMapping): Record<string, unknown> {
  return {
    cameraId: m.cameraId,
    camera: r.camera,
    roomId: m.room,
    analyticType: "review",
    value: r.severity,
    phase,
    reviewId: r.id,
    severity: r.severity,
    objects: r.objects,
    subLabels: r.subLabels,
    zones: r.zones,
    detections: r.detections,
    startTime: r.startTime,
    ...(r.endTime !== undefined ? { endTime: r.endTime } : {}),
  };
}
