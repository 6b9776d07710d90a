import type { EventDraft, EventEnvelope } from "../core/envelope.js";
import type { AlarmAction, Severity } from "./alarm-types.js";
import type { RuleId, RuleParams } from "./params.js";
import type { RuleView } from "./view.js";

/**
 * The runtime detector contract. A detector is a pure function of its own state, one input
 * (a domain event or the passing of time), a read-only view of custody and presence, and the
 * rule parameters. It returns its next state and what it asks of the alarm lifecycle; it never
 * changes custody and never calls devices. State is plain JSON so the engine can persist it.
 */
export type RuleEvent = Pick<EventEnvelope, "type" | "payload" | "receivedAt"> &
  Partial<Pick<EventEnvelope, "category" | "occurredAt" | "zoneId" | "roomId" | "personId" | "role" | "sessionId" | "source" | "seq">>;

export type RuleInput = { readonly kind: "event"; readonly event: RuleEvent } | { readonly kind: "tick"; readonly now: number };

export interface DetectorResult<S> {
  readonly state: S;
  readonly actions: readonly AlarmAction[];
  /** Non-alarm events a rule produces (R23 bookkeeping, R38 suppression records, action requests). */
  readonly events?: readonly EventDraft[];
}

export interface Detector<S = unknown> {
  /** Family name, also the key of its persisted state. */
  readonly id: string;
  readonly ruleIds: readonly RuleId[];
  /** Event types it reads; it is not called for others. */
  readonly events: readonly string[];
  /** Called on every tick (time-based conditions, dwell). */
  readonly tick: boolean;
  /** Bump when the state's shape changes: a stored state of another version is dropped, not misread. */
  readonly version?: number;
  initial(): S;
  step(state: S, input: RuleInput, view: RuleView, params: RuleParams): DetectorResult<S>;
}

/** Erases the state type so detectors of different families share one list. */
export const detector = <S>(d: Detector<S>): Detector<unknown> => d as unknown as Detector<unknown>;

export const SEVERITY = { ignore: 0, low: 1, medium: 2, high: 3, critical: 4 } as const satisfies Record<string, Severity>;

/** R37 dedup key: (type, subject, zone) while unresolved. */
export function dedupKey(type: string, subject: string, zoneId?: string): string {
  return `${type}|${subject}|${zoneId ?? ""}`;
}

export function inputNow(input: RuleInput): number {
  return input.kind === "tick" ? input.now : input.event.receivedAt;
}

export function unchanged<S>(state: S): DetectorResult<S> {
  return { state, actions: [] };
}

export const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** A bound person's move: the ZONE_ENTER event, who moved and where to (room, or area when presence only knows the area). */
export interface PersonMove {
  readonly event: RuleEvent;
  readonly personId: string;
  readonly toZoneId: string | undefined;
  readonly fromZoneId: string | undefined;
}

export function personEntering(input: RuleInput): PersonMove | undefined {
  if (input.kind !== "event" || input.event.type !== "ZONE_ENTER") return undefined;
  const e = input.event;
  const personId = e.personId ?? str(e.payload.personId);
  if (personId === undefined) return undefined;
  return { event: e, personId, toZoneId: str(e.payload.toZoneId) ?? e.roomId, fromZoneId: str(e.payload.fromZoneId) };
}

/** Shallow equality of two flat records (to hand back the same state object when nothing changed). */
export function sameRecord<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k] || !(k in b)) return false;
  return true;
}

/** Tag ids named by an event payload: `tagId`, `tagIds: [...]` or `tagIds: { hf, lf }`. */
export function tagIdsOf(payload: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const one = str(payload.tagId);
  if (one) out.push(one);
  const many = payload.tagIds;
  const list = Array.isArray(many) ? many : many && typeof many === "object" ? Object.values(many) : [];
  for (const t of list) {
    if (typeof t === "string" && t.length > 0) out.push(t);
  }
  return out;
}

/** A rule exception that kept an alarm from being raised (R38: suppressions are logged too). */
export function suppressed(ruleId: RuleId, at: number, key: string, reason: string, params: Readonly<Record<string, unknown>>, subjects: readonly string[], roomId?: string): EventDraft {
  return {
    type: "RULE_SUPPRESSED",
    category: "audit",
    receivedAt: at,
    source: { origin: `rule:${ruleId}` },
    subjects: subjects.map((id) => ({ kind: "person" as const, id })),
    ...(roomId !== undefined ? { roomId } : {}),
    payload: { ruleId, dedupKey: key, reason, params },
  };
}
