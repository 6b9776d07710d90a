import type { Observation } from "../../src/drivers/contract.js";
import type { PresenceSite } from "../../src/presence/site.js";

/**
 * Random walks for the property tests. A walk is a plan of stays (room, duration, gaps) from
 * fast-check; the per-sample noise — sample spacing, observation kind, border jitter,
 * re-deliveries, swapped deliveries, network delay — comes from a seeded generator, so every
 * run replays exactly from its fast-check seed.
 */
export const WALK_ROOMS = ["hall", "booth", "office-l", "cell-2", "stairs", "reg"] as const;
export type WalkRoom = (typeof WALK_ROOMS)[number];

interface RoomSensors {
  /** Safe box [x0, y0, x1, y1] well inside the room, and its floors. */
  box?: readonly [number, number, number, number];
  floors?: readonly number[];
  readers: readonly string[];
  nodes: readonly string[];
}

const SENSORS: Record<WalkRoom, RoomSensors> = {
  hall: { box: [6, 1, 12, 9], floors: [1], readers: ["lf-hall"], nodes: ["ble-hall"] },
  booth: { box: [14.5, 6.5, 17.5, 8.5], floors: [1], readers: ["lf-booth"], nodes: ["ble-booth"] },
  "office-l": { box: [20.5, 0.5, 23.5, 9.5], floors: [1], readers: [], nodes: [] },
  "cell-2": { box: [1, 1, 9, 9], floors: [2], readers: [], nodes: [] },
  stairs: { box: [30.3, 0.5, 31.7, 9.5], floors: [1, 2], readers: [], nodes: [] },
  reg: { readers: ["lf-reg"], nodes: ["ble-reg-1", "ble-reg-2"] },
};

export interface StaySpec {
  readonly room: WalkRoom;
  /** A pass is shorter than the room's dwell and must never be reported. */
  readonly pass: boolean;
  /** 12–25 s for a stay; for a pass, durMs / 25 000 is the fraction of the room's dwell it lasts. */
  readonly durMs: number;
  /** Silent for longer than the offline timeout before this stay. */
  readonly gapBefore: boolean;
  /** Silent for longer than the offline timeout in the middle of this stay. */
  readonly midGap: boolean;
}

export interface Delivery {
  readonly tagId: string;
  readonly observation: Observation;
  readonly receivedAt: number;
}

export interface ExpectedMove {
  readonly to: WalkRoom;
  readonly inferred: boolean;
  /** Gateway time of the first sample of the stay (or of a pass into the same room just before). */
  readonly startedAt: number;
}

export interface Walk {
  readonly deliveries: Delivery[];
  readonly moves: ExpectedMove[];
  readonly gaps: number;
}

export interface WalkTiming {
  readonly t0: number;
  readonly offlineTimeoutMs: number;
  readonly maxIntervalMs: number;
}

/** mulberry32: small, fast, good enough for test noise. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pass durations stay clear of the room's dwell, so a pass can never be confirmed. Dwell is
 * gateway time: network delay (≤ 300 ms) at either end and a swapped delivery (up to one more
 * interval late) can stretch what the gateway sees.
 */
export function passDuration(site: PresenceSite, room: WalkRoom, fraction: number, maxIntervalMs: number): number {
  const dwell = site.zones.get(room)!.timing.dwellMs;
  return Math.max(0, Math.floor((dwell - 2 * 300 - maxIntervalMs - 100) * fraction));
}

interface Sample {
  room: WalkRoom;
  t: number;
  jitter: boolean;
}

export function buildWalk(site: PresenceSite, tagId: string, plan: readonly StaySpec[], seed: number, timing: WalkTiming): Walk {
  const r = rng(seed);
  const between = (a: number, b: number) => a + r() * (b - a);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const interval = () => Math.round(between(200, timing.maxIntervalMs));
  const gap = () => timing.offlineTimeoutMs + Math.round(between(1000, 10_000));

  const samples: Sample[] = [];
  const moves: ExpectedMove[] = [];
  let gaps = 0;
  let t = 0;
  let current: WalkRoom | null = null;
  let pending: { room: WalkRoom; startedAt: number } | null = null; // a pass that may merge with the next stay
  // A pass needs real stays on both sides: two passes in a row would add up to a stay.
  const isPass: boolean[] = [];
  plan.forEach((stay, i) => isPass.push(stay.pass && i > 0 && !isPass[i - 1]));
  plan.forEach((stay, i) => {
    const pass = isPass[i]!;
    const gapBefore = stay.gapBefore && !pass && i > 0 && !isPass[i - 1];
    if (i > 0) t += gapBefore ? gap() : interval();
    if (gapBefore) gaps++;
    const start = t;
    let end = start + (pass ? passDuration(site, stay.room, stay.durMs / 25_000, timing.maxIntervalMs) : stay.durMs);
    // Gap 11 s in (the move is confirmed by then), at least 5 s of stay after it to come back online.
    const midGapAt = stay.midGap && !pass && stay.durMs >= 16_000 ? start + 11_000 : null;
    const first = samples.length;
    let afterGap: number | null = null; // index of the first sample after the mid-stay gap
    while (t <= end || samples.length === first) {
      samples.push({ room: stay.room, t, jitter: false });
      t += interval();
      if (midGapAt !== null && afterGap === null && t >= midGapAt) {
        const g = gap();
        t += g;
        end += g;
        gaps++;
        afterGap = samples.length;
      }
    }
    t = samples[samples.length - 1]!.t;
    if (pass) {
      pending = { room: stay.room, startedAt: start };
      return;
    }
    markJitter(samples, first, r, afterGap);
    if (stay.room !== current) {
      const startedAt: number = pending?.room === stay.room ? pending.startedAt : start;
      moves.push({ to: stay.room, inferred: gapBefore && current !== null, startedAt: timing.t0 + startedAt });
      current = stay.room;
    }
    pending = null;
  });

  return { deliveries: deliver(samples, tagId, r, between, pick, timing.t0), moves, gaps };
}

/**
 * Isolated wrong-room samples, six apart and six from the stay's ends or a mid-stay gap (and
 * clear of the BLE window at the start), so that even after swapped deliveries are dropped and
 * BLE readings turn ambiguous, two right samples come between a stray and anything like it.
 */
function markJitter(samples: Sample[], first: number, r: () => number, afterGap: number | null): void {
  let last = -10;
  const start = samples[first]!.t;
  for (let i = first + 6; i < samples.length - 6; i++) {
    const s = samples[i]!;
    const nearGap = (afterGap !== null && i >= afterGap - 6 && i < afterGap + 6) || s.t - start < 2_500;
    if (!nearGap && i - last >= 6 && r() < 0.15) {
      const others = WALK_ROOMS.filter((x) => x !== s.room);
      samples[i] = { room: others[Math.floor(r() * others.length)]!, t: s.t, jitter: true };
      last = i;
    }
  }
}

function observe(room: WalkRoom, jitter: boolean, tagId: string, t: number, between: (a: number, b: number) => number, pick: <T>(xs: readonly T[]) => T, t0: number): Observation {
  const s = SENSORS[room];
  const kinds = [...(s.box ? ["coordinates"] : []), ...(s.readers.length ? ["reader"] : []), ...(s.nodes.length ? ["ble"] : [])];
  const kind = pick(kinds);
  const deviceTime = between(0, 1) < 0.85 ? { deviceTime: t0 + t } : {};
  if (kind === "coordinates") {
    const [x0, y0, x1, y1] = s.box!;
    return { kind: "coordinates", tagId, x: between(x0, x1), y: between(y0, y1), floor: pick(s.floors!), quality: 80, method: "uwb", ...deviceTime };
  }
  if (kind === "reader") return { kind: "reader", tagId, readerId: pick(s.readers), method: "lf_exciter", ...deviceTime };
  // A stray BLE reading is weak; a true one is near.
  return { kind: "ble", tagId, nodeId: pick(s.nodes), distance: jitter ? between(2.5, 4) : between(0.3, 1.2), method: "ble", ...deviceTime };
}

/** Network: delay, occasional re-delivery, occasional swap of neighbours; gateway time never goes back. */
function deliver(samples: Sample[], tagId: string, r: () => number, between: (a: number, b: number) => number, pick: <T>(xs: readonly T[]) => T, t0: number): Delivery[] {
  const obs = samples.map((s) => ({ s, o: observe(s.room, s.jitter, tagId, s.t, between, pick, t0) }));
  for (let i = 0; i + 1 < obs.length; i++) {
    const closeInTime = obs[i + 1]!.s.t - obs[i]!.s.t < 2_000;
    if (closeInTime && r() < 0.08) {
      [obs[i], obs[i + 1]] = [obs[i + 1]!, obs[i]!];
      i++;
    }
  }
  const out: Delivery[] = [];
  let last = t0;
  for (const { s, o } of obs) {
    last = Math.max(last + 1, t0 + s.t + Math.round(between(0, 300)));
    out.push({ tagId, observation: o, receivedAt: last });
    // Only a sample with a device time can be told from a new one when it comes again.
    if (o.deviceTime !== undefined && r() < 0.08) {
      last += Math.round(between(1, 50));
      out.push({ tagId, observation: o, receivedAt: last });
    }
  }
  return out;
}
