import type { EventDraft } from "../core/envelope.js";
import type { CommandOrigin } from "../drivers/contract.js";
import type { AlarmAction } from "../rules/alarm-types.js";
import type { AuditInput } from "../store/audit-log.js";
import type { PassageVerdict } from "./passage-policy.js";

/**
 * The door model (DOMAIN.md §5.4, R32–R35) as plain data. The machine in door-machine.ts is a
 * pure function (system, input) → (system, commands, events, alarms, audits); the controller
 * service feeds it and carries out what it returns.
 */

/** unlock: until locked again; open: unlock for the door's pulse time; release: fire release (R34). */
export type DoorAction = "unlock" | "lock" | "open" | "release";

/** Why a command was executed, rejected or failed (DOOR_COMMAND reasonCode, audit data). */
export const DoorReason = {
  /** Decided and sent; the outcome follows as EXECUTED or a failure code. */
  ALLOWED: "ALLOWED",
  EXECUTED: "EXECUTED",
  UNKNOWN_DOOR: "UNKNOWN_DOOR",
  NO_LOCK_OUTPUT: "NO_LOCK_OUTPUT",
  COMMAND_EXPIRED: "COMMAND_EXPIRED",
  CONTROLLER_OFFLINE: "CONTROLLER_OFFLINE",
  DOOR_STATE_UNKNOWN: "DOOR_STATE_UNKNOWN",
  INTERLOCK_BLOCKED: "INTERLOCK_BLOCKED",
  LOCKDOWN_ACTIVE: "LOCKDOWN_ACTIVE",
  FIRE_RELEASE_ACTIVE: "FIRE_RELEASE_ACTIVE",
  NO_FIRE_ALARM: "NO_FIRE_ALARM",
  PASSAGE_DENIED: "PASSAGE_DENIED",
  PASSAGE_UNCHECKED: "PASSAGE_UNCHECKED",
  INVALID_DIRECTION: "INVALID_DIRECTION",
  RULE_MAY_NOT_UNLOCK: "RULE_MAY_NOT_UNLOCK",
  DEVICE_ERROR: "DEVICE_ERROR",
} as const;
export type DoorReasonCode = (typeof DoorReason)[keyof typeof DoorReason];

export interface PointRef {
  readonly deviceId: string;
  readonly point: string;
}

/**
 * How the lock output is driven. "words": the device takes lock/unlock/pulse (sim-door, smart
 * controllers). "level": a relay output; `energized` says what the powered state means
 * (maglock: locked; electric strike: unlocked), `on`/`off` are the device's own values.
 */
export type LockSignal =
  | { readonly kind: "words" }
  | { readonly kind: "level"; readonly energized: "locked" | "unlocked"; readonly on: unknown; readonly off: unknown; readonly pulse: boolean };

export interface DoorSpec {
  readonly id: string;
  readonly between: readonly [string, string];
  readonly group?: string;
  readonly failMode: "safe" | "secure";
  readonly fireRelease: "auto" | "remote" | "none";
  /** Open this long reaches held-open level i+1 (ascending). */
  readonly heldOpenLevelsMs: readonly number[];
  readonly openPulseMs: number;
  readonly lock?: PointRef & { readonly signal: LockSignal };
  readonly lockSensor?: PointRef;
  readonly contact?: PointRef & { readonly activeMeans: "closed" | "open" };
  readonly rex?: PointRef;
}

export interface InputSpec {
  readonly id: string;
  readonly kind: "fire_alarm" | "lockdown" | "override" | "duress";
  readonly point: PointRef;
  readonly activeWhen?: boolean | string | number;
  readonly doors?: readonly string[];
  readonly groups?: readonly string[];
  readonly zone?: string;
}

export type PointUse = { readonly kind: "contact" | "lock" | "lockSensor" | "rex"; readonly doorId: string } | { readonly kind: "input"; readonly inputId: string };

export interface DoorTiming {
  readonly commandTimeoutMs: number;
  readonly debounceMs: number;
  readonly rexWindowMs: number;
  /** People still pass for this long after a relock command (lock latency). */
  readonly relockGraceMs: number;
  /** A fire release or lockdown lock that failed or did not take is sent again after this long. */
  readonly retryMs: number;
}

/** The doors of a site, compiled once from the config (door-site.ts). */
export interface DoorSite {
  readonly doors: ReadonlyMap<string, DoorSpec>;
  readonly groups: ReadonlyMap<string, readonly string[]>;
  readonly inputs: ReadonlyMap<string, InputSpec>;
  /** `${deviceId}\u0000${point}` → what that point means. */
  readonly byPoint: ReadonlyMap<string, readonly PointUse[]>;
  readonly devicesOfDoor: ReadonlyMap<string, readonly string[]>;
  readonly timing: DoorTiming;
  readonly priority: "lockdown" | "override";
}

export interface IssuedCommand {
  readonly id: string;
  readonly action: DoorAction;
  readonly at: number;
  readonly failed: boolean;
}

export interface DoorState {
  readonly id: string;
  /** Every device the door uses is reachable. */
  readonly online: boolean;
  /** Settled (debounced) contact; null when unknown. */
  readonly open: boolean | null;
  readonly rawOpen: boolean | null;
  readonly rawSince: number;
  /** From the lock sensor or the lock output's read-back; null when unknown. Never from a command. */
  readonly locked: boolean | null;
  /** Which points reported since the door's devices came online (read-back before any command). */
  readonly seenContact: boolean;
  readonly seenLock: boolean;
  readonly openSince: number | null;
  readonly heldLevel: number;
  readonly forced: boolean;
  readonly authorizedUntil: number;
  readonly rexUntil: number;
  /** Interlock guard: an unlock was sent and is not superseded; `until` is the end of a pulse (Infinity otherwise). */
  readonly hold: { readonly commandId: string; readonly until: number } | null;
  /** End of an 'open' on an output without a hardware pulse: the daemon sends the lock itself. */
  readonly relockAt: number | null;
  readonly last: IssuedCommand | null;
  /** Unlocked for a fire; stays so until an explicit lock (R34). */
  readonly fireReleased: boolean;
}

export interface DeviceLink {
  readonly online: boolean;
  /** Values reported while marked offline: applied when the device is back (they are post-outage readings). */
  readonly pending: Readonly<Record<string, unknown>>;
}

export interface DoorSystem {
  readonly doors: Readonly<Record<string, DoorState>>;
  readonly devices: Readonly<Record<string, DeviceLink>>;
  readonly inputs: Readonly<Record<string, boolean>>;
  readonly fireSince: number | null;
  /** Dedup keys of alarms this machine raised and has not cleared. */
  readonly raised: Readonly<Record<string, true>>;
  /** Command ids are `${idPrefix}${n}`: the prefix is unique per run, n counts. */
  readonly idPrefix: string;
  readonly nextCommand: number;
}

export interface DoorRequest {
  /** Correlation id (a central command id, an operator request id); one is made when absent. */
  readonly id?: string;
  readonly doorId: string;
  readonly action: DoorAction;
  readonly origin: CommandOrigin;
  /** Operator id, central identity, rule id, or the engine part ("fire-release"). */
  readonly requestedBy: string;
  readonly reason: string;
  /** Epoch ms; default now + commandTimeoutMs. */
  readonly deadline?: number;
  /** The detainee (or officer) the door is opened for: custody must allow the move. */
  readonly personId?: string;
  /** Where the person goes: one of the door's two zones. */
  readonly toZone?: string;
}

export type DoorInput =
  | { readonly kind: "point"; readonly deviceId: string; readonly values: Readonly<Record<string, unknown>>; readonly at: number }
  | { readonly kind: "availability"; readonly deviceId: string; readonly online: boolean; readonly at: number }
  | { readonly kind: "request"; readonly request: DoorRequest; readonly passage?: PassageVerdict; readonly at: number }
  /** What the device answered to a command this machine issued (`code` as CommandResult codes). */
  | { readonly kind: "result"; readonly command: DoorCommandOut; readonly ok: boolean; readonly code?: string; readonly message?: string; readonly at: number }
  | { readonly kind: "tick"; readonly at: number };

/** A device command the controller must send, with who asked and why. */
export interface DoorCommandOut {
  readonly commandId: string;
  readonly doorId: string;
  readonly deviceId: string;
  readonly action: DoorAction;
  readonly values: Readonly<Record<string, unknown>>;
  readonly deadline: number;
  readonly origin: CommandOrigin;
  readonly requestedBy: string;
  readonly reason: string;
  readonly requestId?: string;
  readonly personId?: string;
}

export interface DecisionOut {
  readonly requestId: string;
  readonly doorId: string;
  readonly action: DoorAction;
  readonly allowed: boolean;
  readonly reasonCode: DoorReasonCode;
  readonly commandId?: string;
  readonly passageCodes?: readonly string[];
}

export interface DoorStep {
  readonly state: DoorSystem;
  readonly commands: readonly DoorCommandOut[];
  readonly decisions: readonly DecisionOut[];
  readonly events: readonly EventDraft[];
  readonly alarms: readonly AlarmAction[];
  readonly audits: readonly AuditInput[];
}
