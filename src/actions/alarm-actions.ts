import type { ActionSpec } from "../config/schema.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { CommandResult } from "../drivers/contract.js";
import type { AlarmAction } from "../rules/alarm-types.js";
import type { DoorOutcome } from "./door-controller.js";
import type { CapabilityLookup } from "./door-site.js";
import type { DoorRequest } from "./door-types.js";
import { sendSafely, type ActionSinks, type SendCommand } from "./sinks.js";
import { TimedRelays } from "./timed-relays.js";

type Raise = Extract<AlarmAction, { kind: "raise" }>;

export interface AlarmBinding {
  readonly alarm: string;
  readonly actions: readonly ActionSpec[];
}

export interface AlarmActionsOptions {
  readonly bindings: readonly AlarmBinding[];
  readonly clock: Clock;
  readonly send: SendCommand;
  /** The door controller; perimeter locks go through it, with its interlocks and audit. */
  readonly doors: { request(req: DoorRequest): Promise<DoorOutcome> };
  readonly audit: ActionSinks["audit"];
  readonly capabilityOf?: CapabilityLookup;
  readonly commandTimeoutMs?: number;
  readonly log?: Logger;
}

/**
 * What alarms set off (config `actions.bindings`): siren/beacon relays for N seconds, perimeter
 * locks, camera presets, recording bookmarks, robot dispatch. Runs once per alarm while it is
 * raised (an update of the same dedup key only extends sirens). Every command is audited with
 * the alarm that caused it.
 */
export class AlarmActions {
  private readonly byType = new Map<string, ActionSpec[]>();
  private readonly handled = new Set<string>();
  readonly relays: TimedRelays;
  private readonly timeoutMs: number;

  constructor(private readonly opts: AlarmActionsOptions) {
    for (const b of opts.bindings) this.byType.set(b.alarm, [...(this.byType.get(b.alarm) ?? []), ...b.actions]);
    this.timeoutMs = opts.commandTimeoutMs ?? 2_000;
    this.relays = new TimedRelays({
      clock: opts.clock,
      send: opts.send,
      capabilityOf: opts.capabilityOf ?? (() => undefined),
      commandTimeoutMs: this.timeoutMs,
      ...(opts.log && { log: opts.log }),
      onResult: (run, on, values, result) => this.audited(`rule:${run.requestedBy}`, on ? "action.relay_on" : "action.relay_off", run.deviceId, run.reason, values, result),
    });
  }

  /** Feed every alarm action (raise and clear) the rules and engines produce. */
  onAlarm(action: AlarmAction): void {
    if (action.kind === "clear") {
      this.handled.delete(action.dedupKey);
      return;
    }
    const specs = this.byType.get(action.type);
    if (!specs) return;
    const first = !this.handled.has(action.dedupKey);
    this.handled.add(action.dedupKey);
    for (const spec of specs) {
      if (spec.kind === "relay") this.relays.switchOn({ deviceId: spec.device, point: spec.point, requestedBy: action.ruleId, reason: why(action) }, spec.forS * 1000);
      else if (first) this.run(spec, action);
    }
  }

  stop(): Promise<void> {
    return this.relays.stopAll();
  }

  private run(spec: Exclude<ActionSpec, { kind: "relay" }>, alarm: Raise): void {
    switch (spec.kind) {
      case "lock_doors":
        for (const doorId of spec.doors) {
          void this.opts.doors.request({ doorId, action: "lock", origin: "rule", requestedBy: alarm.ruleId, reason: why(alarm) });
        }
        return;
      case "camera_preset": {
        const preset = (alarm.zoneId !== undefined ? spec.rooms?.[alarm.zoneId] : undefined) ?? spec.preset;
        if (preset === undefined) return this.skipped(alarm, spec.device, "action.camera_preset", `no preset for zone ${alarm.zoneId ?? "(none)"}`);
        return this.command(alarm, spec.device, "action.camera_preset", { preset });
      }
      case "recording_bookmark":
        return this.command(alarm, spec.device, "action.recording_bookmark", {
          bookmark: `${alarm.type} ${alarm.subjects.join(",")}`.trim(),
          at: this.opts.clock.now(),
          alarm: alarm.dedupKey,
          ...(spec.channel !== undefined && { channel: spec.channel }),
        });
      case "robot_dispatch": {
        const room = spec.room ?? alarm.zoneId;
        if (room === undefined) return this.skipped(alarm, spec.device, "action.robot_dispatch", "the alarm names no room");
        return this.command(alarm, spec.device, "action.robot_dispatch", { dispatch: room, reason: alarm.type, alarm: alarm.dedupKey });
      }
    }
  }

  private command(alarm: Raise, deviceId: string, action: string, values: Record<string, unknown>): void {
    const now = this.opts.clock.now();
    const cmd = { id: `${action}-${deviceId}-${now}`, values, origin: "rule" as const, requestedBy: alarm.ruleId, reason: why(alarm), deadline: now + this.timeoutMs };
    void sendSafely(this.opts.send, deviceId, cmd).then((result) => this.audited(actorOf(alarm), action, deviceId, why(alarm), values, result));
  }

  private skipped(alarm: Raise, deviceId: string, action: string, detail: string): void {
    this.opts.audit.record({ actor: actorOf(alarm), action, target: `device:${deviceId}`, reason: why(alarm), data: { result: "skipped", detail } });
  }

  private audited(actor: string, action: string, deviceId: string, reason: string, values: Record<string, unknown>, result: CommandResult): void {
    const data = result.status === "ok" ? { result: "executed", values } : { result: "failed", code: result.code, detail: result.message, values };
    try {
      this.opts.audit.record({ actor, action, target: `device:${deviceId}`, reason, data });
    } catch (err) {
      this.opts.log?.error({ err, action, device: deviceId }, "audit of an alarm action failed");
    }
  }
}

const actorOf = (a: Raise) => `rule:${a.ruleId}`;
const why = (a: Raise) => `${a.type}: ${a.message}`;
