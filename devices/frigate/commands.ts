import type { CommandResult } from "../../src/drivers/contract.js";
import { encodeRecordingsSet } from "./codec.js";
import type { CameraMapping } from "./reports.js";

export interface PublishPlan {
  readonly kind: "publish";
  readonly messages: ReadonlyArray<{ topic: string; payload: string }>;
  readonly cameras: readonly string[];
  readonly recording: boolean;
}

type Refusal = Extract<CommandResult, { status: "error" }>;

const refuse = (code: Refusal["code"], message: string): Refusal => ({ status: "error", code, message });

/**
 * Which cameras a command means: `camera` (Frigate name), `channel` (recorder channel id) or
 * `room` (every camera of it); none of these only when the device has a single camera.
 */
export function selectCameras(values: Record<string, unknown>, cameras: Readonly<Record<string, CameraMapping>>): string[] | Refusal {
  const all = Object.entries(cameras);
  const { camera, channel, room } = values;
  if (camera !== undefined) return typeof camera === "string" && cameras[camera] ? [camera] : refuse("invalid", `unknown camera ${JSON.stringify(camera)}`);
  if (channel !== undefined) {
    const hit = all.find(([, m]) => m.channelId === channel);
    return hit ? [hit[0]] : refuse("invalid", `no camera records channel ${JSON.stringify(channel)}`);
  }
  if (room !== undefined) {
    const hits = all.filter(([, m]) => m.room === room).map(([name]) => name);
    return hits.length > 0 ? hits : refuse("invalid", `no camera watches room ${JSON.stringify(room)}`);
  }
  return all.length === 1 ? [all[0]![0]] : refuse("invalid", "name the camera, channel or room: this Frigate has several cameras");
}

/**
 * Commands Frigate takes over MQTT:
 * - `{ recording: true|false, camera | channel | room }` → `<prefix>/<camera>/recordings/set` ON/OFF
 * Refused as unsupported:
 * - `{ bookmark, at, alarm }`: Frigate has no MQTT topic that creates an event; its HTTP API
 *   (`POST /api/events/<camera>/<label>/create`) is outside this driver's MQTT transport.
 * - anything else, e.g. `{ preset }` (Frigate's `<camera>/ptz` takes preset names, not numbers).
 */
export function planCommand(values: Record<string, unknown>, prefix: string, cameras: Readonly<Record<string, CameraMapping>>): PublishPlan | Refusal {
  if ("recording" in values) {
    if (typeof values.recording !== "boolean") return refuse("invalid", "recording must be true or false");
    const selected = selectCameras(values, cameras);
    if (!Array.isArray(selected)) return selected;
    const on = values.recording;
    return { kind: "publish", messages: selected.map((c) => encodeRecordingsSet(prefix, c, on)), cameras: selected, recording: on };
  }
  if ("bookmark" in values) {
    return refuse("unsupported", "Frigate creates events only through its HTTP API (POST /api/events/<camera>/<label>/create), not over MQTT");
  }
  return refuse("unsupported", `frigate takes { recording } only, not ${Object.keys(values).join(", ") || "an empty command"}`);
}
