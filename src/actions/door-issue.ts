import type { CommandOrigin } from "../drivers/contract.js";
import type { DoorAction, DoorCommandOut } from "./door-types.js";
import type { StepCtx } from "./door-step.js";
import { hardwarePulse, lockCommandValues } from "./point-values.js";

export interface IssueMeta {
  readonly origin: CommandOrigin;
  readonly requestedBy: string;
  readonly reason: string;
  readonly deadline: number;
  readonly requestId?: string;
  readonly personId?: string;
  readonly passageCodes?: readonly string[];
}

/**
 * Emit one lock command and record what it means for the interlock: from the moment an unlock
 * is sent the door counts as unlocked (`hold`) until a lock is sent, the unlock fails, or its
 * pulse ended and the sensors show it locked again. Callers have already decided it is allowed.
 */
export function issue(ctx: StepCtx, doorId: string, action: DoorAction, meta: IssueMeta): DoorCommandOut {
  const spec = ctx.spec(doorId);
  const lock = spec.lock!;
  const s = ctx.door(doorId);
  const at = ctx.at;
  const commandId = ctx.newCommandId();
  const last = { id: commandId, action, at, failed: false };
  const grace = ctx.site.timing.relockGraceMs;
  const cause = `command:${action}`;
  switch (action) {
    case "unlock":
    case "release":
      ctx.patch(doorId, { last, hold: { commandId, until: Infinity }, authorizedUntil: Infinity, relockAt: null, ...(action === "release" && { fireReleased: true }) }, cause);
      break;
    case "open": {
      const until = at + spec.openPulseMs;
      const authorizedUntil = s.authorizedUntil === Infinity ? Infinity : Math.max(s.authorizedUntil, until + grace);
      ctx.patch(doorId, { last, hold: { commandId, until }, authorizedUntil, relockAt: hardwarePulse(lock.signal) ? null : until }, cause);
      break;
    }
    case "lock":
      ctx.patch(doorId, { last, hold: null, authorizedUntil: Math.min(s.authorizedUntil, at + grace), relockAt: null, fireReleased: false }, cause);
      break;
  }
  const cmd: DoorCommandOut = {
    commandId,
    doorId,
    deviceId: lock.deviceId,
    action,
    values: lockCommandValues(lock.point, action, lock.signal, spec.openPulseMs),
    deadline: meta.deadline,
    origin: meta.origin,
    requestedBy: meta.requestedBy,
    reason: meta.reason,
    ...(meta.requestId !== undefined && { requestId: meta.requestId }),
    ...(meta.personId !== undefined && { personId: meta.personId }),
  };
  ctx.commands.push(cmd);
  ctx.audit({ ...cmd, ...(meta.passageCodes && { passageCodes: meta.passageCodes }) }, "sent", "ALLOWED");
  return cmd;
}

/** A command the engine sends on its own (fire release, lockdown, relock after an open). */
export function engineIssue(ctx: StepCtx, doorId: string, action: DoorAction, requestedBy: string, reason: string): DoorCommandOut {
  return issue(ctx, doorId, action, { origin: "local", requestedBy, reason, deadline: ctx.at + ctx.site.timing.commandTimeoutMs });
}
