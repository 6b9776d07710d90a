import type { EventDraft, EventSource, PersonRole } from "../core/envelope.js";
import type { Logger } from "../core/logger.js";
import type { Observation, ObservationMethod } from "../drivers/contract.js";
import { subjectKey, subjectOf, type SubjectRef, type TagBindings } from "./bindings.js";
import { toDraft } from "./drafts.js";
import { DwellLedger, type DwellRow } from "./dwell.js";
import { Occupancy, type ZoneOccupancy } from "./occupancy.js";
import type { PresenceStore } from "./persist.js";
import type { PresenceSite } from "./site.js";
import { newTagState, step, type IgnoreReason } from "./tag-machine.js";
import type { MachineInput, PresenceEvent, TagState } from "./types.js";

export interface PresenceEngineOptions {
  readonly site: PresenceSite;
  readonly bindings: TagBindings;
  /**
   * Gets the drafts of one step, in order, in one synchronous call (exit before enter), so
   * the caller stamps them with consecutive seq. With a store, it runs inside the store's
   * transaction: a sink that writes the events to the same database synchronously makes
   * state and events commit together. If it throws, nothing of that step is kept.
   */
  readonly sink: (drafts: readonly EventDraft[]) => void;
  /** Durable state; without one the engine runs in memory (bench, tests). */
  readonly store?: PresenceStore;
  /** Room changes and tag liveness are logged at info. */
  readonly log?: Logger;
}

export interface TagLocation {
  readonly tagId: string;
  readonly subject: SubjectRef;
  readonly role?: PersonRole;
  readonly sessionId?: string;
  /** Null until the tag's first move was accepted. */
  readonly zoneId: string | null;
  readonly roomId?: string;
  readonly areaId?: string;
  readonly since: number | null;
  readonly method: ObservationMethod | null;
  /** The move into this zone was inferred across an offline gap. */
  readonly inferred: boolean;
  readonly online: boolean;
  readonly lastSeenAt: number;
}

export interface PresenceStats {
  observations: number;
  ticks: number;
  transitions: number;
  offline: number;
  online: number;
  ignored: Partial<Record<IgnoreReason, number>>;
}

/**
 * Runs one tag machine per tag, keeps occupancy and dwell, persists state and hands events
 * to the sink. Call `tick(now)` about once a second: it detects silent tags, releases the
 * reorder window and writes pending state to the store.
 */
export class PresenceEngine {
  private readonly tags = new Map<string, TagState>();
  private readonly dirty = new Set<string>();
  private readonly occupancyIndex: Occupancy;
  private readonly ledger: DwellLedger;
  private readonly counters: PresenceStats = { observations: 0, ticks: 0, transitions: 0, offline: 0, online: 0, ignored: {} };

  constructor(private readonly opts: PresenceEngineOptions) {
    this.occupancyIndex = new Occupancy(opts.site, opts.bindings);
    const loaded = opts.store?.load() ?? { tags: [], dwell: [], skipped: [] };
    if (loaded.skipped.length > 0) opts.log?.warn({ tagIds: loaded.skipped }, "presence: unreadable stored tag state skipped");
    this.ledger = new DwellLedger(loaded.dwell);
    for (const stored of loaded.tags) {
      const s = this.forSite(stored);
      this.tags.set(s.tagId, s);
      if (s.zoneId !== null) this.occupancyIndex.place(s.tagId, s.zoneId, s.since ?? s.lastAt, s.since ?? s.lastAt, s.online);
    }
  }

  ingest(observation: Observation, receivedAt: number, source?: EventSource): void {
    this.counters.observations++;
    const tagId = observation.tagId;
    const prev = this.tags.get(tagId) ?? newTagState(tagId, receivedAt);
    const input: MachineInput = source ? { kind: "observation", observation, receivedAt, source } : { kind: "observation", observation, receivedAt };
    this.apply(prev, step(prev, input, this.opts.site));
  }

  tick(now: number): void {
    this.counters.ticks++;
    for (const prev of this.tags.values()) {
      if (prev.online || prev.held.length > 0) this.apply(prev, step(prev, { kind: "tick", now }, this.opts.site));
    }
    this.flush();
  }

  /** Writes state that changed without a transition (pending moves, liveness). */
  flush(): void {
    const store = this.opts.store;
    if (!store || this.dirty.size === 0) return;
    const states = [...this.dirty].map((id) => this.tags.get(id)!);
    store.transaction(() => store.saveTags(states));
    this.dirty.clear();
  }

  close(): void {
    this.flush();
  }

  location(tagId: string): TagLocation | undefined {
    const s = this.tags.get(tagId);
    if (!s) return undefined;
    const binding = this.opts.bindings.lookup(tagId);
    const zone = s.zoneId === null ? undefined : this.opts.site.zones.get(s.zoneId);
    return {
      tagId,
      subject: subjectOf(tagId, binding),
      ...(binding ? { role: binding.role } : {}),
      ...(binding?.sessionId !== undefined ? { sessionId: binding.sessionId } : {}),
      zoneId: s.zoneId,
      ...(zone?.kind === "room" ? { roomId: zone.id } : {}),
      ...(zone ? { areaId: zone.areaId } : {}),
      since: s.since,
      method: s.method,
      inferred: s.inferred,
      online: s.online,
      lastSeenAt: s.lastSeenAt,
    };
  }

  tagIds(): string[] {
    return [...this.tags.keys()];
  }

  occupancy(zoneId: string): ZoneOccupancy {
    return this.occupancyIndex.of(zoneId);
  }

  occupancyAll(): ZoneOccupancy[] {
    return this.occupancyIndex.all();
  }

  /** Time a subject spent in a room (or area: the sum of its rooms), the open visit up to `now` included. */
  dwellMs(subject: SubjectRef, zoneId: string, now: number): number {
    const zone = this.opts.site.zones.get(zoneId);
    const zoneIds = zone?.kind === "area" ? [zoneId, ...(this.opts.site.areas.get(zoneId) ?? [])] : [zoneId];
    const key = subjectKey(subject);
    const open = this.occupancyIndex.of(zoneId).occupants.find((o) => subjectKey(o.subject) === key);
    return this.ledger.total(subject, zoneIds) + (open ? Math.max(0, now - open.since) : 0);
  }

  /** Drop a subject's dwell totals (custody calls this when a session ends). */
  forgetDwell(subject: SubjectRef): void {
    this.ledger.forget(subject);
    this.opts.store?.forgetDwell(subjectKey(subject));
  }

  /** The machine state of one tag (read-only; for diagnostics and tests). */
  state(tagId: string): TagState | undefined {
    return this.tags.get(tagId);
  }

  stats(): PresenceStats {
    return { ...this.counters, ignored: { ...this.counters.ignored } };
  }

  private apply(prev: TagState, r: ReturnType<typeof step>): void {
    if (r.ignored) for (const reason of r.ignored) this.counters.ignored[reason] = (this.counters.ignored[reason] ?? 0) + 1;
    if (r.events.length === 0) {
      if (r.state !== prev) {
        this.tags.set(r.state.tagId, r.state);
        if (this.opts.store) this.dirty.add(r.state.tagId);
      }
      return;
    }
    this.commit(r.state, r.events);
  }

  /** Persist state and dwell, hand the drafts to the sink; only then make it visible. */
  private commit(state: TagState, events: readonly PresenceEvent[]): void {
    const { site, bindings, sink, store } = this.opts;
    const binding = bindings.lookup(state.tagId);
    const drafts = events.map((e) => toDraft(e, site, binding));
    const subject = subjectOf(state.tagId, binding);
    // One step may hold several moves (a reorder window releasing a burst): sum per zone.
    const rows = new Map<string, DwellRow>();
    for (const e of events) {
      if (e.type !== "ZONE_EXIT" || e.fromZoneId === null) continue;
      const before = rows.get(e.fromZoneId);
      const ms = e.dwellMs ?? 0;
      rows.set(e.fromZoneId, before ? { ...before, totalMs: before.totalMs + ms } : this.ledger.preview(subject, e.fromZoneId, ms));
    }
    const dwell = [...rows.values()];
    if (store) {
      store.transaction(() => {
        store.saveTags([state]);
        store.saveDwell(dwell);
        sink(drafts);
      });
      this.dirty.delete(state.tagId);
    } else sink(drafts);

    this.tags.set(state.tagId, state);
    for (const row of dwell) this.ledger.apply(row);
    for (const e of events) this.reflect(e, binding);
  }

  private reflect(e: PresenceEvent, binding: ReturnType<TagBindings["lookup"]>): void {
    const log = this.opts.log;
    const who = binding ? { personId: binding.personId, role: binding.role } : {};
    switch (e.type) {
      case "ZONE_ENTER":
        this.counters.transitions++;
        this.occupancyIndex.place(e.tagId, e.toZoneId, e.movedAt, e.at);
        log?.info({ tagId: e.tagId, ...who, from: e.fromZoneId, to: e.toZoneId, method: e.method, inferred: e.inferred }, "room change");
        break;
      case "ZONE_EXIT":
        break;
      case "TAG_OFFLINE":
        this.counters.offline++;
        this.occupancyIndex.setOnline(e.tagId, false);
        log?.info({ tagId: e.tagId, ...who, zoneId: e.zoneId, lastSeenAt: e.lastSeenAt }, "tag offline");
        break;
      case "TAG_ONLINE":
        this.counters.online++;
        this.occupancyIndex.setOnline(e.tagId, true);
        log?.info({ tagId: e.tagId, ...who, zoneId: e.zoneId, offlineMs: e.at - e.offlineAt }, "tag online");
        break;
    }
  }

  /** Stored state from an older site config: forget pending moves into zones that are gone. */
  private forSite(s: TagState): TagState {
    const zones = this.opts.site.zones;
    const candidate = s.candidate && zones.has(s.candidate.zoneId) ? s.candidate : null;
    const ble = s.ble.filter((r) => zones.has(r.zoneId));
    return candidate === s.candidate && ble.length === s.ble.length ? s : { ...s, candidate, ble };
  }
}
