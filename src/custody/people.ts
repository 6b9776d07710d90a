import { ageAt } from "./local-time.js";
import type { Person } from "./model.js";
import type { PeopleFacts } from "./prechecks-rooms.js";

/** Same case (同案): a shared case or incident number, or an explicit link either way. */
export function coCase(a: Person, b: Person): boolean {
  if (a.personId === b.personId) return false;
  if (a.coCaseLinks.includes(b.personId) || b.coCaseLinks.includes(a.personId)) return true;
  return a.caseNos.some((c) => b.caseNos.includes(c)) || a.incidentNos.some((c) => b.incidentNos.includes(c));
}

export function peopleFacts(at: number, timeZone: string): PeopleFacts {
  return { ageOf: (p) => ageAt(p, at, timeZone), coCase };
}
