import type { SiteConfig } from "../config/schema.js";
import type { Capability } from "../drivers/contract.js";
import type { DoorSite, DoorSpec, DoorTiming, InputSpec, PointRef, PointUse } from "./door-types.js";
import { lockSignalFor } from "./point-values.js";

/** Defaults of the `actions:` and door fields (config/schema.ts documents them). */
export const DOOR_DEFAULTS = {
  commandTimeoutMs: 2_000,
  contactDebounceMs: 50,
  rexWindowS: 10,
  relockGraceMs: 3_000,
  retryMs: 2_000,
  openPulseS: 5,
  heldOpenFactors: [1, 2, 4, 8, 16],
} as const;

export const pointKey = (deviceId: string, point: string | number): string => `${deviceId}\u0000${String(point)}`;

/** What the driver declares for a point (from DriverDefinition.capabilities); undefined when unknown. */
export type CapabilityLookup = (deviceId: string, point: string) => Capability | undefined;

type SiteDoor = SiteConfig["doors"][number];

/** Compiles doors, inputs and door-control settings of the site into lookup tables. */
export function compileDoorSite(config: Pick<SiteConfig, "doors" | "inputs" | "actions">, capabilityOf: CapabilityLookup = () => undefined): DoorSite {
  const a = config.actions ?? {};
  const timing: DoorTiming = {
    commandTimeoutMs: a.commandTimeoutMs ?? DOOR_DEFAULTS.commandTimeoutMs,
    debounceMs: a.contactDebounceMs ?? DOOR_DEFAULTS.contactDebounceMs,
    rexWindowMs: (a.rexWindowS ?? DOOR_DEFAULTS.rexWindowS) * 1000,
    relockGraceMs: DOOR_DEFAULTS.relockGraceMs,
    retryMs: DOOR_DEFAULTS.retryMs,
  };
  const doors = new Map<string, DoorSpec>();
  const groups = new Map<string, string[]>();
  const byPoint = new Map<string, PointUse[]>();
  const devicesOfDoor = new Map<string, string[]>();
  const use = (ref: PointRef, u: PointUse) => {
    const key = pointKey(ref.deviceId, ref.point);
    byPoint.set(key, [...(byPoint.get(key) ?? []), u]);
  };

  for (const d of config.doors) {
    const spec = doorSpec(d, capabilityOf);
    doors.set(spec.id, spec);
    if (spec.group) groups.set(spec.group, [...(groups.get(spec.group) ?? []), spec.id]);
    const refs: Array<[PointRef | undefined, PointUse["kind"]]> = [
      [spec.contact, "contact"],
      [spec.lock, "lock"],
      [spec.lockSensor, "lockSensor"],
      [spec.rex, "rex"],
    ];
    const devices = new Set<string>();
    for (const [ref, kind] of refs) {
      if (!ref) continue;
      use(ref, { kind, doorId: spec.id } as PointUse);
      devices.add(ref.deviceId);
    }
    devicesOfDoor.set(spec.id, [...devices]);
  }

  const inputs = new Map<string, InputSpec>();
  for (const i of config.inputs ?? []) {
    const spec: InputSpec = {
      id: i.id,
      kind: i.kind,
      point: ref(i.point),
      ...(i.activeWhen !== undefined && { activeWhen: i.activeWhen }),
      ...(i.doors && { doors: i.doors }),
      ...(i.groups && { groups: i.groups }),
      ...(i.zone && { zone: i.zone }),
    };
    inputs.set(spec.id, spec);
    use(spec.point, { kind: "input", inputId: spec.id });
  }
  return { doors, groups, inputs, byPoint, devicesOfDoor, timing, priority: a.interlockPriority ?? "lockdown" };
}

function ref(p: { device: string; point: string | number }): PointRef {
  return { deviceId: p.device, point: String(p.point) };
}

function doorSpec(d: SiteDoor, capabilityOf: CapabilityLookup): DoorSpec {
  const levels = d.heldOpenLevelsS ?? DOOR_DEFAULTS.heldOpenFactors.map((f) => f * d.heldOpenS);
  const spec: DoorSpec = {
    id: d.id,
    between: d.between,
    ...(d.interlockGroup !== undefined && { group: d.interlockGroup }),
    failMode: d.failMode,
    fireRelease: d.fireRelease,
    heldOpenLevelsMs: [...levels].sort((x, y) => x - y).map((s) => s * 1000),
    openPulseMs: (d.openPulseS ?? DOOR_DEFAULTS.openPulseS) * 1000,
    ...(d.lock && {
      lock: { ...ref(d.lock), signal: lockSignalFor(d.lockOutput ?? "auto", d.failMode, capabilityOf(d.lock.device, String(d.lock.point))) },
    }),
    ...(d.lockSensor && { lockSensor: ref(d.lockSensor) }),
    ...(d.contact && { contact: { ...ref(d.contact), activeMeans: d.contactActive ?? "closed" } }),
    ...(d.requestToExit && { rex: ref(d.requestToExit) }),
  };
  return spec;
}

/** Lockdown/override input scope: no lists means every door. */
export function inScope(input: InputSpec, door: DoorSpec): boolean {
  if (!input.doors && !input.groups) return true;
  return (input.doors?.includes(door.id) ?? false) || (door.group !== undefined && (input.groups?.includes(door.group) ?? false));
}
