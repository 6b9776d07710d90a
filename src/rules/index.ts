/** Rules: runtime detectors over (state, event | tick) → alarms, and the alarm lifecycle (docs/rules.md). */
export { RuleEngine, type RuleEngineOptions, type RuleEngineStats } from "./engine.js";
export { RuleParams, parseRuleParams, defaultRuleParams, type RuleParamsInput, type RuleId } from "./params.js";
export { SqliteAlarmStore, type AlarmStore } from "./alarm-store.js";
export { AlarmBook, NEVER_AUTO_CLEAR, type AlarmChange } from "./alarms.js";
export { ALARM_EVENT_TYPES, alarmPayload } from "./alarm-events.js";
export { RUNTIME_DETECTORS } from "./detectors/index.js";
export { SEVERITY, dedupKey, type Detector, type DetectorResult, type RuleEvent, type RuleInput } from "./detector.js";
export { deadlineOf, limitHOf, pausedMs } from "./clock-math.js";
export { presenceViewOf, ruleViewProvider } from "./presence-view.js";
export type { Alarm, AlarmAction, AlarmState, Severity } from "./alarm-types.js";
export type { RuleView, CustodyView, PresenceView, RoomInfo, AreaInfo, Occupant } from "./view.js";
