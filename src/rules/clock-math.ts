import type { CustodySession } from "../custody/model.js";
import type { RuleView } from "./view.js";

const HOUR = 3_600_000;

/** The limit in force: the latest approved extension, else the base limit (R04). */
export function limitHOf(s: CustodySession): number {
  let latest: { at: number; newLimitH: number } | undefined;
  for (const e of s.extensions) if (!latest || e.at >= latest.at) latest = e;
  return latest?.newLimitH ?? s.baseLimitH;
}

/** Time the clock stood still (R07 sobering restraint); an open pause counts up to `now`. */
export function pausedMs(s: CustodySession, now: number): number {
  let total = 0;
  for (const p of s.pauses) total += Math.max(0, (p.to ?? now) - p.from);
  return total;
}

/** Legal deadline of a session: the custody service's value when it offers one, else computed here. */
export function deadlineOf(view: RuleView, s: CustodySession, now: number): number {
  return view.custody.deadlineOf?.(s, now) ?? s.arrivalAt + limitHOf(s) * HOUR + pausedMs(s, now);
}

export const hoursMs = (h: number): number => h * HOUR;
export const roundH = (ms: number): number => Math.round((ms / HOUR) * 10) / 10;
