import { parseDeviceTime, parseJsonObject, type Payload } from "../../src/drivers/json-payload.js";
import type { FrigateDecoded } from "./codec.js";

/**
 * Frigate's tracked objects (`<prefix>/events`) and review items (`<prefix>/reviews`, Frigate
 * ≥ 0.14): `{type: new|update|end, before, after}`. Only the fields the daemon reports are kept;
 * unknown fields are ignored so newer Frigate versions keep decoding. Times become epoch ms.
 */
export type TrackedPhase = "new" | "update" | "end";

export interface FrigateObject {
  readonly id: string;
  readonly camera: string;
  readonly label: string;
  /** Recognised name (face, plate); Frigate 0.17 sends `["name", score]`, older a string. */
  readonly subLabel?: string;
  readonly score?: number;
  readonly topScore?: number;
  readonly falsePositive: boolean;
  readonly startTime: number;
  readonly endTime?: number;
  readonly frameTime?: number;
  readonly currentZones: readonly string[];
  readonly enteredZones: readonly string[];
  readonly hasClip: boolean;
  readonly hasSnapshot: boolean;
  readonly stationary?: boolean;
}

export interface FrigateReview {
  readonly id: string;
  readonly camera: string;
  readonly severity: "alert" | "detection";
  readonly startTime: number;
  readonly endTime?: number;
  readonly detections: readonly string[];
  readonly objects: readonly string[];
  readonly subLabels: readonly string[];
  readonly zones: readonly string[];
}

type Json = Record<string, unknown>;
type Field<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_ID = 128;
const MAX_NAME = 64;
const MAX_LIST = 256;
const PHASES = new Set<string>(["new", "update", "end"]);

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const fail = (reason: string) => ({ ok: false as const, reason });
const ok = <T>(value: T) => ({ ok: true as const, value });

function name(v: unknown, what: string, max = MAX_NAME): Field<string> {
  return typeof v === "string" && v.length > 0 && v.length <= max ? ok(v) : fail(`${what} must be a non-empty string of at most ${max} characters`);
}

/** A list of names; non-string entries make it invalid (a list of ids is no place for guesses). */
function names(v: unknown, what: string): Field<string[]> {
  if (v === undefined || v === null) return ok([]);
  if (!Array.isArray(v) || v.length > MAX_LIST) return fail(`${what} must be a list of at most ${MAX_LIST} names`);
  for (const x of v) if (typeof x !== "string" || x.length === 0 || x.length > MAX_ID) return fail(`${what} must hold non-empty strings`);
  return ok(v as string[]);
}

/** Epoch seconds → ms; `null` (not ended yet) is fine where `optional`. */
function time(v: unknown, what: string, optional: boolean): Field<number | undefined> {
  if (optional && (v === null || v === undefined)) return ok(undefined);
  const ms = typeof v === "number" ? parseDeviceTime(v) : undefined;
  return ms === undefined ? fail(`${what} must be epoch seconds`) : ok(ms);
}

function score(v: unknown, what: string): Field<number | undefined> {
  if (v === null || v === undefined) return ok(undefined);
  return typeof v === "number" && v >= 0 && v <= 1 ? ok(v) : fail(`${what} must be 0–1`);
}

function flag(v: unknown, what: string): Field<boolean> {
  if (v === null || v === undefined) return ok(false);
  return typeof v === "boolean" ? ok(v) : fail(`${what} must be a boolean`);
}

function subLabel(v: unknown): Field<string | undefined> {
  if (v === null || v === undefined) return ok(undefined);
  const n = Array.isArray(v) ? v[0] : v;
  return typeof n === "string" && n.length > 0 && n.length <= MAX_ID ? ok(n) : fail("sub_label must be a name or [name, score]");
}

/** Runs field checks in order; the first failure names the side and the field. */
function collect<T>(side: string, fields: { [K in keyof T]: Field<T[K]> }): Field<T> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(fields) as Array<[string, Field<unknown>]>) {
    if (!f.ok) return fail(`${side}: ${f.reason}`);
    if (f.value !== undefined) out[k] = f.value;
  }
  return ok(out as T);
}

function objectOf(v: unknown, side: string): Field<FrigateObject> {
  if (!isObj(v)) return fail(`${side} must be an object`);
  return collect<FrigateObject>(side, {
    id: name(v.id, "id", MAX_ID),
    camera: name(v.camera, "camera"),
    label: name(v.label, "label"),
    subLabel: subLabel(v.sub_label),
    score: score(v.score, "score"),
    topScore: score(v.top_score, "top_score"),
    falsePositive: flag(v.false_positive, "false_positive"),
    startTime: time(v.start_time, "start_time", false) as Field<number>,
    endTime: time(v.end_time, "end_time", true),
    frameTime: time(v.frame_time, "frame_time", true),
    currentZones: names(v.current_zones, "current_zones"),
    enteredZones: names(v.entered_zones, "entered_zones"),
    hasClip: flag(v.has_clip, "has_clip"),
    hasSnapshot: flag(v.has_snapshot, "has_snapshot"),
    stationary: v.stationary === undefined || v.stationary === null ? ok(undefined) : flag(v.stationary, "stationary"),
  });
}

function reviewOf(v: unknown, side: string): Field<FrigateReview> {
  if (!isObj(v)) return fail(`${side} must be an object`);
  const data = v.data === undefined || v.data === null ? {} : v.data;
  if (!isObj(data)) return fail(`${side}: data must be an object`);
  const severity: Field<FrigateReview["severity"]> = v.severity === "alert" || v.severity === "detection" ? ok(v.severity) : fail("severity must be alert or detection");
  return collect<FrigateReview>(side, {
    id: name(v.id, "id", MAX_ID),
    camera: name(v.camera, "camera"),
    severity,
    startTime: time(v.start_time, "start_time", false) as Field<number>,
    endTime: time(v.end_time, "end_time", true),
    detections: names(data.detections, "data.detections"),
    objects: names(data.objects, "data.objects"),
    subLabels: names(data.sub_labels, "data.sub_labels"),
    zones: names(data.zones, "data.zones"),
  });
}

/** The envelope both topics share: a phase, the state after, and (optionally) the one before. */
function tracked<T>(payload: Payload, maxBytes: number, side: (v: unknown, s: string) => Field<T>): { phase: TrackedPhase; after: T; before?: T } | string {
  const parsed = parseJsonObject(payload, maxBytes);
  if (!parsed.ok) return parsed.reason;
  const { type, before, after } = parsed.value;
  if (typeof type !== "string" || !PHASES.has(type)) return "type must be new, update or end";
  const a = side(after, "after");
  if (!a.ok) return a.reason;
  if (before === undefined || before === null) return { phase: type as TrackedPhase, after: a.value };
  const b = side(before, "before");
  if (!b.ok) return b.reason;
  return { phase: type as TrackedPhase, after: a.value, before: b.value };
}

export function decodeObjectEvent(payload: Payload, maxBytes: number): FrigateDecoded {
  const t = tracked(payload, maxBytes, objectOf);
  return typeof t === "string" ? { kind: "error", reason: `events: ${t}` } : { kind: "object", ...t };
}

export function decodeReview(payload: Payload, maxBytes: number): FrigateDecoded {
  const t = tracked(payload, maxBytes, reviewOf);
  return typeof t === "string" ? { kind: "error", reason: `reviews: ${t}` } : { kind: "review", ...t };
}
