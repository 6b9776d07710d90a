import type { Observation } from "../../src/drivers/contract.js";
import { decodeUtf8, parseDeviceTime, parseJsonObject, type JsonObject, type Payload } from "../../src/drivers/json-payload.js";

export { parseDeviceTime, parseJsonObject, type Payload };

/**
 * Pure decoders for RTLS gateways that publish JSON over MQTT (PROTOCOLS.md §2.2, §2.3):
 * - DWM1001 gateway / LEAPS: `<prefix>/node/<nodeId>/uplink/location|status`, positions in metres
 * - ESPresense: `<prefix>/devices/<deviceId>/<room>` sightings, `<prefix>/rooms/<room>/status`
 * Topics are read from their last levels, so any prefix (also multi-level) works. Nothing here
 * throws on bad input: every failure is a `{ kind: "error", reason }`.
 */
export type RtlsDecoded =
  | { kind: "observation"; observation: Observation }
  /** Per-tag gateway report (battery, presence) or other momentary device news. */
  | { kind: "event"; name: string; data: Record<string, unknown>; deviceTime?: number }
  /** An ESPresense room node went online/offline (its last will says offline). */
  | { kind: "node-status"; nodeId: string; online: boolean }
  /** A well-formed message this driver does not use (config, telemetry, settings). */
  | { kind: "ignored"; reason: string }
  | { kind: "error"; reason: string };

export const DEFAULT_MAX_PAYLOAD_BYTES = 8192;
/** A floor plan larger than 100 km is a broken reading, not a building. */
const MAX_ABS_COORD_M = 100_000;
const MAX_BLE_DISTANCE_M = 1_000;
const MAX_ID_LENGTH = 128;
const NODE_ID = /^[0-9a-f]{1,16}$/;

const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const err = (reason: string): RtlsDecoded => ({ kind: "error", reason });

/** Levels of `topic` after the prefix: `tail(topic, 4)` of `a/dwm/node/0f07/uplink/location` is [node, 0f07, uplink, location]. */
function tail(topic: string, n: number): string[] | undefined {
  const levels = topic.split("/");
  return levels.length >= n ? levels.slice(levels.length - n) : undefined;
}

function dwmNodeId(topic: string, kind: "location" | "status"): string | RtlsDecoded {
  const t = tail(topic, 4);
  if (!t || t[0] !== "node" || t[2] !== "uplink" || t[3] !== kind) return err(`not a DWM ${kind} topic: ${topic}`);
  const id = t[1]!.toLowerCase();
  return NODE_ID.test(id) ? id : err(`bad DWM node id "${t[1]}"`);
}


/** `…/node/<id>/uplink/location` → a `coordinates` observation (metres, quality 0–100 kept). */
export function decodeDwmLocation(topic: string, payload: Payload, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): RtlsDecoded {
  const tagId = dwmNodeId(topic, "location");
  if (typeof tagId !== "string") return tagId;
  const parsed = parseJsonObject(payload, maxBytes);
  if (!parsed.ok) return err(parsed.reason);
  const pos = parsed.value.position;
  if (typeof pos !== "object" || pos === null || Array.isArray(pos)) return err("missing position object");
  const { x, y, z, quality } = pos as JsonObject;
  if (!isFiniteNumber(x) || !isFiniteNumber(y)) return err("position.x/y must be finite numbers");
  if (Math.abs(x) > MAX_ABS_COORD_M || Math.abs(y) > MAX_ABS_COORD_M) return err("position out of range");
  if (z !== undefined && z !== null && (!isFiniteNumber(z) || Math.abs(z) > MAX_ABS_COORD_M)) return err("position.z must be a finite number");
  if (quality !== undefined && quality !== null && (!isFiniteNumber(quality) || quality < 0 || quality > 100)) {
    return err("position.quality must be 0–100");
  }
  const deviceTime = parseDeviceTime(parsed.value.timestamp);
  const observation: Observation = {
    kind: "coordinates",
    tagId,
    x,
    y,
    ...(isFiniteNumber(z) ? { z } : {}),
    ...(isFiniteNumber(quality) ? { quality } : {}),
    method: "uwb",
    ...(deviceTime !== undefined ? { deviceTime } : {}),
  };
  return { kind: "observation", observation };
}

/** `…/node/<id>/uplink/status` → a `tag_status` event (present, battery %, temperature °C). */
export function decodeDwmStatus(topic: string, payload: Payload, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): RtlsDecoded {
  const tagId = dwmNodeId(topic, "status");
  if (typeof tagId !== "string") return tagId;
  const parsed = parseJsonObject(payload, maxBytes);
  if (!parsed.ok) return err(parsed.reason);
  const { present, batt, temp, timestamp } = parsed.value;
  if (typeof present !== "boolean") return err("status.present must be a boolean");
  const data: Record<string, unknown> = { tagId, present };
  if (batt !== undefined) {
    if (!isFiniteNumber(batt) || batt < 0 || batt > 100) return err("status.batt must be 0–100");
    data.battery = batt;
  }
  if (temp !== undefined) {
    if (!isFiniteNumber(temp) || Math.abs(temp) > 200) return err("status.temp must be a finite number");
    data.temperature = temp;
  }
  const deviceTime = parseDeviceTime(timestamp);
  return deviceTime === undefined ? { kind: "event", name: "tag_status", data } : { kind: "event", name: "tag_status", data, deviceTime };
}

/** Any DWM gateway topic: location and status are decoded, the rest (config, data, gateway) ignored. */
export function decodeDwm(topic: string, payload: Payload, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): RtlsDecoded {
  if (topic.endsWith("/uplink/location")) return decodeDwmLocation(topic, payload, maxBytes);
  if (topic.endsWith("/uplink/status")) return decodeDwmStatus(topic, payload, maxBytes);
  return { kind: "ignored", reason: `unused DWM topic ${topic}` };
}

/** ESPresense: sightings on `…/devices/<deviceId>/<room>`, node liveness on `…/rooms/<room>/status`. */
export function decodeEspresense(topic: string, payload: Payload, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): RtlsDecoded {
  const t = tail(topic, 3);
  if (!t) return err(`not an ESPresense topic: ${topic}`);
  if (t[0] === "rooms") {
    if (t[2] !== "status") return { kind: "ignored", reason: `unused ESPresense room topic ${topic}` };
    return decodeRoomStatus(t[1]!, payload);
  }
  if (t[0] !== "devices") return { kind: "ignored", reason: `unused ESPresense topic ${topic}` };
  const [, deviceId, room] = t as [string, string, string];
  if (!deviceId || !room) return err("empty device or room level in topic");
  const parsed = parseJsonObject(payload, maxBytes);
  if (!parsed.ok) return err(parsed.reason);
  const { id, distance, rssi } = parsed.value;
  // ESPresense always sends `id` (the alias when one is configured); the topic level is the same id.
  if (id !== undefined && (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH)) return err("id must be a non-empty string");
  const tagId = (id as string | undefined) ?? deviceId;
  if (tagId.length > MAX_ID_LENGTH) return err("id too long");
  if (!isFiniteNumber(distance) || distance < 0 || distance > MAX_BLE_DISTANCE_M) return err("distance must be a finite number of metres");
  if (rssi !== undefined && (!isFiniteNumber(rssi) || rssi < -200 || rssi > 50)) return err("rssi must be a finite dBm value");
  const observation: Observation = { kind: "ble", tagId, nodeId: room, distance, ...(isFiniteNumber(rssi) ? { rssi } : {}), method: "ble" };
  return { kind: "observation", observation };
}

function decodeRoomStatus(room: string, payload: Payload): RtlsDecoded {
  if (!room) return err("empty room level in topic");
  if ((typeof payload === "string" ? payload.length : payload.byteLength) > 64) return err("room status too long");
  const text = decodeUtf8(payload);
  if (text === undefined) return err("status is not UTF-8");
  const s = text.trim().toLowerCase();
  if (s === "online") return { kind: "node-status", nodeId: room, online: true };
  if (s === "offline") return { kind: "node-status", nodeId: room, online: false };
  return err(`room status must be online/offline, got ${JSON.stringify(text.slice(0, 32))}`);
}

export type RtlsFormat = "dwm" | "espresense";

export function decodeRtls(format: RtlsFormat, topic: string, payload: Payload, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): RtlsDecoded {
  return format === "dwm" ? decodeDwm(topic, payload, maxBytes) : decodeEspresense(topic, payload, maxBytes);
}
