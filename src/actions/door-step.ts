import type { EventDraft } from "../core/envelope.js";
import type { AlarmAction, Severity } from "../rules/alarm-types.js";
import type { AuditInput } from "../store/audit-log.js";
import { doorAudit, doorStateDraft, type CommandFacts } from "./door-drafts.js";
import type { DecisionOut, DeviceLink, DoorCommandOut, DoorSite, DoorSpec, DoorState, DoorStep, DoorSystem } from "./door-types.js";

/** R37 dedup key (type, subject, zone), spelled as the rules spell it: `TYPE|subject|zone`. */
export function alarmKey(type: string, subject: string, zoneId?: string): string {
  return `${type}|${subject}|${zoneId ?? ""}`;
}

/** Fire alarms concern the whole site. */
export const FIRE_EXECUTED_KEY = alarmKey("FIRE_RELEASE_EXECUTED", "site");
export const FIRE_REQUIRED_KEY = alarmKey("FIRE_RELEASE_REQUIRED", "site");

export interface RaiseSpec {
  readonly type: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly dedupKey: string;
  readonly subjects: readonly string[];
  readonly message: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly zoneId?: string;
}

/**
 * The working copy of one machine step: copy-on-write over the previous system, plus what the
 * step produces. Keeps the step a pure function without deep copies of untouched doors.
 */
export class StepCtx {
  readonly commands: DoorCommandOut[] = [];
  readonly decisions: DecisionOut[] = [];
  readonly events: EventDraft[] = [];
  readonly alarms: AlarmAction[] = [];
  readonly audits: AuditInput[] = [];
  private readonly doors: Record<string, DoorState>;
  private readonly touched = new Map<string, string>();
  devices: Record<string, DeviceLink>;
  inputs: Record<string, boolean>;
  fireSince: number | null;
  private raised: Record<string, true>;
  private nextCommand: number;

  constructor(
    readonly site: DoorSite,
    private readonly prev: DoorSystem,
    readonly at: number,
  ) {
    this.doors = { ...prev.doors };
    this.devices = prev.devices;
    this.inputs = prev.inputs;
    this.fireSince = prev.fireSince;
    this.raised = prev.raised;
    this.nextCommand = prev.nextCommand;
  }

  spec(doorId: string): DoorSpec {
    return this.site.doors.get(doorId)!;
  }

  door(doorId: string): DoorState {
    return this.doors[doorId]!;
  }

  doorMap(): Readonly<Record<string, DoorState>> {
    return this.doors;
  }

  /** Change a door; `cause` names why in the DOOR_STATE event if what sensors show changed. */
  patch(doorId: string, patch: Partial<DoorState>, cause = "sensor"): DoorState {
    const next = { ...this.doors[doorId]!, ...patch };
    this.doors[doorId] = next;
    if (!this.touched.has(doorId)) this.touched.set(doorId, cause);
    return next;
  }

  setDevice(deviceId: string, link: DeviceLink): void {
    this.devices = { ...this.devices, [deviceId]: link };
  }

  setInput(inputId: string, active: boolean): void {
    this.inputs = { ...this.inputs, [inputId]: active };
  }

  newCommandId(): string {
    return `${this.prev.idPrefix}${++this.nextCommand}`;
  }

  isRaised(dedupKey: string): boolean {
    return this.raised[dedupKey] === true;
  }

  /** Raise, or update a raised alarm (same dedup key: the lifecycle counts it). */
  raise(r: RaiseSpec): void {
    this.alarms.push({
      kind: "raise",
      type: r.type,
      ruleId: r.ruleId,
      severity: r.severity,
      dedupKey: r.dedupKey,
      subjects: r.subjects,
      message: r.message,
      params: r.params ?? {},
      ...(r.data && { data: r.data }),
      ...(r.zoneId !== undefined && { zoneId: r.zoneId }),
    });
    if (!this.raised[r.dedupKey]) this.raised = { ...this.raised, [r.dedupKey]: true };
  }

  /** Raise only when not raised already. */
  raiseOnce(r: RaiseSpec): void {
    if (!this.isRaised(r.dedupKey)) this.raise(r);
  }

  /**
   * Clear even when this process did not raise it: an alarm raised before a restart is still
   * open in the (persisted) alarm lifecycle, and only the returning sensor can end it.
   */
  clearAny(dedupKey: string, reason: string): void {
    if (this.raised[dedupKey]) return this.clear(dedupKey, reason);
    this.alarms.push({ kind: "clear", dedupKey, reason });
  }

  clear(dedupKey: string, reason: string): void {
    if (!this.raised[dedupKey]) return;
    const { [dedupKey]: _gone, ...rest } = this.raised;
    this.raised = rest;
    this.alarms.push({ kind: "clear", dedupKey, reason });
  }

  audit(c: CommandFacts, result: "sent" | "rejected" | "executed" | "failed", reasonCode: Parameters<typeof doorAudit>[2], detail?: string): void {
    this.audits.push(doorAudit(c, result, reasonCode, detail));
  }

  finish(): DoorStep {
    const stateEvents: EventDraft[] = [];
    for (const [id, cause] of this.touched) {
      const before = this.prev.doors[id]!;
      const after = this.doors[id]!;
      if (before.online !== after.online || before.open !== after.open || before.locked !== after.locked) {
        stateEvents.push(doorStateDraft(this.spec(id), after, this.at, cause));
      }
    }
    const state: DoorSystem = {
      doors: this.doors,
      devices: this.devices,
      inputs: this.inputs,
      fireSince: this.fireSince,
      raised: this.raised,
      idPrefix: this.prev.idPrefix,
      nextCommand: this.nextCommand,
    };
    return {
      state,
      commands: this.commands,
      decisions: this.decisions,
      events: [...stateEvents, ...this.events],
      alarms: this.alarms,
      audits: this.audits,
    };
  }
}
