import { z } from "zod";
import { AreaType, RoomType } from "../config/schema.js";
import { ConfigError, type ConfigIssue } from "../core/errors.js";

/**
 * Runtime rule parameters (`rules.Rxx` in the site config), one strict schema per rule with the
 * defaults of DOMAIN.md §7. Human units (seconds, minutes, hours); detectors convert. Every
 * parameter is per center; R20 and R25 also take per-person overrides (person-params.ts).
 */
const seconds = (d: number, what: string) => z.number().min(0).default(d).describe(what);
const minutes = (d: number, what: string) => z.number().positive().default(d).describe(what);
const hours = (d: number, what: string) => z.number().positive().default(d).describe(what);
const roomTypes = (d: RoomType[], what: string) => z.array(RoomType).default(d).describe(what);
const areaTypes = (d: AreaType[], what: string) => z.array(AreaType).default(d).describe(what);
const dwellByRoomType = z.partialRecord(RoomType, z.number().min(0)).default({}).describe("per room type, seconds");

export const R01Params = z.strictObject({
  secureAreaTypes: areaTypes(["secure_area"], "area types where every tag must be bound"),
  exemptRoomTypes: roomTypes(["registration"], "rooms where a tag may still be unbound (binding happens here)"),
});
export const R04Params = z.strictObject({
  leadH: z
    .strictObject({
      criminal: hours(3, "warning lead for 传唤/拘传"),
      administrative: hours(2, "warning lead for 询问查证"),
      continued_questioning: hours(1, "warning lead for 继续盘问"),
      other: hours(1, "warning lead for any other basis"),
    })
    .prefault({}),
  finalLeadH: hours(1, "second, more urgent warning this long before the deadline"),
  exceededRepeatMin: minutes(30, "CUSTODY_TIME_EXCEEDED is repeated this often until exit"),
});
export const R05Params = z.strictObject({
  imminentH: hours(23, "CUSTODY_24H_IMMINENT at this elapsed time"),
  ceilingH: hours(24, "CUSTODY_24H_EXCEEDED at this elapsed time"),
  exceededRepeatMin: minutes(30, "repeat interval until exit"),
});
export const R06Params = z.strictObject({
  limitH: hours(4, "继续盘问 limit for pregnant, nursing, <16 and ≥70 persons"),
  leadH: hours(1, "warning lead before the 4 h deadline"),
  childUnderYears: z.number().int().positive().default(16),
  elderlyFromYears: z.number().int().positive().default(70),
  holdingRoomTypes: roomTypes(["holding", "holding_juvenile"], "rooms these persons must never be held in"),
  holdingDwellS: seconds(30, "located in such a room this long → VULNERABLE_HOLDING_FORBIDDEN"),
});
export const R08Params = z.strictObject({
  warnAfterH: z
    .partialRecord(z.enum(["summons", "verbal_summons", "compelled_appearance", "admin_questioning", "continued_questioning", "criminal_detention", "arrest", "other"]), z.number().positive())
    .default({ summons: 9, verbal_summons: 9, compelled_appearance: 9, admin_questioning: 6, criminal_detention: 21, arrest: 21 })
    .describe("hours after arrival without an interrogation, per legal basis; a basis left out is not checked"),
});
const separation = (dwellS: number) =>
  z.strictObject({
    dwellS: seconds(dwellS, "co-location this long raises the alarm"),
    dwellSByRoomType: dwellByRoomType,
  });
export const R10Params = separation(300).extend({
  jointRoomTypes: roomTypes(["lineup"], "rooms where co-case persons are together on purpose"),
});
export const R11Params = separation(300).extend({
  roomTypes: roomTypes(["holding", "holding_juvenile", "waiting", "sobering"], "rooms where the sexes must be kept apart"),
});
export const R12Params = separation(60).extend({
  minorUnderYears: z.number().int().positive().default(18),
});
export const R13Params = z.strictObject({
  dwellS: seconds(600, "one officer this long in a room in use raises the alarm"),
  roomTypes: roomTypes(["interrogation", "interrogation_juvenile", "interview"], "rooms that need two officers"),
  cameraHeadcountBelow: z.number().int().positive().default(3).describe("a camera headcount below this is evidence too"),
  cameraMaxAgeS: seconds(120, "a headcount older than this is ignored"),
});
export const R14Params = z.strictObject({
  dwellS: seconds(30, "a detainee alone this long raises DETAINEE_UNATTENDED"),
  exemptRoomTypes: roomTypes(["holding", "holding_juvenile", "waiting", "sobering", "lawyer", "registration"], "rooms a detainee may be in without an officer"),
});
export const R15Params = z.strictObject({
  withinS: seconds(15, "an escort must be with the detainee within this time after a move"),
  anyOfficer: z.boolean().default(true).describe("any officer counts, not only the assigned escorts"),
  exemptToRoomTypes: roomTypes(["holding", "holding_juvenile", "lawyer", "toilet"], "moves into these rooms need no escort in the room"),
});
export const R16Params = z.strictObject({
  forbiddenAreaTypes: areaTypes(["office", "staff_support", "case_mgmt", "property_store"], "areas a detainee never enters"),
  forbiddenRoomTypes: roomTypes(["office", "control_room"], "rooms a detainee never enters"),
});
export const R17Params = z.strictObject({
  escapeRoomTypes: roomTypes(["exit", "sally_port"], "rooms at the edge of the area"),
  escapeAreaTypes: areaTypes(["perimeter", "outside"], "areas outside the secure area"),
});
export const R18Params = z.strictObject({ graceMin: z.number().min(0).default(0).describe("allowed lateness after plannedReturnAt") });
export const R19Params = z.strictObject({
  lowBatteryPct: z.number().min(0).max(100).default(20),
  tamperEvents: z.array(z.string()).default(["tamper", "strap_cut", "tag_tamper"]).describe("DEVICE_EVENT names meaning tamper"),
  roles: z.array(z.string()).default(["detainee"]).describe("whose tags are watched"),
  offlineSeverity: z.number().int().min(0).max(4).default(3),
});
export const R20Params = z.strictObject({
  min: z.number().positive().default(60),
  max: z.number().positive().default(100),
  samples: z.number().int().positive().default(3).describe("consecutive samples out of range"),
  durationS: seconds(60, "or out of range this long"),
});
export const R21Params = z.strictObject({
  dwellS: seconds(300, "over capacity this long raises OVERCROWDING"),
  countRoles: z.array(z.string()).default(["detainee"]).describe("who counts against capacity (config capacity is in detainees)"),
});
export const R22Params = z.strictObject({
  graceS: seconds(10, "a channel may be not recording this long at the start"),
  roomTypes: roomTypes(["interrogation", "interrogation_juvenile", "interview"], "rooms whose co-location of detainee and officer needs recording"),
});
export const R24Params = z.strictObject({
  maxContinuousH: hours(4, "interrogation without a logged break"),
  mealEveryH: hours(6, "a meal is due this long after arrival or the last meal"),
});
export const R25Params = z.strictObject({
  intervalMin: minutes(60, "holding-room check interval"),
  specialIntervalMin: minutes(30, "for drunk or special-category persons"),
  suicideRiskIntervalMin: minutes(15, "for suicide risk (checks should also be irregular)"),
  roomTypes: roomTypes(["holding", "holding_juvenile", "sobering"], "rooms that need patrols"),
});
export const R26Params = z.strictObject({
  graceS: seconds(60, "after interrogation start, female staff must be located in the room within this"),
  minorUnderYears: z.number().int().positive().default(18),
});
export const R27Params = z.strictObject({
  graceS: seconds(30, "understaffed search this long raises the alarm"),
  roomTypes: roomTypes(["search"], "search rooms"),
  minOfficers: z.number().int().positive().default(2),
});
export const R30Params = z.strictObject({
  returnWithinMin: minutes(30, "a tag must be docked or returned within this after exit"),
  returnRoomTypes: roomTypes(["registration"], "a tag seen here counts as returned"),
  watchAfterExitH: hours(24, "how long after exit a sighting counts as TAG_NOT_UNBOUND"),
});
export const R37Params = z.strictObject({
  renotifyS: z.number().positive().default(60).describe("critical alarms are re-notified this often until acknowledged"),
  rateLimitedTypes: z.array(z.string()).default(["TAG_LOW_BATTERY", "TAG_OFFLINE", "DEVICE_OFFLINE"]).describe("device-health alarm types"),
  burst: z.number().int().positive().default(5).describe("alarms of one rate-limited type raised at once before holding back"),
  perMinute: z.number().positive().default(2).describe("refill rate of that allowance"),
  maxDeferred: z.number().int().positive().default(1000).describe("held-back alarms kept per type; older ones beyond are dropped"),
});

/** Rules implemented elsewhere (custody pre-checks, doors, duress, room power): accepted as loose records here. */
const Loose = z.record(z.string(), z.unknown()).default({});

export const RuleParams = z.strictObject({
  R01: R01Params.prefault({}),
  R02: Loose,
  R03: Loose,
  R04: R04Params.prefault({}),
  R05: R05Params.prefault({}),
  R06: R06Params.prefault({}),
  R07: Loose,
  R08: R08Params.prefault({}),
  R09: Loose,
  R10: R10Params.prefault({}),
  R11: R11Params.prefault({}),
  R12: R12Params.prefault({}),
  R13: R13Params.prefault({}),
  R14: R14Params.prefault({}),
  R15: R15Params.prefault({}),
  R16: R16Params.prefault({}),
  R17: R17Params.prefault({}),
  R18: R18Params.prefault({}),
  R19: R19Params.prefault({}),
  R20: R20Params.prefault({}),
  R21: R21Params.prefault({}),
  R22: R22Params.prefault({}),
  R23: Loose,
  R24: R24Params.prefault({}),
  R25: R25Params.prefault({}),
  R26: R26Params.prefault({}),
  R27: R27Params.prefault({}),
  R28: Loose,
  R29: Loose,
  R30: R30Params.prefault({}),
  R31: Loose,
  R32: Loose,
  R33: Loose,
  R34: Loose,
  R35: Loose,
  R36: Loose,
  R37: R37Params.prefault({}),
  R38: Loose,
});
export type RuleParams = z.infer<typeof RuleParams>;
export type RuleParamsInput = z.input<typeof RuleParams>;
export type RuleId = keyof RuleParams;

/** Validates `config.rules`; every problem is reported with its config path (rules.R10.dwellS). */
export function parseRuleParams(rules: Readonly<Record<string, unknown>> = {}): RuleParams {
  const parsed = RuleParams.safeParse(rules);
  if (parsed.success) return parsed.data;
  const issues: ConfigIssue[] = parsed.error.issues.map((i) => ({ path: ["rules", ...i.path.map(String)].join("."), message: i.message }));
  throw new ConfigError("site config", issues);
}

/** Defaults only (tests, bench). */
export const defaultRuleParams = (): RuleParams => parseRuleParams({});
