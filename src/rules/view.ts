import type { PersonRole } from "../core/envelope.js";
import type { RoomType } from "../config/schema.js";
import type { CustodyClockReading, CustodySession, Person } from "../custody/model.js";

/**
 * What rule detectors may read: a read-only view of custody and presence at one instant.
 * Detectors are pure functions of (view, their own state, input) → (state, alarm actions);
 * they never change custody and never call devices.
 */
export interface RoomInfo {
  readonly id: string;
  readonly type: RoomType;
  readonly areaId: string;
  readonly capacity?: number;
  readonly sex: "any" | "male" | "female";
  readonly age: "any" | "minor" | "adult";
  readonly adjacentToExit: boolean;
}

export interface Occupant {
  /** Person id when the tag is bound, else undefined (an unbound tag, R01). */
  readonly personId?: string;
  readonly tagId: string;
  readonly role?: PersonRole;
  readonly since: number;
}

export interface CustodyView {
  person(personId: string): Person | undefined;
  /** The open (not exited) session of a person, if any. */
  openSession(personId: string): CustodySession | undefined;
  openSessions(): readonly CustodySession[];
  /** Most recent ended session of the person with the same id number (R31). */
  previousSessionOf(person: Person): CustodySession | undefined;
  /** True when the two persons share a case/incident number or an explicit co-case link. */
  coCase(a: string, b: string): boolean;
  /** Age in whole years at `at`, from birth date or stated age. */
  ageAt(personId: string, at: number): number | undefined;
  /**
   * Optional: the session's legal clock now (R04–R08): elapsed custody time minus pauses, the
   * limit after extensions, remaining time. Measured on the custody timebase, so a wall-clock
   * jump does not move it, unlike arithmetic on `arrivalAt`/`pauses` (wall-clock records).
   */
  clock?(sessionId: string): CustodyClockReading | undefined;
}

export interface PresenceView {
  room(roomId: string): RoomInfo | undefined;
  rooms(): readonly RoomInfo[];
  /** Who is in the room now (accepted presence, not raw samples). */
  occupants(roomId: string): readonly Occupant[];
  /** The room a person or tag is in now, or undefined when unknown/offline. */
  roomOf(subject: { personId?: string; tagId?: string }): string | undefined;
}

export interface RuleView {
  readonly now: number;
  readonly custody: CustodyView;
  readonly presence: PresenceView;
}
