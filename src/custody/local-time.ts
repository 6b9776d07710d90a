import type { Person } from "./model.js";

/**
 * Calendar questions in the center's time zone: a birthday or "released between 21:00 and
 * 07:00" (R06) are local-time facts, while the gateway keeps epoch ms.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(at: number, timeZone: string): { year: number; month: number; day: number; hour: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", hourCycle: "h23" });
    formatters.set(timeZone, f);
  }
  const out = { year: 0, month: 0, day: 0, hour: 0 };
  for (const p of f.formatToParts(at)) if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  return out;
}

export function localHour(at: number, timeZone: string): number {
  return parts(at, timeZone).hour;
}

/** Whole years at `at`, from the birth date (local calendar) or the stated age. */
export function ageAt(person: Pick<Person, "birthDate" | "ageYears">, at: number, timeZone: string): number | undefined {
  const m = person.birthDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(person.birthDate) : null;
  if (!m) return person.ageYears;
  const [by, bm, bd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const now = parts(at, timeZone);
  const beforeBirthday = now.month < bm || (now.month === bm && now.day < bd);
  return now.year - by - (beforeBirthday ? 1 : 0);
}

/** True when `hour` falls in [from, to) on a clock that wraps at midnight. */
export function inNightWindow(hour: number, from: number, to: number): boolean {
  return from <= to ? hour >= from && hour < to : hour >= from || hour < to;
}
