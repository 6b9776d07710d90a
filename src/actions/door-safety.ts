import { engineIssue } from "./door-issue.js";
import { fireActive, known, lockdownEffective } from "./door-modes.js";
import { FIRE_EXECUTED_KEY, FIRE_REQUIRED_KEY, type StepCtx } from "./door-step.js";

/**
 * What the engine does on its own, every step: fire release (R34), lockdown (R32), relock
 * after an 'open' the hardware cannot time, and letting go of the interlock hold once a pulse
 * has ended and the sensors show the door locked again.
 *
 * `inputsBefore` are the panel inputs before this step, to see lockdown and fire edges.
 */
export function enforce(ctx: StepCtx, inputsBefore: Readonly<Record<string, boolean>>): void {
  const site = ctx.site;
  const fire = fireActive(site, ctx.inputs);
  const fireBefore = fireActive(site, inputsBefore);
  if (fire && !fireBefore) ctx.fireSince = ctx.at;
  if (!fire && fireBefore) {
    ctx.fireSince = null;
    ctx.clear(FIRE_REQUIRED_KEY, "fire alarm cleared");
  }

  for (const spec of site.doors.values()) {
    if (!spec.lock) continue;
    const s = ctx.door(spec.id);
    const at = ctx.at;

    // Fire release of egress doors: sent at once, whatever the door's state; sent again if the
    // device refused it or the door reads locked (a controller that came back from an outage).
    if (fire && spec.fireRelease === "auto") {
      const last = s.last;
      const releasedThisFire = last !== null && last.action === "release" && last.at >= ctx.fireSince!;
      const retryDue = last !== null && at - last.at >= site.timing.retryMs;
      if (!releasedThisFire || (retryDue && s.online && (last.failed || s.locked === true))) {
        engineIssue(ctx, spec.id, "release", "fire-release", "fire alarm: egress door released");
      }
      continue;
    }

    if (s.hold !== null && s.hold.until !== Infinity && at >= s.hold.until && s.locked === true) ctx.patch(spec.id, { hold: null });
    if (s.relockAt !== null && at >= s.relockAt && known(spec, s)) {
      engineIssue(ctx, spec.id, "lock", "open-timer", "open time over: relock");
      continue;
    }

    // Lockdown keeps every door in scope locked; a door released for a fire waits for an explicit lock.
    const lockdown = lockdownEffective(site, ctx.inputs, spec);
    if (!lockdown || s.fireReleased || !s.online || !known(spec, s)) continue;
    const edge = !lockdownEffective(site, inputsBefore, spec);
    const drifted = s.locked === false && (s.last?.action !== "lock" || at - s.last.at >= site.timing.retryMs);
    if (edge || drifted) engineIssue(ctx, spec.id, "lock", "lockdown", edge ? "lockdown input active" : "lockdown: door read unlocked");
  }

  if (fire) fireAlarms(ctx, !fireBefore);
  else if (!Object.values(ctx.doorMap()).some((d) => d.fireReleased)) ctx.clear(FIRE_EXECUTED_KEY, "fire over and every released door locked again");
}

function fireAlarms(ctx: StepCtx, started: boolean): void {
  const fireInputs = [...ctx.site.inputs.values()].filter((i) => i.kind === "fire_alarm" && ctx.inputs[i.id] === true).map((i) => i.id);
  const specs = [...ctx.site.doors.values()];
  if (started) {
    const auto = specs.filter((d) => d.fireRelease === "auto" && d.lock).map((d) => d.id);
    ctx.raise({
      type: "FIRE_RELEASE_EXECUTED",
      ruleId: "R34",
      severity: 3,
      dedupKey: FIRE_EXECUTED_KEY,
      subjects: auto,
      message: `fire alarm: ${auto.length} egress door(s) released`,
      data: { fireInputIds: fireInputs, doorIds: auto },
    });
  }
  const waiting = specs.filter((d) => d.fireRelease === "remote" && !ctx.door(d.id).fireReleased).map((d) => d.id);
  if (waiting.length === 0) ctx.clear(FIRE_REQUIRED_KEY, "every remote-release door released");
  else if (started || !ctx.isRaised(FIRE_REQUIRED_KEY)) {
    ctx.raise({
      type: "FIRE_RELEASE_REQUIRED",
      ruleId: "R34",
      severity: 4,
      dedupKey: FIRE_REQUIRED_KEY,
      subjects: waiting,
      message: `fire alarm: ${waiting.length} detainee door(s) need release from the control room`,
      data: { fireInputIds: fireInputs, doorIds: waiting },
    });
  }
}
