import type { AlarmAction } from "./alarm-types.js";

export type RaiseAction = Extract<AlarmAction, { kind: "raise" }>;

/**
 * A condition that holds right now (e.g. "co-case pair a+b in room r"), raised once it held for
 * `dwellMs`, and again every `repeatMs` while it holds when set (R04/R05 "repeats until exit").
 * `scope` is what it is about (a room, a session): re-evaluating a scope settles its conditions.
 */
export interface Condition {
  readonly key: string;
  readonly scope: string;
  readonly dwellMs: number;
  readonly repeatMs?: number;
  /** Escalation step: raised again (same alarm, higher severity) when it goes up. */
  readonly level?: number;
  /** When it began, if known better than "first seen" (e.g. when the person entered the room). */
  readonly since?: number;
  /** Builds the raise once the dwell is reached; `heldMs` is how long the condition has held. */
  readonly make: (heldMs: number) => Omit<RaiseAction, "kind" | "dedupKey">;
}

export interface Pending {
  readonly since: number;
  readonly raised: boolean;
  /** Last time it was raised (for repeats) and the level it was raised at. */
  readonly at?: number;
  readonly level?: number;
}

/** Conditions being watched: scope → dedup key → pending. Plain JSON (persisted with the detector state). */
export type Tracked = Readonly<Record<string, Readonly<Record<string, Pending>>>>;

/**
 * Merges what holds now into what was tracked: new conditions start their dwell, those past it
 * are raised once (or repeated), those gone are cleared (when raised) and forgotten. Only the
 * scopes in `scopes` are settled (an event re-evaluates just the rooms it touches); `scopes`
 * undefined means everything was evaluated. Returns the same object when nothing changed.
 */
export function track(tracked: Tracked, conditions: readonly Condition[], now: number, scopes?: ReadonlySet<string>, clearReason = "condition ended"): { tracked: Tracked; actions: AlarmAction[] } {
  const byScope = new Map<string, Condition[]>();
  for (const c of conditions) {
    const list = byScope.get(c.scope);
    if (list) list.push(c);
    else byScope.set(c.scope, [c]);
  }
  const settle = scopes ? new Set([...scopes, ...byScope.keys()]) : new Set([...Object.keys(tracked), ...byScope.keys()]);
  let next: Record<string, Readonly<Record<string, Pending>>> | null = null;
  const actions: AlarmAction[] = [];
  for (const scope of settle) {
    const before = tracked[scope] ?? {};
    const after = settleScope(before, byScope.get(scope) ?? [], now, clearReason, actions);
    if (after === before) continue;
    next ??= { ...tracked };
    if (Object.keys(after).length === 0) delete next[scope];
    else next[scope] = after;
  }
  return { tracked: next ?? tracked, actions };
}

function settleScope(tracked: Readonly<Record<string, Pending>>, conditions: readonly Condition[], now: number, clearReason: string, actions: AlarmAction[]): Readonly<Record<string, Pending>> {
  let next: Record<string, Pending> | null = null;
  const write = () => (next ??= { ...tracked });
  const seen = new Set<string>();
  for (const c of conditions) {
    seen.add(c.key);
    const prev = tracked[c.key];
    const since = prev?.since ?? Math.min(c.since ?? now, now);
    if (!prev) write()[c.key] = { since, raised: false };
    const level = c.level ?? 0;
    const due = prev?.raised
      ? level > (prev.level ?? 0) || (c.repeatMs !== undefined && now - (prev.at ?? since) >= c.repeatMs)
      : now - since >= c.dwellMs;
    if (due) {
      actions.push({ kind: "raise", dedupKey: c.key, ...c.make(now - since) });
      write()[c.key] = { since, raised: true, at: now, level };
    }
  }
  for (const [key, p] of Object.entries(tracked)) {
    if (seen.has(key)) continue;
    if (p.raised) actions.push({ kind: "clear", dedupKey: key, reason: clearReason });
    delete write()[key];
  }
  return next ?? tracked;
}

/** Scopes (rooms, sessions) with tracked conditions: they must be re-evaluated even when empty now. */
export function trackedScopes(tracked: Tracked): Set<string> {
  return new Set(Object.keys(tracked));
}
