import type { ObservationMethod } from "../drivers/contract.js";
import type { PresenceSite } from "./site.js";
import { isValidObservation, voteFor, type NoVoteReason } from "./vote.js";
import type { Candidate, MachineInput, ObservationInput, PresenceEvent, StepResult, TagState, TransitionEvent } from "./types.js";

/**
 * The per-tag presence state machine: step(state, observation | tick) → (state, events).
 * Pure: the input state is never changed, the site is read-only, time comes only from the
 * input. Gateway receive time drives every decision; device time only orders and dedups.
 */
export type IgnoreReason = "invalid" | "stale" | "duplicate" | NoVoteReason;

type MutableState = { -readonly [K in keyof TagState]: TagState[K] };
interface Ctx {
  readonly site: PresenceSite;
  /** Allocated on the first event: most samples produce none. */
  events: PresenceEvent[] | undefined;
  ignored: IgnoreReason[] | undefined;
}

const NO_EVENTS: readonly PresenceEvent[] = Object.freeze([]);

/** A reorder window never holds more than this per tag; beyond it the oldest goes through. */
export const MAX_HELD = 32;

export function newTagState(tagId: string, at: number): TagState {
  return {
    v: 1,
    tagId,
    zoneId: null,
    since: null,
    method: null,
    inferred: false,
    lastInZoneAt: null,
    lastAt: at,
    lastSeenAt: at,
    lastDeviceTime: null,
    staleSince: null,
    staleCount: 0,
    lastVote: null,
    online: true,
    offlineAt: null,
    gap: false,
    recoverCount: 0,
    recoverLastAt: 0,
    candidate: null,
    ble: [],
    held: [],
  };
}

export function step(state: TagState, input: MachineInput, site: PresenceSite): StepResult & { ignored?: readonly IgnoreReason[] } {
  const ctx: Ctx = { site, events: undefined, ignored: undefined };
  let s = state;
  if (input.kind === "tick") {
    s = release(s, input.now, ctx);
    s = silenceCheck(s, input.now, ctx);
  } else if (site.tuning.reorderWindowMs > 0 && input.observation.deviceTime !== undefined && !isExitRead(site, input)) {
    s = release(hold(s, input), input.receivedAt, ctx);
  } else {
    // A sample without device time (or an exit read) is "now": whatever is held came before it.
    s = process(release(s, Infinity, ctx), input, ctx);
  }
  const events = ctx.events ?? NO_EVENTS;
  return ctx.ignored ? { state: s, events, ignored: ctx.ignored } : { state: s, events };
}

function isExitRead(site: PresenceSite, input: ObservationInput): boolean {
  const o = input.observation;
  return o.kind === "reader" && site.readers.get(o.readerId)?.exit === true;
}

function ignore(ctx: Ctx, reason: IgnoreReason): void {
  (ctx.ignored ??= []).push(reason);
}

function emit(ctx: Ctx, e: PresenceEvent): void {
  (ctx.events ??= []).push(e);
}

/** One sample, in order. */
function process(state: TagState, input: ObservationInput, ctx: Ctx): TagState {
  const o = input.observation;
  if (!isValidObservation(o)) {
    ignore(ctx, "invalid");
    return state;
  }
  const d = o.deviceTime;
  const at = Math.max(input.receivedAt, state.lastAt);
  if (d !== undefined && state.lastDeviceTime !== null && d < state.lastDeviceTime) {
    const staleSince = state.staleSince ?? at;
    const staleCount = state.staleCount + 1;
    // A replayed buffer comes as a burst; a device whose clock stepped back keeps sending at its
    // pace. After half the offline timeout of nothing but "old" samples, take the new clock.
    if (staleCount < 3 || at - staleSince < ctx.site.tuning.offlineTimeoutMs / 2) {
      ignore(ctx, "stale");
      return { ...state, staleSince, staleCount };
    }
    state = { ...state, lastDeviceTime: null, lastVote: null };
  }
  const vote = voteFor(ctx.site, o, at, state.ble);
  if (d !== undefined && d === state.lastDeviceTime && vote.zoneId === state.lastVote) {
    // The same moment again (re-delivery, or a second node of one BLE scan): no new evidence.
    ignore(ctx, "duplicate");
    return vote.ble ? { ...state, ble: vote.ble } : state;
  }
  const n: MutableState = { ...state, lastAt: at };
  if (vote.ble) n.ble = vote.ble;
  if (d !== undefined) {
    n.lastDeviceTime = d;
    n.lastVote = vote.zoneId;
    n.staleSince = null;
    n.staleCount = 0;
  }
  goOfflineIfSilent(n, at, ctx);
  n.lastSeenAt = at;
  const exit = vote.zoneId !== null && vote.exit;
  if (!n.online) recover(n, at, exit, o.method, input, ctx);

  if (vote.zoneId === null) ignore(ctx, vote.reason);
  else if (exit) {
    const readerId = o.kind === "reader" ? o.readerId : undefined;
    if (vote.zoneId !== n.zoneId) move(n, vote.zoneId, at, at, input, ctx, readerId);
    else settle(n, at);
  } else tally(n, vote.zoneId, at, ctx.site);

  const c = n.candidate;
  if (n.online && c && isReady(c, ctx.site)) move(n, c.zoneId, c.firstAt, at, input, ctx);
  return n;
}

function isReady(c: Candidate, site: PresenceSite): boolean {
  const t = site.zones.get(c.zoneId)!.timing;
  return c.count >= t.minSamples && c.supportMs >= t.dwellMs;
}

/** The tag is seen in its accepted zone: any pending move and any gap are over. */
function settle(n: MutableState, at: number): void {
  n.lastInZoneAt = at;
  n.candidate = null;
  n.gap = false;
}

function fresh(zoneId: string, at: number, count = 1, firstAt = at): Candidate {
  return { zoneId, firstAt, lastAt: at, supportMs: at - firstAt, count, misses: 0, missZoneId: null, missFirstAt: 0, missCount: 0 };
}

/**
 * Counts one vote towards (or against) the pending move. Up to `maxMisses` contrary votes in a
 * row are tolerated (border jitter), but the time they span counts towards the dwell only when
 * the pending zone is seen again within `missWindowMs`. Past `maxMisses` the pending move is
 * dropped, and if the contrary votes all agreed on another zone, that zone becomes the pending
 * move from its first vote.
 */
function tally(n: MutableState, zoneId: string, at: number, site: PresenceSite): void {
  const c = n.candidate;
  if (zoneId === n.zoneId) {
    if (!c) return settle(n, at);
    n.lastInZoneAt = at;
    if (c.misses + 1 > site.zones.get(c.zoneId)!.timing.maxMisses) return settle(n, at);
    n.candidate = { ...c, misses: c.misses + 1, missZoneId: null };
    return;
  }
  if (!c) {
    n.candidate = fresh(zoneId, at);
    return;
  }
  if (c.zoneId === zoneId) {
    // A stretch with strays in it counts only when short: a pass and one stray much later are no stay.
    const stretch = at - c.lastAt;
    const supported = c.misses === 0 || stretch <= site.tuning.missWindowMs;
    n.candidate = { ...c, count: c.count + 1, lastAt: at, supportMs: c.supportMs + (supported ? stretch : 0), misses: 0, missZoneId: null, missCount: 0 };
    return;
  }
  const first = c.misses === 0;
  const missZoneId = first || c.missZoneId === zoneId ? zoneId : null;
  const missFirstAt = first ? at : c.missFirstAt;
  const missCount = first ? 1 : c.missCount + 1;
  if (c.misses + 1 <= site.zones.get(c.zoneId)!.timing.maxMisses) {
    n.candidate = { ...c, misses: c.misses + 1, missZoneId, missFirstAt, missCount };
  } else {
    n.candidate = missZoneId !== null ? fresh(missZoneId, at, missCount, missFirstAt) : fresh(zoneId, at);
  }
}

/** Accept a move: exit (when there was a zone) then enter, one timestamp, one call. */
function move(n: MutableState, toZoneId: string, movedAt: number, at: number, input: ObservationInput, ctx: Ctx, readerId?: string): void {
  const from = n.zoneId;
  const inferred = n.gap && from !== null;
  const o = input.observation;
  const common = {
    tagId: n.tagId,
    fromZoneId: from,
    toZoneId,
    at,
    movedAt,
    inferred,
    method: o.method,
    ...(o.deviceTime !== undefined ? { deviceTime: o.deviceTime } : {}),
    ...(readerId !== undefined ? { readerId, exitReader: true } : {}),
    ...(input.source ? { source: input.source } : {}),
  };
  if (from !== null) {
    // Across a gap the real exit time is unknown: count the stay up to the last sample there.
    const end = inferred ? (n.lastInZoneAt ?? movedAt) : movedAt;
    const exit: TransitionEvent = { type: "ZONE_EXIT", ...common, dwellMs: Math.max(0, end - (n.since ?? end)) };
    emit(ctx, exit);
  }
  emit(ctx, { type: "ZONE_ENTER", ...common });
  n.zoneId = toZoneId;
  n.since = movedAt;
  n.method = o.method;
  n.inferred = inferred;
  settle(n, at);
}

/** Past the offline timeout without a sample: offline, dated when the timeout ran out. */
function goOfflineIfSilent(n: MutableState, now: number, ctx: Ctx): void {
  const timeout = ctx.site.tuning.offlineTimeoutMs;
  if (!n.online || now - n.lastSeenAt <= timeout) return;
  const at = n.lastSeenAt + timeout;
  emit(ctx, { type: "TAG_OFFLINE", tagId: n.tagId, at, lastSeenAt: n.lastSeenAt, zoneId: n.zoneId });
  n.online = false;
  n.offlineAt = at;
  n.lastAt = Math.max(n.lastAt, at);
  n.gap = n.zoneId !== null;
  n.candidate = null;
  n.recoverCount = 0;
}

/**
 * Hysteresis on the way back: `onlineSamples` samples, each within the offline timeout of the
 * one before, so a tag at the edge of coverage stays offline instead of flapping. An exit
 * exciter read is definitive and brings the tag back at once.
 */
function recover(n: MutableState, at: number, exit: boolean, method: ObservationMethod, input: ObservationInput, ctx: Ctx): void {
  const t = ctx.site.tuning;
  const chained = n.recoverCount > 0 && at - n.recoverLastAt <= t.offlineTimeoutMs;
  n.recoverCount = chained ? n.recoverCount + 1 : 1;
  n.recoverLastAt = at;
  if (!exit && n.recoverCount < t.onlineSamples) return;
  emit(ctx, { type: "TAG_ONLINE", tagId: n.tagId, at, offlineAt: n.offlineAt ?? at, zoneId: n.zoneId, method, ...(input.source ? { source: input.source } : {}) });
  n.online = true;
  n.offlineAt = null;
  n.recoverCount = 0;
}

function silenceCheck(state: TagState, now: number, ctx: Ctx): TagState {
  if (!state.online) return state;
  let heard = state.lastSeenAt;
  for (const h of state.held) heard = Math.max(heard, h.receivedAt);
  if (now - heard <= ctx.site.tuning.offlineTimeoutMs) return state;
  const n: MutableState = { ...state };
  goOfflineIfSilent(n, now, ctx);
  return n;
}

/** Reorder window: keep the sample, sorted by device time (arrival order among equals). */
function hold(state: TagState, input: ObservationInput): TagState {
  const d = input.observation.deviceTime!;
  const held = [...state.held];
  let i = held.length;
  while (i > 0 && held[i - 1]!.observation.deviceTime! > d) i--;
  held.splice(i, 0, input);
  return { ...state, held };
}

/** Let through, in device-time order, what has waited out the window (or overflows it). */
function release(state: TagState, now: number, ctx: Ctx): TagState {
  const window = ctx.site.tuning.reorderWindowMs;
  let s = state;
  while (s.held.length > 0 && (s.held[0]!.receivedAt + window <= now || s.held.length > MAX_HELD)) {
    const [next, ...rest] = s.held;
    s = process({ ...s, held: rest }, next!, ctx);
  }
  return s;
}
