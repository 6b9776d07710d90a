import { SiteConfig, type SiteConfigInput } from "../../src/config/schema.js";
import { compileDoorSite, type CapabilityLookup } from "../../src/actions/door-site.js";
import { initialDoorSystem, stepDoors } from "../../src/actions/door-machine.js";
import type { DoorCommandOut, DoorInput, DoorSite, DoorStep, DoorSystem } from "../../src/actions/door-types.js";
import { Access, type Capability } from "../../src/drivers/contract.js";

/**
 * A small custody block for door tests: a vehicle sally port (two doors, interlocked), a cell
 * block whose three doors open onto one vestibule (interlocked), and a lobby door. Controllers
 * "ctl-a" and "ctl-b" drive the doors, "panel" carries the fire, lockdown and override inputs.
 * Door signals vary on purpose: lock/unlock words, a relay with a hardware pulse, a relay without.
 */
export const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

const door = (id: string, between: [string, string], device: string, n: number, extra: Record<string, unknown> = {}) => ({
  id,
  between,
  failMode: "secure",
  fireRelease: "remote",
  lock: { device, point: `lock-${n}` },
  contact: { device, point: `contact-${n}` },
  ...extra,
});

export function doorSiteConfig(overrides: Partial<SiteConfigInput> = {}, priority: "lockdown" | "override" = "lockdown"): SiteConfig {
  return SiteConfig.parse({
    version: 1,
    center: { id: "c1", name: "Test" },
    gateway: { id: "gw" },
    areas: [
      {
        id: "secure",
        type: "secure_area",
        rooms: [
          { id: "corridor", type: "corridor" },
          { id: "sally-port", type: "sally_port" },
          { id: "vestibule", type: "corridor" },
          { id: "cell-1", type: "holding" },
          { id: "cell-2", type: "holding" },
          { id: "cell-3", type: "holding" },
        ],
      },
      { id: "outside", type: "outside" },
    ],
    doors: [
      door("sally-a", ["corridor", "sally-port"], "ctl-a", 1, { interlockGroup: "sally", failMode: "safe", fireRelease: "auto" }),
      door("sally-b", ["sally-port", "outside"], "ctl-b", 1, { interlockGroup: "sally" }),
      door("cell-1-door", ["cell-1", "vestibule"], "ctl-a", 2, { interlockGroup: "block" }),
      door("cell-2-door", ["cell-2", "vestibule"], "ctl-b", 2, { interlockGroup: "block" }),
      door("cell-3-door", ["cell-3", "vestibule"], "ctl-a", 3, { interlockGroup: "block", failMode: "safe", fireRelease: "auto" }),
      door("lobby", ["corridor", "outside"], "ctl-b", 3, { failMode: "safe", fireRelease: "auto", requestToExit: { device: "ctl-b", point: "rex-3" } }),
    ],
    devices: [
      { id: "ctl-a", driver: "sim-door" },
      { id: "ctl-b", driver: "sim-door" },
      { id: "panel", driver: "sim-door" },
    ],
    inputs: [
      { id: "fire", kind: "fire_alarm", point: { device: "panel", point: "fire" } },
      { id: "lockdown", kind: "lockdown", point: { device: "panel", point: "lockdown" } },
      { id: "sally-override", kind: "override", point: { device: "panel", point: "override" }, groups: ["sally"] },
    ],
    actions: { interlockPriority: priority },
    ...overrides,
  });
}

/** ctl-a lock-2 is a Modbus-style coil with pulse; ctl-a lock-3 an OSDP-style binary output; the rest speak words. */
export const mixedCapabilities: CapabilityLookup = (deviceId, point): Capability | undefined => {
  if (deviceId === "ctl-a" && point === "lock-2") return { kind: "enum", name: point, access: Access.STATE | Access.SET, values: ["on", "off", "pulse"] };
  if (deviceId === "ctl-a" && point === "lock-3") return { kind: "binary", name: point, access: Access.STATE | Access.SET, on: true, off: false };
  return undefined;
};

export function doorSite(priority: "lockdown" | "override" = "lockdown", capabilities: CapabilityLookup = mixedCapabilities): DoorSite {
  return compileDoorSite(doorSiteConfig({}, priority), capabilities);
}

/** The device value that reads as `locked` for a door's lock point. */
export function lockValue(site: DoorSite, doorId: string, locked: boolean): unknown {
  const signal = site.doors.get(doorId)!.lock!.signal;
  if (signal.kind === "words") return locked ? "locked" : "unlocked";
  const energized = locked === (signal.energized === "locked");
  return energized ? signal.on : signal.off;
}

/** A machine input whose time defaults to the run's clock. */
export type InputAt = DoorInput extends infer T ? (T extends DoorInput ? Omit<T, "at"> & { at?: number } : never) : never;

/** Runs the pure machine and keeps everything it produced. */
export class MachineRun {
  state: DoorSystem;
  now = T0;
  readonly steps: DoorStep[] = [];

  constructor(readonly site: DoorSite) {
    this.state = initialDoorSystem(site, "c");
  }

  step(input: InputAt): DoorStep {
    const r = stepDoors(this.site, this.state, { ...input, at: input.at ?? this.now } as DoorInput);
    this.state = r.state;
    this.steps.push(r);
    return r;
  }

  advance(ms: number): DoorStep {
    this.now += ms;
    return this.step({ kind: "tick" });
  }

  online(deviceId: string): DoorStep {
    return this.step({ kind: "availability", deviceId, online: true });
  }

  /** Every device online, inputs inactive, every door read back closed and locked. */
  readBackAll(): void {
    for (const d of ["ctl-a", "ctl-b", "panel"]) this.online(d);
    this.step({ kind: "point", deviceId: "panel", values: { fire: false, lockdown: false, override: false } });
    for (const spec of this.site.doors.values()) {
      this.step({ kind: "point", deviceId: spec.lock!.deviceId, values: { [spec.contact!.point]: "closed", [spec.lock!.point]: lockValue(this.site, spec.id, true) } });
    }
  }

  commands(): DoorCommandOut[] {
    return this.steps.flatMap((s) => s.commands);
  }

  alarms(type?: string) {
    return this.steps.flatMap((s) => s.alarms).filter((a) => type === undefined || (a.kind === "raise" && a.type === type));
  }
}
