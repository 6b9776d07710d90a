import { decodeUtf8, type Payload } from "../../src/drivers/json-payload.js";
import { decodeObjectEvent, decodeReview, type FrigateObject, type FrigateReview, type TrackedPhase } from "./tracked.js";

/**
 * Pure decoders for what Frigate publishes on MQTT (PROTOCOLS.md §5.3; Frigate docs
 * integrations/mqtt.md). Topics are read relative to the configured prefix (default `frigate`):
 * - `available`: online | offline (broker's last will) | stopped (orderly stop, Frigate ≥ 0.15)
 * - `events` / `reviews`: JSON {type: new|update|end, before, after}
 * - `<camera>/<label>`: object count, an integer, published only when it changes
 * - `<camera>/recordings/state`: ON | OFF (retained, republished when Frigate connects)
 * - `<camera>/status/<role>`: online | offline | disabled, health of the detect/record/audio stream
 * Nothing here throws: every failure is `{ kind: "error", reason }`.
 */
export type FrigateAvailability = "online" | "offline" | "stopped";
export type StreamStatus = "online" | "offline" | "disabled";

export type FrigateDecoded =
  | { kind: "available"; status: FrigateAvailability }
  | { kind: "count"; camera: string; label: string; count: number }
  | { kind: "recordings"; camera: string; on: boolean }
  | { kind: "stream"; camera: string; role: string; status: StreamStatus }
  | { kind: "object"; phase: TrackedPhase; after: FrigateObject; before?: FrigateObject }
  | { kind: "review"; phase: TrackedPhase; after: FrigateReview; before?: FrigateReview }
  /** A well-formed message this driver does not use (stats, snapshots, other toggles). */
  | { kind: "ignored"; reason: string }
  | { kind: "error"; reason: string };

export const DEFAULT_MAX_PAYLOAD_BYTES = 65_536;
/** Frigate's own rule for camera names (config validation): letters, digits, `_` and `-`. */
export const CAMERA_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Far above any room; a larger number is a broken message, not a crowd. */
const MAX_COUNT = 10_000;
const MAX_TEXT_BYTES = 64;

/**
 * Second levels of `<prefix>/<x>/<y>` that are not object counts. Labels never take these names
 * (Frigate's label map has no such objects), so anything else with an integer payload is a count.
 */
const NOT_COUNTS = new Set(["motion", "review_status", "ptz", "state", "set", "recordings", "detect", "snapshots", "audio", "enabled"]);

const err = (reason: string): FrigateDecoded => ({ kind: "error", reason });

/** Short text payloads (ON/OFF, counts, statuses), trimmed; an error text when unreadable. */
function shortText(payload: Payload): { ok: true; text: string } | { ok: false; reason: string } {
  const size = typeof payload === "string" ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_TEXT_BYTES) return { ok: false, reason: `payload too long for a state (${size} bytes)` };
  const text = decodeUtf8(payload);
  return text === undefined ? { ok: false, reason: "payload is not UTF-8" } : { ok: true, text: text.trim() };
}

/** Levels after `<prefix>/`, or undefined when the topic is not under the prefix. */
export function levelsUnder(prefix: string, topic: string): string[] | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  return topic.slice(prefix.length + 1).split("/");
}

export function decodeAvailable(payload: Payload): FrigateDecoded {
  const t = shortText(payload);
  if (!t.ok) return err(t.reason);
  const s = t.text.toLowerCase();
  return s === "online" || s === "offline" || s === "stopped" ? { kind: "available", status: s } : err(`available must be online/offline/stopped, got ${JSON.stringify(t.text.slice(0, 16))}`);
}

export function decodeCount(camera: string, label: string, payload: Payload): FrigateDecoded {
  const t = shortText(payload);
  if (!t.ok) return err(t.reason);
  if (!/^\d{1,6}$/.test(t.text)) return err(`count of ${label} on ${camera} must be a whole number, got ${JSON.stringify(t.text.slice(0, 16))}`);
  const count = Number(t.text);
  return count > MAX_COUNT ? err(`count ${count} out of range`) : { kind: "count", camera, label, count };
}

export function decodeOnOff(camera: string, payload: Payload): FrigateDecoded {
  const t = shortText(payload);
  if (!t.ok) return err(t.reason);
  const s = t.text.toUpperCase();
  return s === "ON" || s === "OFF" ? { kind: "recordings", camera, on: s === "ON" } : err(`recordings state must be ON/OFF, got ${JSON.stringify(t.text.slice(0, 16))}`);
}

export function decodeStreamStatus(camera: string, role: string, payload: Payload): FrigateDecoded {
  const t = shortText(payload);
  if (!t.ok) return err(t.reason);
  const s = t.text.toLowerCase();
  return s === "online" || s === "offline" || s === "disabled" ? { kind: "stream", camera, role, status: s } : err(`status must be online/offline/disabled, got ${JSON.stringify(t.text.slice(0, 16))}`);
}

/** Any message under the prefix. */
export function decodeFrigate(prefix: string, topic: string, payload: Payload, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): FrigateDecoded {
  const levels = levelsUnder(prefix, topic);
  if (!levels) return err(`topic ${topic} is not under ${prefix}/`);
  const [a, b, c, ...rest] = levels as [string, string | undefined, string | undefined, ...string[]];
  if (b === undefined) {
    if (a === "available") return decodeAvailable(payload);
    if (a === "events") return decodeObjectEvent(payload, maxBytes);
    if (a === "reviews") return decodeReview(payload, maxBytes);
    return { kind: "ignored", reason: `unused topic ${topic}` };
  }
  if (!CAMERA_NAME.test(a)) return { kind: "ignored", reason: `not a camera topic: ${topic}` };
  if (c === undefined) {
    if (NOT_COUNTS.has(b) || b.length === 0) return { kind: "ignored", reason: `unused camera topic ${topic}` };
    return decodeCount(a, b, payload);
  }
  if (rest.length > 0) return { kind: "ignored", reason: `unused camera topic ${topic}` };
  if (b === "recordings" && c === "state") return decodeOnOff(a, payload);
  if (b === "status" && c.length > 0) return decodeStreamStatus(a, c, payload);
  return { kind: "ignored", reason: `unused camera topic ${topic}` };
}

/** `<prefix>/<camera>/recordings/set` with ON/OFF: Frigate answers on `…/recordings/state`. */
export function encodeRecordingsSet(prefix: string, camera: string, on: boolean): { topic: string; payload: string } {
  return { topic: `${prefix}/${camera}/recordings/set`, payload: on ? "ON" : "OFF" };
}

/** Topic filters for these cameras: the shared topics, and per camera only what is used. */
export function frigateTopicFilters(prefix: string, cameras: readonly string[], headcountLabel: string, reviews: boolean, objects: boolean): string[] {
  const out = [`${prefix}/available`];
  if (objects) out.push(`${prefix}/events`);
  if (reviews) out.push(`${prefix}/reviews`);
  for (const cam of cameras) out.push(`${prefix}/${cam}/${headcountLabel}`, `${prefix}/${cam}/recordings/state`, `${prefix}/${cam}/status/record`);
  return out;
}
