import type { Clock } from "../core/clock.js";
import type { EventDraft } from "../core/envelope.js";
import type { Logger } from "../core/logger.js";
import type { AlarmCommandResult, AlarmCommands, AlarmResolution } from "../custody/alarm-commands.js";
import { alarmDraft, type Placement } from "./alarm-events.js";
import type { AlarmStore } from "./alarm-store.js";
import type { Alarm, AlarmAction } from "./alarm-types.js";
import { AlarmBook, type AlarmBookSnapshot, type AlarmChange, type TransitionResult } from "./alarms.js";
import type { Detector, RuleEvent, RuleInput } from "./detector.js";
import { RUNTIME_DETECTORS } from "./detectors/index.js";
import { withMove } from "./move-overlay.js";
import type { RuleParams } from "./params.js";
import type { RuleView } from "./view.js";

export interface RuleEngineOptions {
  readonly params: RuleParams;
  /** The view of custody and presence at `now` (the real one reads the custody service and the presence engine). */
  readonly view: (now: number) => RuleView;
  readonly clock: Clock;
  /**
   * Gets the drafts of one step (alarm events and rule events) in one synchronous call. With a
   * store it runs inside the store's transaction together with the alarm rows it describes.
   */
  readonly sink: (drafts: readonly EventDraft[]) => void;
  readonly store?: AlarmStore;
  readonly detectors?: readonly Detector[];
  readonly log?: Logger;
  readonly newId?: (now: number) => string;
  /**
   * Gets what the detectors asked for (raise/clear, before dedup) after each step, for the
   * actions layer's alarm bindings (siren, perimeter locks, camera). Not called for applyActions.
   */
  readonly onActions?: (actions: readonly AlarmAction[]) => void;
}

export interface RuleEngineStats {
  events: number;
  ticks: number;
  steps: number;
  raised: number;
  deferred: number;
  errors: number;
}

const BOOK_KEY = "_alarm_book";

/**
 * Runs the runtime detectors over events and ticks, keeps their states, and turns what they
 * ask for into alarm lifecycle changes and events. `handle` processes an event at once, also
 * from inside presence's sink (the event's move is laid over the view, move-overlay.ts);
 * `enqueue` + `drain` lets a caller batch. Call `tick` about once a second.
 */
export class RuleEngine implements AlarmCommands {
  private readonly detectors: readonly Detector[];
  private readonly byType = new Map<string, Detector[]>();
  private readonly ticking: Detector[];
  private readonly states = new Map<string, unknown>();
  private readonly dirty = new Set<string>();
  private readonly book: AlarmBook;
  private readonly queue: RuleEvent[] = [];
  private busy = false;
  private bookDirty = false;
  private readonly counters: RuleEngineStats = { events: 0, ticks: 0, steps: 0, raised: 0, deferred: 0, errors: 0 };

  constructor(private readonly opts: RuleEngineOptions) {
    this.detectors = opts.detectors ?? RUNTIME_DETECTORS;
    for (const d of this.detectors) for (const t of d.events) this.byType.set(t, [...(this.byType.get(t) ?? []), d]);
    this.ticking = this.detectors.filter((d) => d.tick);
    this.book = new AlarmBook(opts.params.R37, opts.newId);
    const stored = opts.store?.loadStates() ?? new Map<string, unknown>();
    for (const d of this.detectors) this.states.set(d.id, restored(d, stored.get(d.id)));
    this.book.load(opts.store?.loadOpen() ?? [], stored.get(BOOK_KEY) as AlarmBookSnapshot | undefined);
  }

  /** Processes an event now (queued behind one in progress when called from inside the sink). */
  handle(event: RuleEvent): void {
    this.enqueue(event);
    this.drain();
  }

  enqueue(event: RuleEvent): void {
    if (this.byType.has(event.type)) this.queue.push(event);
  }

  drain(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let e = this.queue.shift(); e !== undefined; e = this.queue.shift()) {
        this.counters.events++;
        this.run({ kind: "event", event: e }, this.byType.get(e.type) ?? [], e.receivedAt);
      }
    } finally {
      this.busy = false;
    }
  }

  tick(now: number = this.opts.clock.now()): void {
    this.drain();
    this.counters.ticks++;
    this.busy = true;
    try {
      this.run({ kind: "tick", now }, this.ticking, now);
    } finally {
      this.busy = false;
    }
    this.drain(); // events the sink handed back while the tick ran
    this.flush();
  }

  /**
   * Alarm actions raised outside the detectors (doors R32–R35, duress R36 from src/actions) go
   * through the same lifecycle: dedup, re-notification, rate limits, store and events.
   */
  applyActions(actions: readonly AlarmAction[], now: number = this.opts.clock.now()): void {
    if (actions.length === 0) return;
    const changes = actions.flatMap((a) => this.book.apply(a, now));
    this.commit(changes, [], now);
  }

  /** Writes detector states and the lifecycle side state that changed since the last flush. */
  flush(): void {
    const store = this.opts.store;
    if (!store || (this.dirty.size === 0 && !this.bookDirty)) return;
    const versions = new Map(this.detectors.map((d) => [d.id, d.version ?? 1]));
    const rows: [string, unknown][] = [...this.dirty].map((id) => [id, { v: versions.get(id), state: this.states.get(id) }]);
    if (this.bookDirty) rows.push([BOOK_KEY, this.book.snapshot()]);
    store.transaction(() => store.saveStates(rows));
    this.dirty.clear();
    this.bookDirty = false;
  }

  close(): void {
    this.drain();
    this.flush();
  }

  openAlarms(): Alarm[] {
    return this.book.openAlarms();
  }

  alarm(alarmId: string): Alarm | undefined {
    return this.book.get(alarmId) ?? this.opts.store?.get(alarmId);
  }

  stats(): RuleEngineStats & { held: number; open: number } {
    return { ...this.counters, held: this.book.limiterStats().held, open: this.book.openAlarms().length };
  }

  /**
   * raised → acknowledged (AlarmCommands, called by the custody command API `ack_alarm`). `by`
   * is "operator:<id>" or "central:<id>"; acknowledging stops a critical alarm's re-notification.
   */
  acknowledge(alarmId: string, by: string, note?: string): AlarmCommandResult {
    return this.command(alarmId, (now) => this.book.acknowledge(alarmId, by, note, now));
  }

  /**
   * raised | acknowledged → resolved | false_alarm | ignored (`resolve_alarm`). Calling an alarm
   * false or ignoring it needs a note saying why; a resolution's note is its resolution text.
   */
  resolve(alarmId: string, by: string, resolution: AlarmResolution, note?: string): AlarmCommandResult {
    const texts = resolution === "resolved" ? { resolution: note?.trim() ? note : "resolved" } : { resolution: resolution === "ignored" ? "ignored" : "false alarm", ...(note !== undefined ? { note } : {}) };
    return this.command(alarmId, (now) => this.book.close(alarmId, resolution, by, texts, now));
  }

  private command(alarmId: string, apply: (now: number) => TransitionResult): AlarmCommandResult {
    const now = this.opts.clock.now();
    const r = apply(now);
    if (!r.ok) {
      const closed = r.code === "not_found" ? this.opts.store?.get(alarmId) : undefined;
      if (closed) return { ok: false, code: "invalid_transition", message: `alarm ${alarmId} is already ${closed.state}` };
      return r;
    }
    this.commit([r.change], [], now);
    return { ok: true, alarm: r.change.alarm };
  }

  private run(input: RuleInput, detectors: readonly Detector[], now: number): void {
    if (detectors.length === 0 && input.kind === "event") return;
    const view = input.kind === "event" ? withMove(this.opts.view(now), input.event) : this.opts.view(now);
    const changes: AlarmChange[] = [];
    const events: EventDraft[] = [];
    const asked: AlarmAction[] = [];
    for (const d of detectors) {
      this.counters.steps++;
      try {
        const prev = this.states.get(d.id);
        const r = d.step(prev, input, view, this.opts.params);
        if (r.state !== prev) {
          this.states.set(d.id, r.state);
          this.dirty.add(d.id);
        }
        for (const a of r.actions) changes.push(...this.book.apply(a, now));
        asked.push(...r.actions);
        if (r.events) events.push(...r.events.map((e) => this.placed(e, view)));
      } catch (err) {
        // One broken detector must not silence the others (Traccar's handler isolation).
        this.counters.errors++;
        this.opts.log?.error({ err, detector: d.id, input: input.kind === "tick" ? "tick" : input.event.type }, "rule detector failed");
      }
    }
    if (input.kind === "tick") changes.push(...this.book.tick(now));
    this.commit(changes, events, now, view);
    if (asked.length > 0) this.opts.onActions?.(asked);
  }

  private commit(changes: readonly AlarmChange[], events: readonly EventDraft[], now: number, view?: RuleView): void {
    if (changes.length === 0 && events.length === 0) return;
    const v = view ?? this.opts.view(now);
    const place: Placement = (zoneId) => placement(v, zoneId);
    const drafts = [...events, ...changes.map((c) => alarmDraft(c, now, place))];
    const alarms = changes.flatMap((c) => (c.kind === "deferred" ? [] : [c.alarm]));
    for (const c of changes) {
      if (c.kind === "raised") this.counters.raised++;
      if (c.kind === "deferred") this.counters.deferred++;
    }
    if (changes.length > 0) this.bookDirty = true;
    const store = this.opts.store;
    if (store) store.transaction(() => {
      store.save(alarms);
      this.opts.sink(drafts);
    });
    else this.opts.sink(drafts);
  }

  private placed(e: EventDraft, view: RuleView): EventDraft {
    return e.roomId !== undefined && e.zoneId === undefined ? { ...e, ...placement(view, e.roomId) } : e;
  }
}

/** A stored detector state, if it was written by the same version of the detector. */
function restored(d: Detector, stored: unknown): unknown {
  const row = stored as { v?: unknown; state?: unknown } | undefined;
  return row !== undefined && row !== null && row.v === (d.version ?? 1) && row.state !== undefined ? row.state : d.initial();
}

function placement(view: RuleView, zoneId: string): { zoneId?: string; roomId?: string } {
  const room = view.presence.room(zoneId);
  return room ? { zoneId: room.areaId, roomId: room.id } : { zoneId };
}
