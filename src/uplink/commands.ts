import { z } from "zod";
import { PersonRole } from "../core/envelope.js";

/**
 * Commands the central system may send on `…/cmd/<name>` and the interface that executes them.
 * The custody engine and the door actions implement `CommandRouter`; the uplink validates,
 * de-duplicates, checks deadline and sender, audits and answers around it.
 */

const Id = z.string().min(1).max(128);
const Override = z.strictObject({ by: Id, reason: z.string().min(1).max(1000) });

export const CENTRAL_COMMANDS = {
  "register-person": z.strictObject({
    personId: Id,
    role: PersonRole,
    identityRef: z.string().max(256).optional(),
    name: z.string().max(256).optional(),
    sex: z.enum(["male", "female", "unknown"]).optional(),
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    vulnerableFlags: z.array(z.string().max(64)).max(32).optional(),
    legalBasis: z.string().max(64).optional(),
    caseNo: z.string().max(128).optional(),
    incidentNo: z.string().max(128).optional(),
    arrivalAt: z.number().optional(),
    arrestingOfficerIds: z.array(Id).max(16).optional(),
    coCaseLinks: z.array(Id).max(64).optional(),
  }),
  "bind-tag": z.strictObject({ personId: Id, tagId: Id, sessionId: Id.optional() }),
  "unbind-tag": z.strictObject({ personId: Id, tagId: Id, reason: z.string().max(1000).optional() }),
  "assign-holding": z.strictObject({ personId: Id, roomId: Id, override: Override.optional() }),
  "release-holding": z.strictObject({ personId: Id, roomId: Id.optional() }),
  "start-interrogation": z.strictObject({
    personId: Id,
    roomId: Id,
    officerIds: z.array(Id).min(1).max(8),
    kind: z.enum(["interrogation", "inquiry", "admin-single-recorded"]).default("interrogation"),
  }),
  "end-interrogation": z.strictObject({ personId: Id, roomId: Id.optional() }),
  "person-exit": z.strictObject({
    personId: Id,
    destination: z.string().max(256),
    outcome: z.string().max(256).optional(),
    belongingsReturned: z.boolean().optional(),
  }),
  override: z.strictObject({
    target: z.string().min(1).max(200).describe('"<kind>:<id>", e.g. "door:d-12", "person:p-7"'),
    ruleId: z.string().regex(/^R\d{2}$/).optional(),
    action: z.string().min(1).max(64),
    by: Id,
    reason: z.string().min(1).max(1000),
    ttlS: z.number().int().positive().max(86_400),
  }),
  door: z.strictObject({
    doorId: Id,
    action: z.enum(["unlock", "lock", "open", "release"]),
    ttlS: z.number().int().positive().max(3600).optional().describe("unlock/open: relock after this"),
  }),
  /** Handled by the uplink itself: publish the birth message again. */
  rebirth: z.strictObject({}),
} as const;

export type CentralCommandName = keyof typeof CENTRAL_COMMANDS;
export type CentralCommandArgs = { [N in CentralCommandName]: z.infer<(typeof CENTRAL_COMMANDS)[N]> };
export const CENTRAL_COMMAND_NAMES = Object.keys(CENTRAL_COMMANDS) as CentralCommandName[];

export function isCentralCommand(name: string): name is CentralCommandName {
  return Object.hasOwn(CENTRAL_COMMANDS, name);
}

export interface CommandMeta {
  commandId: string;
  /** The central user on whose behalf (or the central host id when not given). */
  requestedBy: string;
  /** Epoch ms after which the command must not take effect; undefined = none given. */
  deadline: number | undefined;
  reason?: string;
}

export interface CommandResult {
  status: "ok" | "error";
  data?: unknown;
  error?: { code: string; message: string };
}

/** Executes validated central commands (custody engine, door actions). */
export interface CommandRouter {
  handle<N extends Exclude<CentralCommandName, "rebirth">>(name: N, args: CentralCommandArgs[N], meta: CommandMeta): Promise<CommandResult>;
}

/** What a router without an engine behind a command answers. */
export const notImplemented = (name: string): CommandResult => ({
  status: "error",
  error: { code: "NOT_IMPLEMENTED", message: `no handler for command "${name}" on this gateway` },
});

/** The audit target of a command, "<kind>:<id>", from its arguments. */
export function commandTarget(args: Record<string, unknown>): string | undefined {
  if (typeof args.doorId === "string") return `door:${args.doorId}`;
  if (typeof args.target === "string") return args.target;
  if (typeof args.personId === "string") return `person:${args.personId}`;
  return undefined;
}
