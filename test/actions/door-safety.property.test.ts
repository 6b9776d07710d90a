import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DoorAction, DoorCommandOut, DoorSite } from "../../src/actions/door-types.js";
import { doorSite, lockValue, MachineRun } from "./door-fixture.js";

/**
 * Random sequences of operator/central/rule commands, sensor readings, fire/lockdown/override
 * inputs, device outages and device answers, against the pure door machine. A reference model
 * written here, independent of the machine's internals, checks after every step that
 *  1. no door of an interlock group is commanded open while another of its group is, unless a
 *     fire alarm or an effective override explains it;
 *  2. no door is reported locked (or open) while a device it uses is offline;
 *  3. during a fire alarm every fire-release door was released since the fire began, is sent
 *     nothing but releases, and a release that failed or did not take is sent again within the retry time;
 *  4. nothing but a fire release is sent to a door that is offline or not read back, and no
 *     unlock goes out under an effective lockdown.
 */
const DEVICES = ["ctl-a", "ctl-b"] as const;
const ACTIONS: DoorAction[] = ["unlock", "open", "lock", "release"];
const ORIGINS = ["operator", "central", "rule"] as const;

type Op =
  | { op: "advance"; ms: number }
  | { op: "request"; door: number; action: DoorAction; origin: (typeof ORIGINS)[number]; person: boolean; allowed: boolean; stale: boolean }
  | { op: "contact"; door: number; open: boolean }
  | { op: "lockRead"; door: number; locked: boolean }
  | { op: "avail"; device: number; online: boolean }
  | { op: "input"; input: "fire" | "lockdown" | "override"; active: boolean }
  | { op: "result"; pick: number; ok: boolean; code: "timeout" | "offline" | "device" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 8000 })) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("request" as const),
      door: fc.nat(5),
      action: fc.constantFrom(...ACTIONS),
      origin: fc.constantFrom(...ORIGINS),
      person: fc.boolean(),
      allowed: fc.boolean(),
      stale: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("contact" as const), door: fc.nat(5), open: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("lockRead" as const), door: fc.nat(5), locked: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("avail" as const), device: fc.nat(1), online: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("input" as const), input: fc.constantFrom("fire" as const, "lockdown" as const, "override" as const), active: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("result" as const), pick: fc.nat(20), ok: fc.boolean(), code: fc.constantFrom("timeout" as const, "offline" as const, "device" as const) }) },
);

interface Sent {
  readonly cmd: DoorCommandOut;
  readonly at: number;
  failed: boolean;
}

/** What the test itself knows, from the ops it fed and the commands it saw. */
class Reference {
  readonly last = new Map<string, Sent>();
  readonly outstanding: Sent[] = [];
  readonly online = new Map<string, boolean>(DEVICES.map((d) => [d, true]));
  readonly seen = new Map<string, { contact: boolean; lock: boolean }>();
  readonly lockedRead = new Map<string, boolean>();
  inputs = { fire: false, lockdown: false, override: false };
  fireSince: number | null = null;

  constructor(readonly site: DoorSite) {
    for (const id of site.doors.keys()) {
      this.seen.set(id, { contact: true, lock: true });
      this.lockedRead.set(id, true);
    }
  }

  deviceOf(doorId: string): string {
    return this.site.doors.get(doorId)!.lock!.deviceId;
  }

  overrideEffective(doorId: string): boolean {
    const spec = this.site.doors.get(doorId)!;
    return this.inputs.override && spec.group === "sally" && !(this.inputs.lockdown && this.site.priority === "lockdown");
  }

  lockdownEffective(doorId: string): boolean {
    return this.inputs.lockdown && !(this.site.priority === "override" && this.overrideAsserted(doorId));
  }

  private overrideAsserted(doorId: string): boolean {
    return this.inputs.override && this.site.doors.get(doorId)!.group === "sally";
  }

  commandedOpen(doorId: string, t: number): boolean {
    const s = this.last.get(doorId);
    if (!s || s.failed) return false;
    if (s.cmd.action === "unlock" || s.cmd.action === "release") return true;
    return s.cmd.action === "open" && t < s.at + this.site.doors.get(doorId)!.openPulseMs;
  }
}

function check(ref: Reference, run: MachineRun, commands: readonly DoorCommandOut[], events: readonly { type: string; payload: Record<string, unknown> }[]): void {
  const site = ref.site;
  const now = run.now;
  for (const cmd of commands) {
    const spec = site.doors.get(cmd.doorId)!;
    const opening = cmd.action !== "lock";
    const online = ref.online.get(ref.deviceOf(cmd.doorId)) === true;
    const seen = ref.seen.get(cmd.doorId)!;
    if (cmd.action !== "release") {
      expect(online && seen.contact && seen.lock, `${cmd.action} sent to ${cmd.doorId} while offline or not read back`).toBe(true);
    }
    if (opening && cmd.action !== "release") expect(ref.lockdownEffective(cmd.doorId), `${cmd.action} ${cmd.doorId} under lockdown`).toBe(false);
    if (opening && spec.group !== undefined && !ref.inputs.fire && !ref.overrideEffective(cmd.doorId)) {
      for (const other of site.groups.get(spec.group)!) {
        if (other !== cmd.doorId) expect(ref.commandedOpen(other, now), `${cmd.doorId} commanded open while ${other} is (group ${spec.group})`).toBe(false);
      }
    }
    if (ref.inputs.fire && spec.fireRelease === "auto") expect(cmd.action, `${cmd.action} sent to fire-release door ${cmd.doorId} during fire`).toBe("release");
    const sent: Sent = { cmd, at: now, failed: false };
    ref.last.set(cmd.doorId, sent);
    ref.outstanding.push(sent);
  }
  for (const e of events) {
    if (e.type !== "DOOR_STATE") continue;
    const doorId = e.payload.doorId as string;
    if (ref.online.get(ref.deviceOf(doorId)) === false) {
      expect(e.payload.locked, `${doorId} reported locked while offline`).toBeNull();
      expect(e.payload.open).toBeNull();
    }
  }
  for (const spec of site.doors.values()) {
    const s = run.state.doors[spec.id]!;
    const online = ref.online.get(ref.deviceOf(spec.id)) === true;
    if (!online) expect(s.locked === null && s.open === null, `${spec.id} state shown while offline`).toBe(true);
    if (ref.inputs.fire && spec.fireRelease === "auto") {
      const last = ref.last.get(spec.id);
      expect(last?.cmd.action, `${spec.id} not released during fire`).toBe("release");
      expect(last!.at).toBeGreaterThanOrEqual(ref.fireSince!);
      const stuck = online && (last!.failed || ref.lockedRead.get(spec.id) === true);
      if (stuck) expect(now - last!.at, `${spec.id} left locked during fire`).toBeLessThan(site.timing.retryMs);
    }
  }
}

function apply(ref: Reference, run: MachineRun, op: Op): ReturnType<MachineRun["step"]> {
  const ids = [...ref.site.doors.keys()];
  switch (op.op) {
    case "advance":
      return run.advance(op.ms);
    case "request": {
      const doorId = ids[op.door]!;
      const spec = ref.site.doors.get(doorId)!;
      return run.step({
        kind: "request",
        request: {
          doorId,
          action: op.action,
          origin: op.origin,
          requestedBy: "t",
          reason: "test",
          deadline: op.stale ? run.now - 1 : run.now + 2000,
          ...(op.person && { personId: "p-1", toZone: spec.between[1] }),
        },
        ...(op.person && { passage: { allowed: op.allowed, reasonCodes: [op.allowed ? "ESCORTED" : "NOT_APPROVED"] } }),
      });
    }
    case "contact":
    case "lockRead": {
      const doorId = ids[op.door]!;
      const spec = ref.site.doors.get(doorId)!;
      // An offline controller says nothing.
      if (!ref.online.get(spec.lock!.deviceId)) return run.advance(0);
      const seen = ref.seen.get(doorId)!;
      if (op.op === "contact") {
        seen.contact = true;
        return run.step({ kind: "point", deviceId: spec.contact!.deviceId, values: { [spec.contact!.point]: op.open ? "open" : "closed" } });
      }
      seen.lock = true;
      ref.lockedRead.set(doorId, op.locked);
      return run.step({ kind: "point", deviceId: spec.lock!.deviceId, values: { [spec.lock!.point]: lockValue(ref.site, doorId, op.locked) } });
    }
    case "avail": {
      const device = DEVICES[op.device]!;
      ref.online.set(device, op.online);
      if (!op.online) {
        for (const [id] of ref.seen) if (ref.deviceOf(id) === device) ref.seen.set(id, { contact: false, lock: false });
        for (const [id] of ref.lockedRead) if (ref.deviceOf(id) === device) ref.lockedRead.delete(id);
      }
      return run.step({ kind: "availability", deviceId: device, online: op.online });
    }
    case "input": {
      if (op.input === "fire" && op.active && !ref.inputs.fire) ref.fireSince = run.now;
      ref.inputs = { ...ref.inputs, [op.input]: op.active };
      return run.step({ kind: "point", deviceId: "panel", values: { [op.input]: op.active } });
    }
    case "result": {
      if (ref.outstanding.length === 0) return run.advance(0);
      const sent = ref.outstanding.splice(op.pick % ref.outstanding.length, 1)[0]!;
      if (!op.ok) sent.failed = true;
      return run.step({ kind: "result", command: sent.cmd, ok: op.ok, ...(!op.ok && { code: op.code }) });
    }
  }
}

describe("door machine safety properties", () => {
  const sites = { lockdown: doorSite("lockdown"), override: doorSite("override") };

  it("holds interlock, offline and fire-release invariants over 10,000 random sequences", () => {
    let steps = 0;
    fc.assert(
      fc.property(fc.constantFrom("lockdown" as const, "override" as const), fc.array(opArb, { minLength: 5, maxLength: 40 }), (priority, ops) => {
        const site = sites[priority];
        const run = new MachineRun(site);
        run.readBackAll();
        const ref = new Reference(site);
        for (const op of ops) {
          const r = apply(ref, run, op);
          check(ref, run, r.commands, r.events);
          steps++;
        }
      }),
      { numRuns: 10_000 },
    );
    expect(steps).toBeGreaterThan(100_000);
  });
});
