import type { Detector } from "../detector.js";
import { afterExit } from "./after-exit.js";
import { overcrowding } from "./crowding.js";
import { custodyCeiling, custodyClock } from "./custody-clock.js";
import { escapeAttempt, tempExitOverdue } from "./escape.js";
import { escortOnMovement } from "./escort.js";
import { heartRate } from "./heart-rate.js";
import { interrogationPresence } from "./interrogation-presence.js";
import { notInterrogated } from "./not-interrogated.js";
import { patrolMissed } from "./patrol.js";
import { recordingRuns } from "./recording.js";
import { juvenileSafeguards } from "./safeguards.js";
import { coCaseContact, juvenileAdultContact, mixedSexHolding } from "./separation.js";
import { detaineeUnattended, searchStaffing } from "./staffing.js";
import { tagHealth } from "./tag-health.js";
import { twoOfficerInterrogation } from "./two-officer.js";
import { unboundTag } from "./unbound-tag.js";
import { vulnerableFastTrack } from "./vulnerable.js";
import { welfareDue } from "./welfare.js";
import { zonePermission } from "./zone-permission.js";

/**
 * Every runtime detector, in rule order. Custody pre-checks (R02, R03, R06 holding block, R07,
 * R09, R18 request, R28, R29, R31) are in src/custody; doors (R32–R35), duress (R36) and room
 * power (R23 switching) in src/actions, whose alarm actions enter the lifecycle through
 * RuleEngine.applyActions.
 */
export const RUNTIME_DETECTORS: readonly Detector[] = [
  unboundTag, // R01
  custodyClock, // R04
  custodyCeiling, // R05
  vulnerableFastTrack, // R06
  notInterrogated, // R08
  coCaseContact, // R10
  mixedSexHolding, // R11
  juvenileAdultContact, // R12
  twoOfficerInterrogation, // R13
  detaineeUnattended, // R14
  escortOnMovement, // R15
  zonePermission, // R16
  escapeAttempt, // R17
  tempExitOverdue, // R18
  tagHealth, // R19
  heartRate, // R20
  overcrowding, // R21
  recordingRuns, // R22
  interrogationPresence, // R23
  welfareDue, // R24
  patrolMissed, // R25
  juvenileSafeguards, // R26
  searchStaffing, // R27
  afterExit, // R30
];
