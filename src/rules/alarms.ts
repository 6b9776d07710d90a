import { uuidv7 } from "../core/ids.js";
import type { Alarm, AlarmAction, AlarmState } from "./alarm-types.js";
import type { RaiseAction } from "./dwell-conditions.js";
import type { RuleParams } from "./params.js";
import { DeviceHealthLimiter, type LimiterSnapshot } from "./rate-limit.js";

/** What happened to an alarm; the engine turns each into an ALARM_* event and a stored row. */
export type AlarmChange =
  | { readonly kind: "raised" | "updated" | "renotified" | "acknowledged" | "resolved" | "false_alarm" | "ignored"; readonly alarm: Alarm; readonly actor: string }
  | { readonly kind: "deferred"; readonly action: RaiseAction; readonly at: number; readonly actor: string };

/** Alarm types a detector may never close: a duress alarm stays until a person handles it (R36). A raise may also say `data.autoClear: false`. */
export const NEVER_AUTO_CLEAR: ReadonlySet<string> = new Set(["OFFICER_DURESS"]);

/** Closing states an operator can choose, with the text each requires. */
const CLOSING: Record<"resolved" | "false_alarm" | "ignored", "resolution" | "note"> = { resolved: "resolution", false_alarm: "note", ignored: "note" };

export type TransitionResult = { ok: true; change: AlarmChange & { alarm: Alarm } } | { ok: false; code: "not_found" | "invalid_transition" | "invalid_input"; message: string };

export interface AlarmBookSnapshot {
  readonly limiter: LimiterSnapshot;
  readonly notifiedAt: Record<string, number>;
}

/**
 * The open alarms and their lifecycle (R37): dedup by key while unresolved (update lastAt and
 * count), raised → acknowledged → resolved | false_alarm | ignored, re-notification of
 * unacknowledged critical alarms, and the device-health rate limit. Closed alarms leave the
 * book (the store keeps them); the same key then starts a new alarm.
 */
export class AlarmBook {
  private readonly open = new Map<string, Alarm>();
  private readonly keyOf = new Map<string, string>();
  private notifiedAt: Record<string, number> = {};
  private readonly limiter: DeviceHealthLimiter;

  constructor(
    private readonly p: RuleParams["R37"],
    private readonly newId: (now: number) => string = uuidv7,
  ) {
    this.limiter = new DeviceHealthLimiter(p);
  }

  /** Open alarms from the store, and the limiter/notification state, after a restart. */
  load(alarms: Iterable<Alarm>, snapshot?: AlarmBookSnapshot): void {
    for (const a of alarms) this.put(a);
    this.limiter.restore(snapshot?.limiter);
    this.notifiedAt = { ...(snapshot?.notifiedAt ?? {}) };
  }

  snapshot(): AlarmBookSnapshot {
    return { limiter: this.limiter.snapshot(), notifiedAt: { ...this.notifiedAt } };
  }

  apply(action: AlarmAction, now: number): AlarmChange[] {
    return action.kind === "raise" ? this.raise(action, now) : this.clear(action.dedupKey, action.reason, now);
  }

  /** Releases held device-health raises and re-notifies unacknowledged critical alarms. */
  tick(now: number): AlarmChange[] {
    const out: AlarmChange[] = [];
    for (const h of this.limiter.release(now)) out.push(...this.create(h.action, h.at, now, h.count, { deferredMs: now - h.at }));
    for (const a of this.open.values()) {
      if (a.severity < 4 || a.state !== "raised") continue;
      if (now - (this.notifiedAt[a.alarmId] ?? -Infinity) < this.p.renotifyS * 1000) continue;
      this.notifiedAt[a.alarmId] = now;
      out.push({ kind: "renotified", alarm: a, actor: `rule:${a.ruleId}` });
    }
    return out;
  }

  acknowledge(alarmId: string, by: string, note: string | undefined, now: number): TransitionResult {
    const a = this.find(alarmId);
    if (!a) return { ok: false, code: "not_found", message: `no open alarm ${alarmId}` };
    if (!by.trim()) return { ok: false, code: "invalid_input", message: "who acknowledges must be given" };
    if (a.state !== "raised") return { ok: false, code: "invalid_transition", message: `alarm ${alarmId} is ${a.state}` };
    const next: Alarm = { ...a, state: "acknowledged", ackBy: by, ackAt: now, ...(note ? { note } : {}) };
    this.put(next);
    delete this.notifiedAt[alarmId];
    return { ok: true, change: { kind: "acknowledged", alarm: next, actor: by } };
  }

  close(alarmId: string, state: keyof typeof CLOSING, by: string, texts: { resolution?: string; note?: string }, now: number): TransitionResult {
    const a = this.find(alarmId);
    if (!a) return { ok: false, code: "not_found", message: `no open alarm ${alarmId}` };
    if (!by.trim()) return { ok: false, code: "invalid_input", message: "who closes the alarm must be given" };
    if (!texts[CLOSING[state]]?.trim()) return { ok: false, code: "invalid_input", message: `${state} needs a ${CLOSING[state]}` };
    const alarm = this.closed(a, state, by, now, texts);
    return { ok: true, change: { kind: state, alarm, actor: by } };
  }

  get(alarmId: string): Alarm | undefined {
    return this.find(alarmId);
  }

  openAlarms(): Alarm[] {
    return [...this.open.values()];
  }

  byKey(dedupKey: string): Alarm | undefined {
    return this.open.get(dedupKey);
  }

  limiterStats(): ReturnType<DeviceHealthLimiter["stats"]> {
    return this.limiter.stats();
  }

  private raise(action: RaiseAction, now: number): AlarmChange[] {
    const existing = this.open.get(action.dedupKey);
    const actor = `rule:${action.ruleId}`;
    if (existing) {
      const { conditionClearedAt: _, ...data } = { ...existing.data, ...(action.data ?? {}) };
      const next: Alarm = {
        ...existing,
        lastAt: now,
        count: existing.count + 1,
        severity: Math.max(existing.severity, action.severity) as Alarm["severity"],
        message: action.message,
        params: action.params,
        data,
      };
      this.put(next);
      return [{ kind: "updated", alarm: next, actor }];
    }
    const held = this.limiter.isHeld(action.type, action.dedupKey);
    if (!this.limiter.admit(action, now)) return held ? [] : [{ kind: "deferred", action, at: now, actor }];
    return this.create(action, now, now, 1, {});
  }

  private create(action: RaiseAction, firstAt: number, now: number, count: number, extra: Record<string, unknown>): AlarmChange[] {
    if (this.open.has(action.dedupKey)) return this.raise(action, now);
    const alarm: Alarm = {
      alarmId: this.newId(now),
      type: action.type,
      ruleId: action.ruleId,
      severity: action.severity,
      state: "raised",
      dedupKey: action.dedupKey,
      firstAt,
      lastAt: now,
      count,
      ...(action.zoneId !== undefined ? { zoneId: action.zoneId } : {}),
      subjects: [...action.subjects],
      relatedPersonIds: [...(action.relatedPersonIds ?? [])],
      message: action.message,
      params: action.params,
      data: { ...(action.data ?? {}), ...extra },
    };
    this.put(alarm);
    this.notifiedAt[alarm.alarmId] = now;
    return [{ kind: "raised", alarm, actor: `rule:${action.ruleId}` }];
  }

  /**
   * The condition is gone. A held raise is dropped; a non-critical alarm resolves itself; a
   * critical one only records that the condition ended and waits for a person (it keeps being
   * re-notified until acknowledged); a duress alarm is never touched.
   */
  private clear(dedupKey: string, reason: string, now: number): AlarmChange[] {
    if (this.limiter.withdraw(dedupKey)) return [];
    const a = this.open.get(dedupKey);
    if (!a || NEVER_AUTO_CLEAR.has(a.type) || a.data.autoClear === false) return [];
    const actor = `rule:${a.ruleId}`;
    if (a.severity >= 4) {
      if (a.data.conditionClearedAt !== undefined) return [];
      const next: Alarm = { ...a, data: { ...a.data, conditionClearedAt: now, clearReason: reason } };
      this.put(next);
      return [{ kind: "updated", alarm: next, actor }];
    }
    return [{ kind: "resolved", alarm: this.closed(a, "resolved", actor, now, { resolution: `condition cleared: ${reason}` }), actor }];
  }

  private closed(a: Alarm, state: AlarmState, by: string, now: number, texts: { resolution?: string; note?: string }): Alarm {
    const alarm: Alarm = {
      ...a,
      state,
      resolvedAt: now,
      // Closing an unacknowledged alarm acknowledges it too: someone looked at it.
      ...(a.ackBy === undefined && !by.startsWith("rule:") ? { ackBy: by, ackAt: now } : {}),
      ...(texts.resolution !== undefined ? { resolution: texts.resolution } : {}),
      ...(texts.note !== undefined ? { note: texts.note } : {}),
    };
    this.open.delete(a.dedupKey);
    this.keyOf.delete(a.alarmId);
    delete this.notifiedAt[a.alarmId];
    return alarm;
  }

  private find(alarmId: string): Alarm | undefined {
    const key = this.keyOf.get(alarmId);
    return key === undefined ? undefined : this.open.get(key);
  }

  private put(a: Alarm): void {
    this.open.set(a.dedupKey, a);
    this.keyOf.set(a.alarmId, a.dedupKey);
  }
}
