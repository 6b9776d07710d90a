import { z } from "zod";
import { PersonRole } from "../core/envelope.js";
import { LEGAL_BASES, VULNERABLE_FLAGS, WELFARE_KINDS, type LegalBasis, type VulnerableFlag, type WelfareKind } from "./model.js";

/**
 * The custody command API (issue 4 §5): one envelope, one schema per command. The local HTTP
 * API and central commands both end here; `CustodyService.execute` validates, de-duplicates by
 * command id, runs, audits and answers.
 */
const Id = z.string().min(1).max(128);
const Text = z.string().min(1).max(1000);
const EpochMs = z.number().int().nonnegative();
const Basis = z.enum(LEGAL_BASES as [LegalBasis, ...LegalBasis[]]);
const Flag = z.enum(VULNERABLE_FLAGS as [VulnerableFlag, ...VulnerableFlag[]]);
const Welfare = z.enum(WELFARE_KINDS as [WelfareKind, ...WelfareKind[]]);
const Person = { personId: Id };
const TagIds = z.array(Id).min(1).max(2).describe("one wristband: its HF id and optionally its LF id");

export const Actor = z.strictObject({ kind: z.enum(["operator", "central"]), id: Id });

export const CommandEnvelope = z.strictObject({
  commandId: Id,
  name: z.string().min(1).max(64),
  args: z.record(z.string(), z.unknown()).default({}),
  by: Actor,
  /** Why, in the operator's words: required for an override, recorded in the audit log always. */
  reason: z.string().max(1000).optional(),
});
export type CommandEnvelope = z.input<typeof CommandEnvelope>;

const Register = z
  .strictObject({
    ...Person,
    role: PersonRole,
    name: z.string().max(256).optional(),
    idNumber: z.string().max(64).optional(),
    sex: z.enum(["male", "female", "unknown"]).default("unknown"),
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    ageYears: z.number().int().min(0).max(150).optional(),
    vulnerable: z.array(Flag).max(16).default([]),
    caseNos: z.array(z.string().min(1).max(128)).max(16).default([]),
    incidentNos: z.array(z.string().min(1).max(128)).max(16).default([]),
    coCaseLinks: z.array(Id).max(64).default([]),
    identityRef: z.string().max(256).optional(),
    photoRef: z.string().max(256).optional(),
    arrestingOfficerIds: z.array(Id).max(16).optional(),
    ruleParams: z
      .record(z.string().regex(/^R(0[1-9]|[12]\d|3[0-8])$/), z.record(z.string(), z.unknown()))
      .optional()
      .describe("per-person rule parameters, e.g. R20: { minBpm: 50 } for a medical note"),
    /** Detainees only: opens the custody session. */
    legalBasis: Basis.optional(),
    arrivalAt: EpochMs.optional().describe("到案时间; when absent the clock starts at the first bind (R03)"),
    mayBeDetained: z.boolean().optional(),
    identityUnknown: z.boolean().optional(),
  })
  .refine((a) => a.role !== "detainee" || a.legalBasis !== undefined, { message: "a detainee needs a legalBasis", path: ["legalBasis"] });

const SecurityCheck = z.strictObject({
  ...Person,
  step: z.literal("security_check"),
  officerIds: z.array(Id).min(1).max(8),
  findings: z.string().max(2000).optional(),
  femaleStaffPresent: z.boolean().optional(),
});
const Belongings = (step: "belongings_stored" | "belongings_returned") =>
  z.strictObject({ ...Person, step: z.literal(step), lockerId: Id.optional(), itemsRef: z.string().max(256).optional(), signed: z.boolean().default(false) });
const InfoCapture = z.strictObject({ ...Person, step: z.literal("info_capture"), items: z.array(z.string().min(1).max(64)).min(1).max(32), complete: z.boolean() });

export const CUSTODY_COMMANDS = {
  register: Register,
  bind: z.strictObject({ ...Person, tagIds: TagIds }),
  unbind: z.strictObject({ ...Person, tagIds: TagIds.optional().describe("default: every tag the person wears"), reason: Text.optional() }),
  assign_holding: z.strictObject({ ...Person, roomId: Id }),
  release_holding: z.strictObject({ ...Person }),
  start_interrogation: z.strictObject({
    ...Person,
    roomId: Id,
    officerIds: z.array(Id).min(1).max(8),
    kind: z.enum(["interrogation", "interview", "single_recorded_task"]).default("interrogation"),
    recorderChannels: z.array(Id).max(16).default([]),
    guardianPresent: z.boolean().optional(),
  }),
  end_interrogation: z.strictObject({ ...Person }),
  verify_record: z.strictObject({ ...Person }),
  record_step: z.discriminatedUnion("step", [SecurityCheck, Belongings("belongings_stored"), Belongings("belongings_returned"), InfoCapture]),
  welfare: z.strictObject({ ...Person, kind: Welfare, at: EpochMs.optional(), note: z.string().max(1000).optional() }),
  patrol_punch: z.strictObject({ roomId: Id, officerId: Id.optional().describe("default: the issuer") }),
  extend_clock: z.strictObject({ ...Person, newLimitH: z.number().positive().max(24 * 14), approver: Id, reason: Text, identityUnknown: z.boolean().optional() }),
  pause_clock: z.strictObject({ ...Person, reason: z.literal("sobering_restraint").default("sobering_restraint") }),
  resume_clock: z.strictObject({ ...Person }),
  temp_exit: z.strictObject({ ...Person, reason: z.string().max(64), approver: Id.optional(), plannedReturnAt: EpochMs.optional(), note: z.string().max(1000).optional() }),
  temp_return: z.strictObject({ ...Person }),
  exit: z.strictObject({
    ...Person,
    destination: Text,
    outcome: Text,
    exitAt: EpochMs.optional(),
    belongingsReturned: z.boolean().optional(),
    familyPickup: z.boolean().optional(),
    faceMatchScore: z.number().min(0).max(100).optional(),
  }),
  ack_alarm: z.strictObject({ alarmId: Id, note: z.string().max(1000).optional() }),
  resolve_alarm: z.strictObject({ alarmId: Id, resolution: z.enum(["resolved", "false_alarm", "ignored"]), note: z.string().max(1000).optional() }),
  /** Run a command whose pre-check said needs_override; the envelope's reason is required. */
  override: z.strictObject({ command: z.strictObject({ name: z.string().min(1).max(64), args: z.record(z.string(), z.unknown()) }) }),
} as const;

export type CustodyCommandName = keyof typeof CUSTODY_COMMANDS;
export type CommandArgs = { [N in CustodyCommandName]: z.output<(typeof CUSTODY_COMMANDS)[N]> };
export const CUSTODY_COMMAND_NAMES = Object.keys(CUSTODY_COMMANDS) as CustodyCommandName[];

export function isCustodyCommand(name: string): name is CustodyCommandName {
  return Object.hasOwn(CUSTODY_COMMANDS, name);
}

/** Commands that go to the alarm lifecycle instead of custody state. */
export const ALARM_COMMANDS = new Set<CustodyCommandName>(["ack_alarm", "resolve_alarm"]);

/** One line per zod issue, "path: message". */
export function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ");
}

/** What `execute` answers; stored by command id and returned again for a repeated id. */
export type CommandOutcome =
  | {
      readonly status: "ok";
      readonly commandId: string;
      readonly name: string;
      /** Warnings of the pre-check (the command went through). */
      readonly codes: readonly string[];
      /** With `override`: the pre-check codes it bypassed. */
      readonly overridden?: readonly string[];
      readonly data?: Readonly<Record<string, unknown>>;
      readonly replayed?: boolean;
    }
  | {
      readonly status: "rejected";
      readonly commandId: string;
      readonly name: string;
      readonly verdict: "deny" | "needs_override";
      readonly codes: readonly string[];
      readonly details?: Readonly<Record<string, unknown>>;
      readonly message: string;
      readonly replayed?: boolean;
    }
  | { readonly status: "invalid"; readonly commandId?: string; readonly name?: string; readonly message: string; readonly replayed?: boolean }
  | { readonly status: "error"; readonly commandId: string; readonly name: string; readonly code: string; readonly message: string; readonly replayed?: boolean };
