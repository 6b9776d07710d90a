import { currentLimitH, limitMs } from "./limits.js";
import type { CustodyClockReading, CustodySession, SessionClock } from "./model.js";

/**
 * A session's custody clock (DOMAIN.md §7 R03–R07), kept as marks of the legal timebase
 * (clock-guard.ts): elapsed = now − arrival − paused, all in legal time. Pure functions.
 */

export function startClock(startMark: number): SessionClock {
  return { startMark, pausedMs: 0 };
}

export function pauseClock(c: SessionClock, mark: number): SessionClock {
  return c.pausedSinceMark !== undefined ? c : { ...c, pausedSinceMark: mark };
}

export function resumeClock(c: SessionClock, mark: number): SessionClock {
  if (c.pausedSinceMark === undefined) return c;
  const { pausedSinceMark, ...rest } = c;
  return { ...rest, pausedMs: c.pausedMs + Math.max(0, mark - pausedSinceMark) };
}

/** Exit stops the clock; an open pause ends with it. */
export function stopClock(c: SessionClock, mark: number): SessionClock {
  return { ...resumeClock(c, mark), endMark: mark };
}

/** Counted custody time at `mark`. */
export function elapsedAt(c: SessionClock, mark: number): number {
  const end = c.endMark ?? mark;
  const openPause = c.pausedSinceMark !== undefined ? Math.max(0, end - c.pausedSinceMark) : 0;
  return Math.max(0, end - c.startMark - c.pausedMs - openPause);
}

/**
 * The reading of a session's clock at legal mark `legalNow`, wall time `wallNow`. A session
 * whose clock has not started yet (registered, no arrival time, not bound) reads zero.
 */
export function readClock(session: CustodySession, legalNow: number, wallNow: number): CustodyClockReading {
  const c = session.clock;
  const limitH = currentLimitH(session);
  const limit = limitMs(limitH);
  const end = c?.endMark ?? legalNow;
  const inAreaMs = c ? Math.max(0, end - c.startMark) : 0;
  const elapsedMs = c ? elapsedAt(c, legalNow) : 0;
  const remainingMs = limit - elapsedMs;
  return {
    sessionId: session.sessionId,
    legalBasis: session.legalBasis,
    arrivalAt: session.arrivalAt,
    running: c !== undefined && c.endMark === undefined,
    paused: c?.pausedSinceMark !== undefined,
    limitH,
    limitMs: limit,
    elapsedMs,
    pausedMs: inAreaMs - elapsedMs,
    inAreaMs,
    remainingMs,
    deadlineAt: wallNow + remainingMs,
  };
}
