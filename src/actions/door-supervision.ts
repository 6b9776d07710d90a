import type { Severity } from "../rules/alarm-types.js";
import { fireActive, groupStates, overrideEffective, secure } from "./door-modes.js";
import { alarmKey, type StepCtx } from "./door-step.js";

/**
 * Door supervision on sensor truth (R32, R33): held-open escalation, interlock breach, and the
 * end of an INTERLOCK_BLOCKED episode once the group is secure again.
 */
export function superviseDoors(ctx: StepCtx): void {
  const fire = fireActive(ctx.site, ctx.inputs);
  for (const spec of ctx.site.doors.values()) {
    const s = ctx.door(spec.id);
    if (s.open !== true || s.openSince === null) continue;
    // Doors standing open for a fire are expected; escalate them only once the fire is over.
    if (fire && s.fireReleased) continue;
    const openMs = ctx.at - s.openSince;
    const level = spec.heldOpenLevelsMs.filter((ms) => openMs >= ms).length;
    if (level <= s.heldLevel) continue;
    ctx.patch(spec.id, { heldLevel: level });
    ctx.raise({
      type: "DOOR_HELD_OPEN",
      ruleId: "R33",
      severity: heldSeverity(level),
      dedupKey: alarmKey("DOOR_HELD_OPEN", spec.id),
      subjects: [spec.id],
      message: `door ${spec.id} held open ${Math.round(openMs / 1000)} s (level ${level})`,
      params: { levelsS: spec.heldOpenLevelsMs.map((ms) => ms / 1000) },
      data: { doorId: spec.id, openS: Math.round(openMs / 1000), level },
    });
  }

  for (const [group, members] of ctx.site.groups) {
    const doors = ctx.doorMap();
    const open = members.filter((id) => doors[id]!.open === true);
    const exempt = fire || members.some((id) => overrideEffective(ctx.site, ctx.inputs, ctx.spec(id)));
    const breachKey = alarmKey("INTERLOCK_BREACH", group);
    if (open.length >= 2 && !exempt) {
      ctx.raiseOnce({
        type: "INTERLOCK_BREACH",
        ruleId: "R32",
        severity: 4,
        dedupKey: breachKey,
        subjects: open,
        message: `interlock ${group}: ${open.join(" and ")} open at the same time`,
        data: { groupId: group, doorIds: open, states: groupStates(ctx.site, doors, group) },
      });
    } else if (open.length < 2) ctx.clear(breachKey, "at most one door of the group open");
    if (members.every((id) => secure(ctx.spec(id), doors[id]!))) ctx.clear(alarmKey("INTERLOCK_BLOCKED", group), "all doors of the group closed and locked");
  }
}

/** Dahua-style levels 1–5: a door standing open gets more urgent the longer it stands. */
function heldSeverity(level: number): Severity {
  return level >= 3 ? 4 : level === 2 ? 3 : 2;
}
