/**
 * Alarm shapes shared by rules (which raise them), the alarm lifecycle (R37), actions (bound to
 * alarm types in config) and the APIs. DOMAIN.md §8 "Alarm envelope".
 */
export type AlarmState = "raised" | "acknowledged" | "resolved" | "false_alarm" | "ignored";

/** 0 ignore … 4 critical (DOMAIN.md R37). */
export type Severity = 0 | 1 | 2 | 3 | 4;

export interface Alarm {
  readonly alarmId: string;
  /** DOMAIN.md §8.3 alarm type, e.g. "CO_CASE_CONTACT". */
  readonly type: string;
  /** "R10"…; device-health alarms without a rule use "DEV". */
  readonly ruleId: string;
  readonly severity: Severity;
  readonly state: AlarmState;
  /** (type, personId|doorId, zoneId) while unresolved (R37). */
  readonly dedupKey: string;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly count: number;
  readonly zoneId?: string;
  /** Person ids and/or door ids the alarm is about. */
  readonly subjects: readonly string[];
  readonly relatedPersonIds: readonly string[];
  readonly message: string;
  /** Thresholds in force when raised (R38 parameter snapshot). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly data: Readonly<Record<string, unknown>>;
  readonly ackBy?: string;
  readonly ackAt?: number;
  readonly resolution?: string;
  readonly resolvedAt?: number;
  readonly note?: string;
}

/**
 * What a detector asks for. The lifecycle turns it into a new alarm or an update of the open
 * one with the same dedup key; `clear` resolves it when the condition is gone (if the alarm type
 * allows auto-clear; duress never does).
 */
export type AlarmAction =
  | {
      readonly kind: "raise";
      readonly type: string;
      readonly ruleId: string;
      readonly severity: Severity;
      readonly dedupKey: string;
      readonly zoneId?: string;
      readonly subjects: readonly string[];
      readonly relatedPersonIds?: readonly string[];
      readonly message: string;
      readonly params: Readonly<Record<string, unknown>>;
      readonly data?: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: "clear"; readonly dedupKey: string; readonly reason: string };
