import type { EventDraft } from "../core/envelope.js";
import type { Command, CommandResult } from "../drivers/contract.js";
import type { AlarmAction } from "../rules/alarm-types.js";
import type { AuditInput } from "../store/audit-log.js";

/**
 * Where the action services put what they produce, and how they reach devices. The composition
 * root wires: `send` → `DriverSupervisor.command` (the per-transport queue with deadlines),
 * `events` → `EventPipeline.record`, `alarms` → the alarm lifecycle, `audit` → `AuditLog`.
 */
export type SendCommand = (deviceId: string, cmd: Command) => Promise<CommandResult>;

export interface ActionSinks {
  events(drafts: readonly EventDraft[]): void;
  alarms(actions: readonly AlarmAction[]): void;
  /** `AuditLog` satisfies this; records are synchronous and join the next group commit. */
  audit: { record(input: AuditInput): unknown };
}

/** Sends one command and never rejects: a throw becomes a device error result. */
export async function sendSafely(send: SendCommand, deviceId: string, cmd: Command): Promise<CommandResult> {
  try {
    return await send(deviceId, cmd);
  } catch (err) {
    return { status: "error", code: "device", message: err instanceof Error ? err.message : String(err) };
  }
}
