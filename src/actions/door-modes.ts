import { inScope } from "./door-site.js";
import type { DoorSite, DoorSpec, DoorState, InputSpec } from "./door-types.js";

/**
 * Predicates over sensor truth and panel inputs (R32, R34). Everything here reads the state;
 * nothing decides from the last command sent.
 */

function activeInputs(site: DoorSite, inputs: Readonly<Record<string, boolean>>, kind: InputSpec["kind"]): InputSpec[] {
  const out: InputSpec[] = [];
  for (const i of site.inputs.values()) if (i.kind === kind && inputs[i.id] === true) out.push(i);
  return out;
}

export function fireActive(site: DoorSite, inputs: Readonly<Record<string, boolean>>): boolean {
  return activeInputs(site, inputs, "fire_alarm").length > 0;
}

/** Lockdown and override both asserted on a door: the configured priority decides (default lockdown). */
export function lockdownEffective(site: DoorSite, inputs: Readonly<Record<string, boolean>>, door: DoorSpec): boolean {
  const lockdown = activeInputs(site, inputs, "lockdown").some((i) => inScope(i, door));
  if (!lockdown) return false;
  return !(site.priority === "override" && activeInputs(site, inputs, "override").some((i) => inScope(i, door)));
}

export function overrideEffective(site: DoorSite, inputs: Readonly<Record<string, boolean>>, door: DoorSpec): boolean {
  const override = activeInputs(site, inputs, "override").some((i) => inScope(i, door));
  if (!override) return false;
  return !(site.priority === "lockdown" && activeInputs(site, inputs, "lockdown").some((i) => inScope(i, door)));
}

/** Read back since the door's devices came online: every configured sensor has reported. */
export function known(spec: DoorSpec, s: DoorState): boolean {
  if (!s.online) return false;
  if (spec.contact && !s.seenContact) return false;
  if ((spec.lock || spec.lockSensor) && !s.seenLock) return false;
  return true;
}

/**
 * Closed and locked by its sensors, with no unlock of ours outstanding and no contact change
 * still settling: the only state in which another door of its interlock group may unlock.
 */
export function secure(spec: DoorSpec, s: DoorState): boolean {
  return known(spec, s) && spec.contact !== undefined && s.open === false && s.rawOpen === false && s.locked === true && s.hold === null;
}

/** What the other doors of a group show, for INTERLOCK_* alarms and audit data. */
export function groupStates(site: DoorSite, doors: Readonly<Record<string, DoorState>>, group: string): Record<string, { open: boolean | null; locked: boolean | null; online: boolean; held: boolean }> {
  const out: Record<string, { open: boolean | null; locked: boolean | null; online: boolean; held: boolean }> = {};
  for (const id of site.groups.get(group) ?? []) {
    const s = doors[id]!;
    out[id] = { open: s.open, locked: s.locked, online: s.online, held: s.hold !== null };
  }
  return out;
}

/** Other doors of the door's group that are not secure (empty: the interlock allows it). */
export function interlockBlockers(site: DoorSite, doors: Readonly<Record<string, DoorState>>, spec: DoorSpec): string[] {
  if (spec.group === undefined) return [];
  return (site.groups.get(spec.group) ?? []).filter((id) => id !== spec.id && !secure(site.doors.get(id)!, doors[id]!));
}
