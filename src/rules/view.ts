import type { PersonRole } from "../core/envelope.js";
import type { AreaType, RoomType } from "../config/schema.js";
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
  /** Type of the area the room belongs to (R01 secure area, R16 staff areas, R17 perimeter). */
  readonly areaType?: AreaType;
}

/** An area (a zone above rooms): presence places a tag here when a reader only knows the area. */
export interface AreaInfo {
  readonly id: string;
  readonly type: AreaType;
}

export interface Occupant {
  /** Person id when the tag is bound, else undefined (an unbound tag, R01). */
  readonly personId?: string;
  readonly tagId: string;
  readonly role?: PersonRole;
  readonly since: number;
  /** False while the tag is offline (last known place, not a live reading). Absent means online. */
  readonly online?: boolean;
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
  /** Optional: the custody service's own deadline for a session (R04); rules compute it when absent. */
  deadlineOf?(session: CustodySession, now: number): number;
  /** Optional: who wears a tag now (R19, R20, R30 device events name tags, not persons). */
  personOfTag?(tagId: string): string | undefined;
  /** Optional: per-person rule parameters where the law allows them (R20 heart-rate range, R25 patrol interval). */
  personRuleParams?(personId: string, ruleId: string): Readonly<Record<string, unknown>> | undefined;
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
  /** Optional: an area by id (a tag placed at area level, R01/R16/R17). */
  area?(areaId: string): AreaInfo | undefined;
}

export interface RuleView {
  readonly now: number;
  readonly custody: CustodyView;
  readonly presence: PresenceView;
}
