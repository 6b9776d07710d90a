import type { EventDraft } from "../core/envelope.js";
import type { CommandOrigin } from "../drivers/contract.js";
import type { AuditInput } from "../store/audit-log.js";
import type { DoorAction, DoorReasonCode, DoorSpec, DoorState } from "./door-types.js";

/** Event source origin of everything the door engine itself decides (fire release, relocks, state). */
export const DOORS_ORIGIN = "engine:doors";

/** Audit actor, as the audit log names them: "operator:<id>", "central:<user>", "rule:<id>", "engine:<part>". */
export function actorOf(origin: CommandOrigin, requestedBy: string): string {
  return origin === "local" ? `engine:${requestedBy}` : `${origin}:${requestedBy}`;
}

/** DOOR_STATE (DOMAIN.md §8.1): what the sensors say; null is unknown (offline or not read back). */
export function doorStateDraft(spec: DoorSpec, s: DoorState, at: number, cause: string): EventDraft {
  return {
    type: "DOOR_STATE",
    category: "door",
    receivedAt: at,
    source: { origin: DOORS_ORIGIN, ...(spec.contact ? { deviceId: spec.contact.deviceId } : spec.lock ? { deviceId: spec.lock.deviceId } : {}) },
    subjects: [{ kind: "door", id: spec.id }],
    payload: {
      doorId: spec.id,
      open: s.open,
      locked: s.locked,
      online: s.online,
      source: "sensor",
      cause,
      ...(spec.group !== undefined && { interlockGroupId: spec.group }),
    },
  };
}

export interface CommandFacts {
  readonly doorId: string;
  readonly action: DoorAction;
  readonly origin: CommandOrigin;
  readonly requestedBy: string;
  readonly reason: string;
  readonly requestId?: string;
  readonly commandId?: string;
  readonly personId?: string;
  readonly deviceId?: string;
  readonly values?: Readonly<Record<string, unknown>>;
  readonly passageCodes?: readonly string[];
}

export type CommandResultWord = "sent" | "executed" | "rejected" | "failed";

/** DOOR_COMMAND (DOMAIN.md §8.1): every decision and every outcome, correlated by command id. */
export function doorCommandDraft(c: CommandFacts, result: Exclude<CommandResultWord, "sent">, reasonCode: DoorReasonCode, at: number, detail?: string): EventDraft {
  const correlationId = c.commandId ?? c.requestId;
  return {
    type: "DOOR_COMMAND",
    category: "door",
    receivedAt: at,
    source: { origin: actorOf(c.origin, c.requestedBy), ...(c.deviceId !== undefined && { deviceId: c.deviceId }) },
    subjects: [{ kind: "door", id: c.doorId }, ...(c.personId !== undefined ? [{ kind: "person" as const, id: c.personId }] : [])],
    ...(correlationId !== undefined && { correlationId }),
    ...(c.personId !== undefined && { personId: c.personId }),
    payload: {
      doorId: c.doorId,
      action: c.action,
      requestedBy: c.requestedBy,
      origin: c.origin,
      reason: c.reason,
      result,
      reasonCode,
      ...(c.commandId !== undefined && { commandId: c.commandId }),
      ...(c.requestId !== undefined && { requestId: c.requestId }),
      ...(c.passageCodes && { passageCodes: c.passageCodes }),
      ...(detail !== undefined && { detail }),
    },
  };
}

/** One audit record: who, from where, why, what happened and the reason code. */
export function doorAudit(c: CommandFacts, result: CommandResultWord, reasonCode: DoorReasonCode, detail?: string): AuditInput {
  return {
    actor: actorOf(c.origin, c.requestedBy),
    action: `door.${c.action}`,
    target: `door:${c.doorId}`,
    reason: c.reason,
    data: {
      result,
      reasonCode,
      ...(c.commandId !== undefined && { commandId: c.commandId }),
      ...(c.requestId !== undefined && { requestId: c.requestId }),
      ...(c.personId !== undefined && { personId: c.personId }),
      ...(c.passageCodes && { passageCodes: c.passageCodes }),
      ...(c.deviceId !== undefined && { deviceId: c.deviceId, values: c.values }),
      ...(detail !== undefined && { detail }),
    },
  };
}
