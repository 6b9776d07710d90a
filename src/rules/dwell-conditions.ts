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
  /** Builds the raise once the dwell is reached; `heldMs` is how long the condition has held. */
  readonly make: (heldMs: number) => Omit<RaiseAction, "kind" | "dedupKey">;
}

export interface Pending {
  readonly since: number;
  readonly raised: boolean;
  readonly scope: string;
  /** Last time it was raised (for repeats) and the level it was raised at. */
  readonly at?: number;
  readonly level?: number;
}

/** Conditions being watched, by dedup key. Plain JSON (persisted with the detector state). */
export type Tracked = Readonly<Record<string, Pending>>;

/**
 * Merges what holds now into what was tracked: new conditions start their dwell, those past it
 * are raised once (or repeated), those gone are cleared (when raised) and forgotten. Only keys
 * whose scope is in `scopes` are considered gone when absent (an event re-evaluates just the
 * rooms it touches); `scopes` undefined means everything was evaluated. Returns the same object
 * when nothing changed.
 */
export function track(tracked: Tracked, conditions: readonly Condition[], now: number, scopes?: ReadonlySet<string>, clearReason = "condition ended"): { tracked: Tracked; actions: AlarmAction[] } {
  let next: Record<string, Pending> | null = null;
  const write = () => (next ??= { ...tracked });
  const actions: AlarmAction[] = [];
  const seen = new Set<string>();
  for (const c of conditions) {
    seen.add(c.key);
    const prev = tracked[c.key];
    const since = prev?.since ?? now;
    if (!prev) write()[c.key] = { since, raised: false, scope: c.scope };
    const level = c.level ?? 0;
    const due = prev?.raised
      ? level > (prev.level ?? 0) || (c.repeatMs !== undefined && now - (prev.at ?? since) >= c.repeatMs)
      : now - since >= c.dwellMs;
    if (due) {
      actions.push({ kind: "raise", dedupKey: c.key, ...c.make(now - since) });
      write()[c.key] = { since, raised: true, scope: c.scope, at: now, level };
    }
  }
  for (const [key, p] of Object.entries(tracked)) {
    if (seen.has(key) || (scopes !== undefined && !scopes.has(p.scope))) continue;
    if (p.raised) actions.push({ kind: "clear", dedupKey: key, reason: clearReason });
    delete write()[key];
  }
  return { tracked: next ?? tracked, actions };
}

/** Scopes (rooms, sessions) with tracked conditions: they must be re-evaluated even when empty now. */
export function trackedScopes(tracked: Tracked): Set<string> {
  const out = new Set<string>();
  for (const p of Object.values(tracked)) out.add(p.scope);
  return out;
}
