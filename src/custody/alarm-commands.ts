import type { Alarm } from "../rules/alarm-types.js";

/**
 * What the custody command API asks of the alarm lifecycle (R37) for `ack_alarm` and
 * `resolve_alarm`. The rules side implements it; `by` is "operator:<id>" or "central:<id>".
 */
export type AlarmResolution = "resolved" | "false_alarm" | "ignored";

export type AlarmCommandResult = { readonly ok: true; readonly alarm?: Alarm } | { readonly ok: false; readonly code: string; readonly message: string };

export interface AlarmCommands {
  acknowledge(alarmId: string, by: string, note?: string): AlarmCommandResult;
  resolve(alarmId: string, by: string, resolution: AlarmResolution, note?: string): AlarmCommandResult;
}
