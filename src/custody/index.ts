/** Custody: persons, sessions, bindings, legal clocks, assignments and their pre-checks (docs/custody.md). */
export { CustodyService, type CustodyServiceOptions, type AuditSink } from "./service.js";
export { roomsFromConfig, type RoomLookup } from "./rooms.js";
export { CustodyTagBindings } from "./bindings.js";
export { CustodyStateView, type ClockSource } from "./view.js";
export { routeCentralCommand, type CustodyExecutor } from "./central-router.js";
export {
  CUSTODY_COMMANDS,
  CUSTODY_COMMAND_NAMES,
  CommandEnvelope,
  isCustodyCommand,
  type CommandArgs,
  type CommandOutcome,
  type CustodyCommandName,
} from "./commands.js";
export type { AlarmCommands, AlarmCommandResult, AlarmResolution } from "./alarm-commands.js";
export { custodyParams, custodyParamIssues, DEFAULT_PARAMS, type CustodyParams } from "./params.js";
export { ClockGuard, type ClockGuardOptions, type TimebaseCheckpoint, type WallJump } from "./clock-guard.js";
export { readClock, elapsedAt } from "./clock.js";
export { baseLimitH, currentLimitH, checkExtension, isVulnerableFastTrack } from "./limits.js";
export { checkBind, checkExit, checkPause, checkResummons, checkTempExit, type TagHealth } from "./prechecks.js";
export { checkHoldingAssignment, checkInterrogationStart, processOrder } from "./prechecks-rooms.js";
export type { Verdict, VerdictKind } from "./verdict.js";
export type { Actor } from "./drafts.js";
export type { BindingRecord, CustodyReader } from "./state.js";
export type * from "./model.js";
