import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { CommandResult } from "../drivers/contract.js";
import type { CapabilityLookup } from "./door-site.js";
import { outputValue } from "./point-values.js";
import { sendSafely, type ActionSinks, type SendCommand } from "./sinks.js";

/** One interrogation room's power and signage outputs (config `actions.roomPower`). */
export interface RoomPowerSpec {
  readonly room: string;
  readonly power: { readonly device: string; readonly point: string | number };
  readonly signage?: { readonly device: string; readonly point: string | number };
  readonly offDelayMin?: number;
  readonly continueDelayMin?: number;
}

export interface RoomPowerState {
  readonly on: boolean;
  /** When the power is due to go off; null while a session runs or the room is off. */
  readonly offAt: number | null;
}

export type RoomPowerInput =
  | { readonly kind: "started" }
  | { readonly kind: "verified"; readonly continued: boolean }
  | { readonly kind: "due"; readonly detaineesPresent: number };

export const ROOM_POWER_DEFAULTS = { offDelayMin: 10, continueDelayMin: 30, recheckMs: 60_000 } as const;

/**
 * R23 as a pure transition: power on at session start; off 10 min after RECORD_VERIFIED (30 with
 * "continue"); never off while a detainee is located in the room (checked again later).
 */
export function roomPowerNext(s: RoomPowerState, input: RoomPowerInput, now: number, spec: RoomPowerSpec, recheckMs: number): { state: RoomPowerState; switchTo?: boolean } {
  switch (input.kind) {
    case "started":
      return s.on && s.offAt === null ? { state: s } : { state: { on: true, offAt: null }, ...(!s.on && { switchTo: true }) };
    case "verified": {
      const min = input.continued ? (spec.continueDelayMin ?? ROOM_POWER_DEFAULTS.continueDelayMin) : (spec.offDelayMin ?? ROOM_POWER_DEFAULTS.offDelayMin);
      return s.on ? { state: { on: true, offAt: now + min * 60_000 } } : { state: s };
    }
    case "due":
      if (!s.on || s.offAt === null || now < s.offAt) return { state: s };
      if (input.detaineesPresent > 0) return { state: { on: true, offAt: now + recheckMs } };
      return { state: { on: false, offAt: null }, switchTo: false };
  }
}

export interface RoomPowerOptions {
  readonly rooms: readonly RoomPowerSpec[];
  readonly clock: Clock;
  readonly send: SendCommand;
  readonly audit: ActionSinks["audit"];
  /** Detainees located in the room now (presence + custody). */
  readonly detaineesIn: (roomId: string) => number;
  readonly capabilityOf?: CapabilityLookup;
  readonly commandTimeoutMs?: number;
  readonly recheckMs?: number;
  readonly log?: Logger;
}

/** Drives interrogation-room power and signage from custody events (R23). */
export class RoomPower {
  private readonly specs = new Map<string, RoomPowerSpec>();
  private readonly states = new Map<string, RoomPowerState>();
  private readonly timers = new Map<string, TimerHandle>();

  constructor(private readonly opts: RoomPowerOptions) {
    for (const r of opts.rooms) this.specs.set(r.room, r);
  }

  /** Feed lifecycle events; INTERROGATION_STARTED and RECORD_VERIFIED of configured rooms matter. */
  onEvent(e: { readonly type: string; readonly roomId?: string; readonly payload: Readonly<Record<string, unknown>> }): void {
    const roomId = e.roomId ?? (typeof e.payload.roomId === "string" ? e.payload.roomId : undefined);
    if (roomId === undefined || !this.specs.has(roomId)) return;
    if (e.type === "INTERROGATION_STARTED") this.apply(roomId, { kind: "started" });
    else if (e.type === "RECORD_VERIFIED") this.apply(roomId, { kind: "verified", continued: e.payload.continue === true });
  }

  state(roomId: string): RoomPowerState {
    return this.states.get(roomId) ?? { on: false, offAt: null };
  }

  stop(): void {
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t);
    this.timers.clear();
  }

  private apply(roomId: string, input: RoomPowerInput): void {
    const spec = this.specs.get(roomId)!;
    const now = this.opts.clock.now();
    const r = roomPowerNext(this.state(roomId), input, now, spec, this.opts.recheckMs ?? ROOM_POWER_DEFAULTS.recheckMs);
    this.states.set(roomId, r.state);
    if (r.switchTo !== undefined) this.switch(spec, r.switchTo, input.kind === "due" ? "R23: record verified, room empty" : "R23: interrogation started");
    const old = this.timers.get(roomId);
    if (old) this.opts.clock.clearTimeout(old);
    this.timers.delete(roomId);
    if (r.state.offAt !== null) {
      this.timers.set(
        roomId,
        this.opts.clock.setTimeout(() => this.apply(roomId, { kind: "due", detaineesPresent: this.opts.detaineesIn(roomId) }), Math.max(0, r.state.offAt - now)),
      );
    }
  }

  private switch(spec: RoomPowerSpec, on: boolean, reason: string): void {
    for (const p of [spec.power, spec.signage]) {
      if (!p) continue;
      const point = String(p.point);
      const values = { [point]: outputValue(on, this.opts.capabilityOf?.(p.device, point)) };
      const now = this.opts.clock.now();
      const cmd = { id: `room-power-${spec.room}-${point}-${now}`, values, origin: "rule" as const, requestedBy: "R23", reason, deadline: now + (this.opts.commandTimeoutMs ?? 2_000) };
      void sendSafely(this.opts.send, p.device, cmd).then((res) => this.audited(spec.room, p.device, on, values, reason, res));
    }
  }

  private audited(roomId: string, deviceId: string, on: boolean, values: Record<string, unknown>, reason: string, res: CommandResult): void {
    const result = res.status === "ok" ? { result: "executed" } : { result: "failed", code: res.code, detail: res.message };
    this.opts.audit.record({ actor: "rule:R23", action: on ? "room.power_on" : "room.power_off", target: `zone:${roomId}`, reason, data: { deviceId, values, ...result } });
    if (res.status !== "ok") this.opts.log?.warn({ room: roomId, device: deviceId, on, res }, "room power command failed");
  }
}
