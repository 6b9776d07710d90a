import { pointKey } from "./door-site.js";
import { alarmKey, type StepCtx } from "./door-step.js";
import type { PointUse } from "./door-types.js";
import { activeOf, contactOpen, inputActive, lockOutputLocked, lockSensorLocked } from "./point-values.js";

/**
 * Sensor truth in: point values and device availability. A door's state comes only from what
 * its devices report; when a device goes offline everything it reported becomes unknown, and
 * stays unknown until the device reports again (R33, R35).
 */

export function applyPoints(ctx: StepCtx, deviceId: string, values: Readonly<Record<string, unknown>>): void {
  const link = ctx.devices[deviceId];
  if (!link?.online) {
    // Reported while we consider it offline: keep for when it is back, do not show it.
    ctx.setDevice(deviceId, { online: false, pending: { ...link?.pending, ...values } });
    return;
  }
  for (const [point, value] of Object.entries(values)) {
    for (const use of ctx.site.byPoint.get(pointKey(deviceId, point)) ?? []) applyUse(ctx, use, value);
  }
}

function applyUse(ctx: StepCtx, use: PointUse, value: unknown): void {
  const at = ctx.at;
  if (use.kind === "input") {
    const spec = ctx.site.inputs.get(use.inputId)!;
    const active = inputActive(value, spec.activeWhen);
    if (active !== null && active !== (ctx.inputs[use.inputId] ?? false)) ctx.setInput(use.inputId, active);
    return;
  }
  const spec = ctx.spec(use.doorId);
  const s = ctx.door(use.doorId);
  switch (use.kind) {
    case "contact": {
      const open = contactOpen(value, spec.contact!.activeMeans);
      if (open === null) ctx.patch(spec.id, { open: null, rawOpen: null, seenContact: false, openSince: null }, "unreadable");
      else if (!s.seenContact) ctx.patch(spec.id, { open, rawOpen: open, rawSince: at, seenContact: true, openSince: open ? at : null }, "read-back");
      else if (open !== s.rawOpen) ctx.patch(spec.id, { rawOpen: open, rawSince: at });
      return;
    }
    case "lock":
    case "lockSensor": {
      // With a bolt/bond monitor, the output's read-back is not the truth about the lock.
      if (use.kind === "lock" && spec.lockSensor) return;
      const locked = use.kind === "lock" ? lockOutputLocked(value, spec.lock!.signal) : lockSensorLocked(value);
      if (locked !== s.locked || s.seenLock !== (locked !== null)) ctx.patch(spec.id, { locked, seenLock: locked !== null }, s.seenLock ? "sensor" : "read-back");
      return;
    }
    case "rex":
      if (activeOf(value) === true) ctx.patch(spec.id, { rexUntil: at + ctx.site.timing.rexWindowMs });
      return;
  }
}

export function applyAvailability(ctx: StepCtx, deviceId: string, online: boolean): void {
  const before = ctx.devices[deviceId];
  // A device never heard of is offline already, but saying so raises its alarms (startup).
  if (before !== undefined && before.online === online) return;
  const pending = before?.pending ?? {};
  ctx.setDevice(deviceId, { online, pending: {} });
  const doorIds = [...ctx.site.devicesOfDoor].filter(([, devices]) => devices.includes(deviceId)).map(([id]) => id);
  for (const doorId of doorIds) {
    const all = ctx.site.devicesOfDoor.get(doorId)!.every((d) => ctx.devices[d]?.online === true);
    if (!online) {
      const spec = ctx.spec(doorId);
      // What this device reported is unknown now; what another device of the door reports stays.
      const contactHere = spec.contact?.deviceId === deviceId;
      const lockHere = (spec.lockSensor ?? spec.lock)?.deviceId === deviceId;
      ctx.patch(
        doorId,
        {
          online: false,
          ...(contactHere && { open: null, rawOpen: null, seenContact: false, openSince: null }),
          ...(lockHere && { locked: null, seenLock: false }),
        },
        "offline",
      );
      ctx.raiseOnce({
        type: "DOOR_OFFLINE",
        ruleId: "R33",
        severity: 3,
        dedupKey: alarmKey("DOOR_OFFLINE", doorId),
        subjects: [doorId],
        message: `door ${doorId}: controller ${deviceId} offline, door state unknown`,
        data: { doorId, deviceId },
      });
    } else if (all) {
      ctx.patch(doorId, { online: true }, "online");
      ctx.clearAny(alarmKey("DOOR_OFFLINE", doorId), "controller back online");
    }
  }
  const commsKey = alarmKey("DOOR_COMMS_LOST", deviceId);
  if (!online && doorIds.length > 0) {
    ctx.raiseOnce({
      type: "DOOR_COMMS_LOST",
      ruleId: "R35",
      severity: 3,
      dedupKey: commsKey,
      subjects: doorIds,
      message: `lost contact with door controller ${deviceId}; no unlocks until it reports again`,
      data: { deviceId, doorIds },
    });
  } else if (online) {
    ctx.clearAny(commsKey, "controller back online");
    // Readings it sent while we still had it offline are newer than the outage: they count.
    if (Object.keys(pending).length > 0) applyPoints(ctx, deviceId, pending);
  }
}

/** Commit contact changes that stayed stable for the debounce time; judge new openings. */
export function settleContacts(ctx: StepCtx): void {
  const { debounceMs } = ctx.site.timing;
  for (const spec of ctx.site.doors.values()) {
    const s = ctx.door(spec.id);
    if (s.rawOpen === null || s.rawOpen === s.open || !s.seenContact || ctx.at - s.rawSince < debounceMs) continue;
    if (s.rawOpen) {
      const t = s.rawSince;
      const authorized = s.fireReleased || s.locked === false || t <= s.authorizedUntil || t <= s.rexUntil;
      const forced = spec.lock !== undefined && !authorized;
      ctx.patch(spec.id, { open: true, openSince: t, forced });
      if (forced) {
        ctx.raise({
          type: "DOOR_FORCED",
          ruleId: "R33",
          severity: 4,
          dedupKey: alarmKey("DOOR_FORCED", spec.id),
          subjects: [spec.id],
          message: `door ${spec.id} opened without a command, credential or exit request`,
          data: { doorId: spec.id, locked: s.locked },
        });
      }
    } else {
      ctx.patch(spec.id, { open: false, openSince: null, heldLevel: 0, forced: false });
      ctx.clear(alarmKey("DOOR_HELD_OPEN", spec.id), "door closed");
      ctx.clear(alarmKey("DOOR_FORCED", spec.id), "door closed");
    }
  }
}
