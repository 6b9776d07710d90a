import { handleRequest, handleResult } from "./door-requests.js";
import { enforce } from "./door-safety.js";
import { applyAvailability, applyPoints, settleContacts } from "./door-sensing.js";
import { StepCtx } from "./door-step.js";
import { superviseDoors } from "./door-supervision.js";
import type { DoorInput, DoorSite, DoorState, DoorStep, DoorSystem } from "./door-types.js";

/** Every door unknown and every device offline: nothing is commanded until devices report (read-back). */
export function initialDoorSystem(site: DoorSite, idPrefix: string): DoorSystem {
  const doors: Record<string, DoorState> = {};
  for (const id of site.doors.keys()) {
    doors[id] = {
      id,
      online: false,
      open: null,
      rawOpen: null,
      rawSince: 0,
      locked: null,
      seenContact: false,
      seenLock: false,
      openSince: null,
      heldLevel: 0,
      forced: false,
      authorizedUntil: -Infinity,
      rexUntil: -Infinity,
      hold: null,
      relockAt: null,
      last: null,
      fireReleased: false,
    };
  }
  return { doors, devices: {}, inputs: {}, fireSince: null, raised: {}, idPrefix, nextCommand: 0 };
}

/**
 * The whole door engine as one pure function: (system, input) → (system, commands, decisions,
 * events, alarm actions, audit records). Order within a step: take the input, settle contact
 * debounce, let the engine act on its own (fire, lockdown, relock), then supervise (held open,
 * breach).
 */
export function stepDoors(site: DoorSite, system: DoorSystem, input: DoorInput): DoorStep {
  const ctx = new StepCtx(site, system, input.at);
  const inputsBefore = system.inputs;
  switch (input.kind) {
    case "point":
      applyPoints(ctx, input.deviceId, input.values);
      break;
    case "availability":
      applyAvailability(ctx, input.deviceId, input.online);
      break;
    case "request":
      handleRequest(ctx, input.request, input.passage);
      break;
    case "result":
      handleResult(ctx, input.command, input.ok, input.code, input.message);
      break;
    case "tick":
      break;
  }
  settleContacts(ctx);
  enforce(ctx, inputsBefore);
  superviseDoors(ctx);
  return ctx.finish();
}

/** When the machine next needs a tick after `now` (debounce, held-open level, pulse end, relock, retry); null if never. */
export function nextWakeAt(site: DoorSite, system: DoorSystem, now: number): number | null {
  let next = Infinity;
  const consider = (t: number) => {
    if (t > now && t < next) next = t;
  };
  const fire = system.fireSince !== null;
  for (const spec of site.doors.values()) {
    const s = system.doors[spec.id]!;
    if (s.rawOpen !== null && s.rawOpen !== s.open) consider(s.rawSince + site.timing.debounceMs);
    if (s.open === true && s.openSince !== null) {
      const level = spec.heldOpenLevelsMs[s.heldLevel];
      if (level !== undefined) consider(s.openSince + level);
    }
    if (s.hold !== null && s.hold.until !== Infinity) consider(s.hold.until);
    if (s.relockAt !== null) consider(s.relockAt);
    if (s.last !== null && (fire || s.locked === false)) consider(s.last.at + site.timing.retryMs);
  }
  return next === Infinity ? null : next;
}
