import { z } from "zod";
import { RoomType } from "../config/zone-types.js";

/**
 * Presence parameters (`presence.params` in the site config). Human-facing units are seconds
 * and metres; the engine works in milliseconds. Everything has a default, so `{}` is valid.
 */
export const ZoneTimingInput = z.strictObject({
  dwellS: z.number().min(0).optional().describe("consistent time in the new room before a move is accepted"),
  minSamples: z.number().int().min(1).optional().describe("consistent samples (distinct device times) before a move is accepted"),
  maxMisses: z.number().int().min(0).optional().describe("contrary samples in a row a pending move survives (border jitter)"),
});
export type ZoneTimingInput = z.infer<typeof ZoneTimingInput>;

export const PresenceParams = z.strictObject({
  offlineTimeoutS: z.number().positive().default(30).describe("silence after which a tag is TAG_OFFLINE (R19: max(3 × interval, 30 s))"),
  onlineSamples: z.number().int().min(1).default(3).describe("samples, each within the offline timeout of the previous, to come back online"),
  missWindowS: z.number().min(0).default(2).describe("a stretch with contrary samples in it counts towards the dwell only if shorter than this"),
  reorderWindowS: z.number().min(0).max(60).default(0).describe("hold samples this long to put late ones back in device-time order; 0 = off"),
  bleWindowS: z.number().positive().default(5).describe("how long a BLE node's distance reading counts"),
  bleMarginM: z.number().min(0).default(1).describe("the nearest room must be nearer than the runner-up by this much"),
  bleMaxDistanceM: z.number().positive().optional().describe("ignore BLE readings farther than this"),
  defaultFloor: z.number().int().default(1).describe("floor of coordinates that carry none"),
  default: ZoneTimingInput.default({}),
  roomTypes: z.partialRecord(RoomType, ZoneTimingInput).default({}),
  rooms: z.record(z.string(), ZoneTimingInput).default({}).describe("per room (or area) id"),
});
export type PresenceParams = z.infer<typeof PresenceParams>;
export type PresenceParamsInput = z.input<typeof PresenceParams>;

/** How hard it is to enter a zone, in engine units. */
export interface ZoneTiming {
  readonly dwellMs: number;
  readonly minSamples: number;
  readonly maxMisses: number;
}

export interface Tuning {
  readonly offlineTimeoutMs: number;
  readonly onlineSamples: number;
  readonly missWindowMs: number;
  readonly reorderWindowMs: number;
  readonly bleWindowMs: number;
  readonly bleMarginM: number;
  readonly bleMaxDistanceM: number;
  readonly defaultFloor: number;
}

/** Built-in timing: corridors are passed through quickly; holding-type rooms must be earned. */
const BUILTIN_DEFAULT: Required<ZoneTimingInput> = { dwellS: 3, minSamples: 3, maxMisses: 1 };
const FAST: ZoneTimingInput = { dwellS: 1, minSamples: 2 };
const SLOW: ZoneTimingInput = { dwellS: 5, minSamples: 3 };
export const BUILTIN_ROOM_TYPES: Partial<Record<RoomType, ZoneTimingInput>> = {
  corridor: FAST,
  sally_port: FAST,
  exit: FAST,
  holding: SLOW,
  holding_juvenile: SLOW,
  waiting: SLOW,
  sobering: SLOW,
};

/**
 * Timing for one zone: built-in default ← built-in room type ← configured default ←
 * configured room type ← configured room. What is configured always wins over what is built in.
 */
export function zoneTiming(params: PresenceParams, zoneId: string, roomType: RoomType | undefined): ZoneTiming {
  const merged = {
    ...BUILTIN_DEFAULT,
    ...(roomType ? BUILTIN_ROOM_TYPES[roomType] : undefined),
    ...params.default,
    ...(roomType ? params.roomTypes[roomType] : undefined),
    ...params.rooms[zoneId],
  };
  return { dwellMs: Math.round(merged.dwellS * 1000), minSamples: merged.minSamples, maxMisses: merged.maxMisses };
}

export function tuning(params: PresenceParams): Tuning {
  return {
    offlineTimeoutMs: Math.round(params.offlineTimeoutS * 1000),
    onlineSamples: params.onlineSamples,
    missWindowMs: Math.round(params.missWindowS * 1000),
    reorderWindowMs: Math.round(params.reorderWindowS * 1000),
    bleWindowMs: Math.round(params.bleWindowS * 1000),
    bleMarginM: params.bleMarginM,
    bleMaxDistanceM: params.bleMaxDistanceM ?? Infinity,
    defaultFloor: params.defaultFloor,
  };
}
