import type { CommandFacts } from "./door-drafts.js";
import { doorCommandDraft } from "./door-drafts.js";
import { issue } from "./door-issue.js";
import { fireActive, groupStates, interlockBlockers, known, lockdownEffective, overrideEffective } from "./door-modes.js";
import { alarmKey, type StepCtx } from "./door-step.js";
import { DoorReason, type DoorCommandOut, type DoorReasonCode, type DoorRequest } from "./door-types.js";
import type { PassageVerdict } from "./passage-policy.js";

/**
 * Requests to move a lock (operator, central, rule): decide on sensor truth, default-deny
 * anything unknown, and either issue the command or reject it with a reason code. Both the
 * decision and the device's answer are events and audit records.
 */
export function handleRequest(ctx: StepCtx, req: DoorRequest, passage: PassageVerdict | undefined): void {
  const requestId = req.id ?? `req-${ctx.newCommandId()}`;
  const deadline = req.deadline ?? ctx.at + ctx.site.timing.commandTimeoutMs;
  const facts: CommandFacts = {
    doorId: req.doorId,
    action: req.action,
    origin: req.origin,
    requestedBy: req.requestedBy,
    reason: req.reason,
    requestId,
    ...(req.personId !== undefined && { personId: req.personId }),
    ...(passage && { passageCodes: passage.reasonCodes }),
  };
  const code = decide(ctx, req, deadline, passage);
  if (code !== DoorReason.ALLOWED) {
    ctx.decisions.push({ requestId, doorId: req.doorId, action: req.action, allowed: false, reasonCode: code, ...(passage && { passageCodes: passage.reasonCodes }) });
    ctx.events.push(doorCommandDraft(facts, "rejected", code, ctx.at));
    ctx.audit(facts, "rejected", code);
    if (code === DoorReason.INTERLOCK_BLOCKED) blockedAlarm(ctx, req.doorId);
    return;
  }
  const cmd = issue(ctx, req.doorId, req.action, {
    origin: req.origin,
    requestedBy: req.requestedBy,
    reason: req.reason,
    deadline,
    requestId,
    ...(req.personId !== undefined && { personId: req.personId }),
    ...(passage && { passageCodes: passage.reasonCodes }),
  });
  ctx.decisions.push({ requestId, doorId: req.doorId, action: req.action, allowed: true, reasonCode: DoorReason.ALLOWED, commandId: cmd.commandId, ...(passage && { passageCodes: passage.reasonCodes }) });
}

function decide(ctx: StepCtx, req: DoorRequest, deadline: number, passage: PassageVerdict | undefined): DoorReasonCode {
  const spec = ctx.site.doors.get(req.doorId);
  if (!spec) return DoorReason.UNKNOWN_DOOR;
  if (ctx.at >= deadline) return DoorReason.COMMAND_EXPIRED;
  if (!spec.lock) return DoorReason.NO_LOCK_OUTPUT;
  const s = ctx.door(spec.id);
  const fire = fireActive(ctx.site, ctx.inputs);

  if (req.action === "lock") {
    if (fire && spec.fireRelease === "auto") return DoorReason.FIRE_RELEASE_ACTIVE;
    if (!s.online) return DoorReason.CONTROLLER_OFFLINE;
    if (!known(spec, s)) return DoorReason.DOOR_STATE_UNKNOWN;
    return DoorReason.ALLOWED;
  }
  // Fire release from the attended location (R34): egress first, whatever the interlock or lockdown.
  if (req.action === "release") return fire ? DoorReason.ALLOWED : DoorReason.NO_FIRE_ALARM;
  // An egress door released for the fire stays released: a timed open would relock it.
  if (fire && spec.fireRelease === "auto") return DoorReason.FIRE_RELEASE_ACTIVE;

  if (req.origin === "rule" && req.personId === undefined) return DoorReason.RULE_MAY_NOT_UNLOCK;
  if (req.personId !== undefined) {
    if (req.toZone !== undefined && !spec.between.includes(req.toZone)) return DoorReason.INVALID_DIRECTION;
    if (!passage) return DoorReason.PASSAGE_UNCHECKED;
    if (!passage.allowed) return DoorReason.PASSAGE_DENIED;
  }
  if (!s.online) return DoorReason.CONTROLLER_OFFLINE;
  if (!known(spec, s)) return DoorReason.DOOR_STATE_UNKNOWN;
  if (lockdownEffective(ctx.site, ctx.inputs, spec)) return DoorReason.LOCKDOWN_ACTIVE;
  if (!overrideEffective(ctx.site, ctx.inputs, spec) && interlockBlockers(ctx.site, ctx.doorMap(), spec).length > 0) return DoorReason.INTERLOCK_BLOCKED;
  return DoorReason.ALLOWED;
}

function blockedAlarm(ctx: StepCtx, doorId: string): void {
  const spec = ctx.spec(doorId);
  const group = spec.group!;
  const blockers = interlockBlockers(ctx.site, ctx.doorMap(), spec);
  ctx.raise({
    type: "INTERLOCK_BLOCKED",
    ruleId: "R32",
    severity: 1,
    dedupKey: alarmKey("INTERLOCK_BLOCKED", group),
    subjects: [doorId, ...blockers],
    message: `interlock ${group}: ${doorId} stays locked while ${blockers.join(", ")} is not closed and locked`,
    data: { groupId: group, doorIds: [doorId, ...blockers], states: groupStates(ctx.site, ctx.doorMap(), group) },
  });
}

/** What the device answered. A failed unlock no longer holds the interlock: the device did not act. */
export function handleResult(ctx: StepCtx, cmd: DoorCommandOut, ok: boolean, code: string | undefined, message: string | undefined): void {
  const s = ctx.door(cmd.doorId);
  if (!ok && s.last?.id === cmd.commandId) {
    ctx.patch(cmd.doorId, { last: { ...s.last, failed: true }, ...(s.hold?.commandId === cmd.commandId && { hold: null }) }, `failed:${cmd.action}`);
  }
  const reasonCode = resultReason(ok, code);
  const result = ok ? "executed" : "failed";
  ctx.events.push(doorCommandDraft(cmd, result, reasonCode, ctx.at, message));
  ctx.audit(cmd, result, reasonCode, message);
}

/** The reason code of a device's answer (CommandResult codes: timeout = deadline passed, never executed late). */
export function resultReason(ok: boolean, code: string | undefined): DoorReasonCode {
  if (ok) return DoorReason.EXECUTED;
  return code === "timeout" ? DoorReason.COMMAND_EXPIRED : code === "offline" ? DoorReason.CONTROLLER_OFFLINE : DoorReason.DEVICE_ERROR;
}
