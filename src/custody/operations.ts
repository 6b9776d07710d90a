import type { CommandArgs, CustodyCommandName } from "./commands.js";
import { extendClock, pauseClock, resumeClock } from "./ops-clock.js";
import type { OpContext, OpResult } from "./ops-context.js";
import { exit, tempExit, tempReturn } from "./ops-exit.js";
import { bind, patrolPunch, recordStep, register, unbind, welfare } from "./ops-intake.js";
import { assignHolding, endInterrogation, releaseHolding, startInterrogation, verifyRecord } from "./ops-rooms.js";

/** Commands that change custody state (the rest go to the alarm lifecycle, or wrap one of these). */
export type StateCommandName = Exclude<CustodyCommandName, "ack_alarm" | "resolve_alarm" | "override">;

export const OPERATIONS: { readonly [N in StateCommandName]: (ctx: OpContext, args: CommandArgs[N]) => OpResult } = {
  register,
  bind,
  unbind,
  assign_holding: assignHolding,
  release_holding: releaseHolding,
  start_interrogation: startInterrogation,
  end_interrogation: endInterrogation,
  verify_record: verifyRecord,
  record_step: recordStep,
  welfare,
  patrol_punch: patrolPunch,
  extend_clock: extendClock,
  pause_clock: pauseClock,
  resume_clock: resumeClock,
  temp_exit: tempExit,
  temp_return: tempReturn,
  exit,
};

export function isStateCommand(name: string): name is StateCommandName {
  return Object.hasOwn(OPERATIONS, name);
}
