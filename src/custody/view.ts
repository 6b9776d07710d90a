import type { CustodyView } from "../rules/view.js";
import { readClock } from "./clock.js";
import { ageAt } from "./local-time.js";
import type { CustodyClockReading, CustodySession, Person } from "./model.js";
import { coCase } from "./people.js";
import type { CustodyReader } from "./state.js";

/** Where the view gets legal time: the service's clock guard and the gateway clock. */
export interface ClockSource {
  legalNow(): number;
  wallNow(): number;
}

/** The rules' read-only window on custody (src/rules/view.ts), over the live state. */
export class CustodyStateView implements CustodyView {
  constructor(
    private readonly state: CustodyReader,
    private readonly time: ClockSource,
    private readonly timeZone: string,
  ) {}

  person(personId: string): Person | undefined {
    return this.state.person(personId);
  }

  openSession(personId: string): CustodySession | undefined {
    return this.state.openSession(personId);
  }

  openSessions(): readonly CustodySession[] {
    return this.state.openSessions();
  }

  previousSessionOf(person: Person): CustodySession | undefined {
    return this.state.previousSessionOf(person);
  }

  coCase(a: string, b: string): boolean {
    const pa = this.state.person(a);
    const pb = this.state.person(b);
    return pa !== undefined && pb !== undefined && coCase(pa, pb);
  }

  ageAt(personId: string, at: number): number | undefined {
    const p = this.state.person(personId);
    return p ? ageAt(p, at, this.timeZone) : undefined;
  }

  /** When the session's limit falls, in wall time, if the clock keeps running from `now`. */
  deadlineOf(session: CustodySession, now: number): number {
    const live = this.state.session(session.sessionId) ?? session;
    return now + readClock(live, this.time.legalNow(), this.time.wallNow()).remainingMs;
  }

  personOfTag(tagId: string): string | undefined {
    return this.state.binding(tagId)?.personId;
  }

  /** Per-person parameters recorded at registration (e.g. a medical note widening R20's range). */
  personRuleParams(personId: string, ruleId: string): Readonly<Record<string, unknown>> | undefined {
    return this.state.person(personId)?.ruleParams?.[ruleId];
  }

  /** The legal clock of a session now: immune to wall-clock jumps (clock-guard.ts). */
  clock(sessionId: string): CustodyClockReading | undefined {
    const s = this.state.session(sessionId);
    return s ? readClock(s, this.time.legalNow(), this.time.wallNow()) : undefined;
  }
}
