import type { Alarm } from "./alarm-types.js";

/**
 * Operator handling of alarms (R37), implemented by the rule engine; the custody command API
 * and the local API delegate here. `by` is the operator id (or "central:<user>"); every change
 * is an ALARM_* event, so it is stored, audited and sent upstream like any other.
 */
export interface AlarmCommands {
  /** raised → acknowledged. Stops the re-notification of a critical alarm. */
  ack(alarmId: string, input: { by: string; note?: string }): AlarmCommandResult;
  /** raised | acknowledged → resolved; a resolution text is required. */
  resolve(alarmId: string, input: { by: string; resolution: string; note?: string }): AlarmCommandResult;
  /** raised | acknowledged → false_alarm; a note saying why is required. */
  falseAlarm(alarmId: string, input: { by: string; note: string }): AlarmCommandResult;
  /** raised | acknowledged → ignored; a note saying why is required. */
  ignore(alarmId: string, input: { by: string; note: string }): AlarmCommandResult;
}

export type AlarmCommandError = "not_found" | "invalid_transition" | "invalid_input";

export type AlarmCommandResult = { readonly ok: true; readonly alarm: Alarm } | { readonly ok: false; readonly code: AlarmCommandError; readonly message: string };
