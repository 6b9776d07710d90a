/** Actions: doors and interlocks on sensor truth, alarm-bound actions, room power, duress (docs/doors.md). */
export { createActions, type ActionsDeps, type ActionServices } from "./assemble.js";
export { DoorController, type DoorControllerOptions, type DoorOutcome, type DoorView } from "./door-controller.js";
export { stepDoors, initialDoorSystem, nextWakeAt } from "./door-machine.js";
export { compileDoorSite, DOOR_DEFAULTS, type CapabilityLookup } from "./door-site.js";
export { DoorReason, type DoorAction, type DoorReasonCode, type DoorRequest, type DoorInput, type DoorStep, type DoorSite, type DoorSystem } from "./door-types.js";
export { denyAllPassages, type PassagePolicy, type PassageVerdict } from "./passage-policy.js";
export { AlarmActions, type AlarmBinding } from "./alarm-actions.js";
export { TimedRelays } from "./timed-relays.js";
export { RoomPower, roomPowerNext, type RoomPowerSpec } from "./room-power.js";
export { DuressWatch, duressTrigger, duressAlarm, nearestOfficers, type OfficerLocator, type OfficerPosition } from "./duress.js";
export { PresenceOfficerLocator } from "./officer-locator.js";
export { Heartbeats, type HeartbeatSpec } from "./heartbeats.js";
export { capabilityLookup } from "./capabilities.js";
export { checkActionReferences } from "./config-checks.js";
export { alarmKey } from "./door-step.js";
export type { ActionSinks, SendCommand } from "./sinks.js";
