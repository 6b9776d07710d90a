import type { RoomInfo } from "../rules/view.js";
import type { CustodySession, InterrogationKind, Person, ProcessStep } from "./model.js";
import type { CustodyParams } from "./params.js";
import { deny, needsOverride, verdictOf, warn, type Finding, type Verdict } from "./verdict.js";

/**
 * Room pre-checks, pure (DOMAIN.md §7): R09 holding-room assignment (with R06 and R28) and the
 * start of an interrogation (R28, R13/R26 warnings). Runtime detectors (R10–R14) run whatever
 * these answered or an operator overrode.
 */

/** What the checks need to know about people. */
export interface PeopleFacts {
  ageOf(person: Person): number | undefined;
  coCase(a: Person, b: Person): boolean;
}

export interface Occupancy {
  readonly person: Person;
  readonly session: CustodySession;
}

const HOLDING_TYPES = new Set(["holding", "holding_juvenile", "waiting", "sobering"]);
/** 候问室 proper: R06 forbids them, and special-category persons need another room. */
const ORDINARY_HOLDING = new Set(["holding", "holding_juvenile"]);
const QUESTIONING_TYPES = new Set(["interrogation", "interrogation_juvenile", "interview", "lineup", "remote_arraignment"]);

export function isMinor(person: Person, facts: PeopleFacts, params: CustodyParams): boolean {
  const age = facts.ageOf(person);
  return age !== undefined ? age < params.minorAge : person.vulnerable.includes("minor");
}

const isJuvenileRoom = (room: RoomInfo): boolean => room.type === "holding_juvenile" || room.type === "interrogation_juvenile" || room.age === "minor";

/** R28: the steps before holding or interrogation that are not recorded. */
export function processOrder(session: CustodySession, params: CustodyParams): Finding | undefined {
  if (params.processOrder.mode === "off") return undefined;
  const missingSteps: ProcessStep[] = params.processOrder.steps.filter((s) => session.steps[s] === undefined);
  if (missingSteps.length === 0) return undefined;
  const f = params.processOrder.mode === "block" ? needsOverride : warn;
  return f("process_step_skipped", { missingSteps });
}

/** Checks common to taking a person into a room: an open session, in the area, free to move. */
function sessionFindings(session: CustodySession | undefined): Finding[] | undefined {
  if (!session) return [deny("no_open_session")];
  if (session.state !== "in_area") return [deny("not_in_area", { state: session.state })];
  if (session.interrogations.some((i) => i.endedAt === undefined)) return [deny("in_interrogation")];
  return undefined;
}

export interface HoldingRequest {
  readonly person: Person;
  readonly session: CustodySession | undefined;
  readonly room: RoomInfo | undefined;
  /** Others assigned to the room now. */
  readonly occupants: readonly Occupancy[];
}

/** R09 (with R06, R28): may this person be assigned to this holding room? */
export function checkHoldingAssignment(req: HoldingRequest, facts: PeopleFacts, params: CustodyParams): Verdict {
  const { person, session, room } = req;
  if (!room) return verdictOf([deny("unknown_room")]);
  if (!HOLDING_TYPES.has(room.type)) return verdictOf([deny("not_holding_room", { roomType: room.type })]);
  const blocked = sessionFindings(session);
  if (blocked) return verdictOf(blocked);
  const s = session!;
  if (s.holdingRoomId === room.id) return verdictOf([deny("already_assigned")]);
  if (s.holdingRoomId !== undefined) return verdictOf([deny("assigned_elsewhere", { holdingRoomId: s.holdingRoomId })]);
  if (s.vulnerableFastTrack && ORDINARY_HOLDING.has(room.type)) return verdictOf([deny("vulnerable_holding_forbidden", { vulnerableFlags: person.vulnerable })]);

  const others = req.occupants.filter((o) => o.person.personId !== person.personId);
  const minor = isMinor(person, facts, params);
  const sameCase = others.filter((o) => facts.coCase(person, o.person)).map((o) => o.person.personId);
  const otherSex = person.sex === "unknown" ? [] : others.filter((o) => o.person.sex !== "unknown" && o.person.sex !== person.sex);
  const roomSexMismatch = person.sex !== "unknown" && room.sex !== "any" && room.sex !== person.sex;
  const adults = others.filter((o) => !isMinor(o.person, facts, params));
  const minors = others.filter((o) => isMinor(o.person, facts, params));
  const special = person.vulnerable.filter((f) => params.specialFlags.includes(f));
  const ids = (list: readonly Occupancy[]) => list.map((o) => o.person.personId);
  return verdictOf([
    sameCase.length > 0 && needsOverride("same_case", { sameCaseIds: sameCase }),
    (otherSex.length > 0 || roomSexMismatch) && needsOverride("mixed_sex", { otherSexIds: ids(otherSex), roomSex: room.sex }),
    minor && (!isJuvenileRoom(room) || adults.length > 0) && needsOverride("minor_room", { adultIds: ids(adults) }),
    !minor && (isJuvenileRoom(room) || minors.length > 0) && needsOverride("adult_in_juvenile_room", { minorIds: ids(minors) }),
    special.length > 0 && ORDINARY_HOLDING.has(room.type) && needsOverride("special_category", { specialFlags: special }),
    room.capacity !== undefined && others.length >= room.capacity && needsOverride("capacity", { capacity: room.capacity, occupants: others.length }),
    processOrder(s, params),
  ]);
}

export interface InterrogationRequest {
  readonly person: Person;
  readonly session: CustodySession | undefined;
  readonly room: RoomInfo | undefined;
  readonly kind: InterrogationKind;
  readonly officerIds: readonly string[];
  readonly recorderChannels: readonly string[];
  readonly guardianPresent?: boolean;
  /** Others with an open interrogation in the room. */
  readonly othersInRoom: readonly string[];
}

/** Taking a person into questioning (提讯 must have released them from holding first). */
export function checkInterrogationStart(req: InterrogationRequest, facts: PeopleFacts, params: CustodyParams): Verdict {
  const { room, session } = req;
  if (!room) return verdictOf([deny("unknown_room")]);
  if (req.kind !== "single_recorded_task" && !QUESTIONING_TYPES.has(room.type)) return verdictOf([deny("not_interrogation_room", { roomType: room.type })]);
  const blocked = sessionFindings(session);
  if (blocked) return verdictOf(blocked);
  const s = session!;
  if (s.holdingRoomId !== undefined) return verdictOf([deny("in_holding", { holdingRoomId: s.holdingRoomId })]);
  return verdictOf([
    req.kind === "single_recorded_task" && req.recorderChannels.length === 0 && deny("recording_required"),
    req.othersInRoom.length > 0 && needsOverride("room_in_use", { personIds: req.othersInRoom }),
    req.kind !== "single_recorded_task" && req.officerIds.length < 2 && warn("single_officer", { officerIds: req.officerIds }),
    isMinor(req.person, facts, params) && !req.guardianPresent && warn("guardian_missing"),
    processOrder(s, params),
  ]);
}
