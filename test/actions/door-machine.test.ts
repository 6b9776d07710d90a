import { beforeEach, describe, expect, it } from "vitest";
import type { DoorRequest } from "../../src/actions/door-types.js";
import { doorSite, lockValue, MachineRun } from "./door-fixture.js";

const site = doorSite();
const req = (doorId: string, action: DoorRequest["action"], extra: Partial<DoorRequest> = {}): DoorRequest => ({
  doorId,
  action,
  origin: "operator",
  requestedBy: "op-7",
  reason: "test",
  ...extra,
});

let run: MachineRun;
beforeEach(() => {
  run = new MachineRun(site);
  run.readBackAll();
});

const decision = (r: ReturnType<MachineRun["step"]>) => r.decisions[0]!;
const contact = (doorId: string, open: boolean) => {
  const spec = site.doors.get(doorId)!;
  return run.step({ kind: "point", deviceId: spec.contact!.deviceId, values: { [spec.contact!.point]: open ? "open" : "closed" } });
};
const lockRead = (doorId: string, locked: boolean) => {
  const spec = site.doors.get(doorId)!;
  return run.step({ kind: "point", deviceId: spec.lock!.deviceId, values: { [spec.lock!.point]: lockValue(site, doorId, locked) } });
};
const panel = (values: Record<string, boolean>) => run.step({ kind: "point", deviceId: "panel", values });

describe("read-back before any command", () => {
  it("rejects everything but a fire release until the door's sensors reported", () => {
    const fresh = new MachineRun(site);
    expect(decision(fresh.step({ kind: "request", request: req("lobby", "unlock") })).reasonCode).toBe("CONTROLLER_OFFLINE");
    fresh.online("ctl-b");
    expect(decision(fresh.step({ kind: "request", request: req("lobby", "lock") })).reasonCode).toBe("DOOR_STATE_UNKNOWN");
    fresh.step({ kind: "point", deviceId: "ctl-b", values: { "contact-3": "closed" } });
    expect(decision(fresh.step({ kind: "request", request: req("lobby", "unlock") })).reasonCode).toBe("DOOR_STATE_UNKNOWN");
    const r = fresh.step({ kind: "point", deviceId: "ctl-b", values: { "lock-3": "locked" } });
    expect(r.events.find((e) => e.type === "DOOR_STATE")?.payload).toMatchObject({ doorId: "lobby", open: false, locked: true, online: true, cause: "read-back" });
    expect(decision(fresh.step({ kind: "request", request: req("lobby", "unlock") })).allowed).toBe(true);
  });

  it("counts values a controller sent just before it was marked online (post-outage readings)", () => {
    const fresh = new MachineRun(site);
    fresh.step({ kind: "point", deviceId: "ctl-b", values: { "contact-3": "closed", "lock-3": "locked" } });
    expect(fresh.state.doors.lobby!.locked).toBeNull();
    fresh.online("ctl-b");
    expect(fresh.state.doors.lobby).toMatchObject({ locked: true, open: false, online: true });
  });
});

describe("commands", () => {
  it("sends the device's own words and audits decision and outcome", () => {
    const r = run.step({ kind: "request", request: req("lobby", "unlock") });
    expect(r.commands).toMatchObject([{ doorId: "lobby", deviceId: "ctl-b", action: "unlock", values: { "lock-3": "unlock" }, origin: "operator", requestedBy: "op-7" }]);
    expect(r.audits[0]).toMatchObject({ actor: "operator:op-7", action: "door.unlock", target: "door:lobby", reason: "test", data: { result: "sent", reasonCode: "ALLOWED" } });
    const done = run.step({ kind: "result", command: r.commands[0]!, ok: true });
    expect(done.events.find((e) => e.type === "DOOR_COMMAND")?.payload).toMatchObject({ doorId: "lobby", action: "unlock", result: "executed", reasonCode: "EXECUTED" });
    expect(done.audits[0]?.data).toMatchObject({ result: "executed", reasonCode: "EXECUTED" });
  });

  it("drives relay outputs by fail mode: a coil with pulse times the open itself, a binary output is relocked by the engine", () => {
    // cell-1-door: fail-secure strike on a coil with pulse → energize to unlock.
    const coil = run.step({ kind: "request", request: req("cell-1-door", "open") });
    expect(coil.commands[0]!.values).toEqual({ "lock-2": "pulse", ms: 5000 });
    expect(run.step({ kind: "request", request: req("cell-1-door", "lock") }).commands[0]!.values).toEqual({ "lock-2": "off" });
    // cell-3-door: fail-safe maglock on a binary output → energize to lock, no hardware pulse.
    lockRead("cell-1-door", true);
    const bin = run.step({ kind: "request", request: req("cell-3-door", "open") });
    expect(bin.commands[0]!.values).toEqual({ "lock-3": false });
    lockRead("cell-3-door", false);
    const relock = run.advance(5000);
    expect(relock.commands).toMatchObject([{ doorId: "cell-3-door", action: "lock", values: { "lock-3": true }, origin: "local", requestedBy: "open-timer" }]);
  });

  it("drops a stale command instead of executing it late", () => {
    const d = decision(run.step({ kind: "request", request: req("lobby", "unlock", { deadline: run.now - 1 }) }));
    expect(d).toMatchObject({ allowed: false, reasonCode: "COMMAND_EXPIRED" });
    expect(run.commands()).toHaveLength(0);
  });

  it("asks custody for a person's passage and keeps rules from unlocking on their own", () => {
    const denied = run.step({ kind: "request", request: req("lobby", "unlock", { personId: "p-1", toZone: "outside" }), passage: { allowed: false, reasonCodes: ["EXIT_NOT_APPROVED"] } });
    expect(decision(denied)).toMatchObject({ allowed: false, reasonCode: "PASSAGE_DENIED", passageCodes: ["EXIT_NOT_APPROVED"] });
    expect(denied.audits[0]?.data).toMatchObject({ personId: "p-1", passageCodes: ["EXIT_NOT_APPROVED"] });
    expect(decision(run.step({ kind: "request", request: req("lobby", "unlock", { personId: "p-1" }) })).reasonCode).toBe("PASSAGE_UNCHECKED");
    expect(decision(run.step({ kind: "request", request: req("lobby", "unlock", { personId: "p-1", toZone: "cell-1" }), passage: { allowed: true, reasonCodes: [] } })).reasonCode).toBe("INVALID_DIRECTION");
    expect(decision(run.step({ kind: "request", request: req("lobby", "unlock", { origin: "rule", requestedBy: "R17" }) })).reasonCode).toBe("RULE_MAY_NOT_UNLOCK");
    expect(decision(run.step({ kind: "request", request: req("lobby", "open", { personId: "p-1", toZone: "outside" }), passage: { allowed: true, reasonCodes: ["EXIT_APPROVED"] } })).allowed).toBe(true);
  });
});

describe("interlock (R32)", () => {
  it("blocks a second door while the first is unlocked, open, or not yet relocked after its pulse", () => {
    const a = run.step({ kind: "request", request: req("sally-a", "open") });
    expect(a.commands[0]!.values).toEqual({ "lock-1": "pulse", ms: 5000 });
    const blocked = run.step({ kind: "request", request: req("sally-b", "unlock") });
    expect(decision(blocked).reasonCode).toBe("INTERLOCK_BLOCKED");
    expect(blocked.alarms[0]).toMatchObject({ kind: "raise", type: "INTERLOCK_BLOCKED", subjects: ["sally-b", "sally-a"] });
    lockRead("sally-a", false);
    contact("sally-a", true);
    run.advance(5000);
    expect(decision(run.step({ kind: "request", request: req("sally-b", "unlock") })).reasonCode).toBe("INTERLOCK_BLOCKED");
    contact("sally-a", false);
    lockRead("sally-a", true);
    const settled = run.advance(100);
    expect(settled.alarms).toContainEqual({ kind: "clear", dedupKey: "INTERLOCK_BLOCKED|sally|", reason: "all doors of the group closed and locked" });
    expect(decision(run.step({ kind: "request", request: req("sally-b", "unlock") })).allowed).toBe(true);
  });

  it("raises INTERLOCK_BREACH when the sensors show two doors of a group open", () => {
    contact("sally-a", true);
    contact("sally-b", true);
    const r = run.advance(100);
    const breach = r.alarms.find((a) => a.kind === "raise" && a.type === "INTERLOCK_BREACH");
    expect(breach).toMatchObject({ severity: 4, subjects: ["sally-a", "sally-b"], data: { groupId: "sally" } });
    contact("sally-b", false);
    expect(run.advance(100).alarms).toContainEqual({ kind: "clear", dedupKey: "INTERLOCK_BREACH|sally|", reason: "at most one door of the group open" });
  });

  it("override lifts the interlock; lockdown wins over override by default and locks every door", () => {
    run.step({ kind: "request", request: req("sally-a", "unlock") });
    panel({ override: true });
    expect(decision(run.step({ kind: "request", request: req("sally-b", "unlock") })).allowed).toBe(true);
    const down = panel({ lockdown: true });
    expect(down.commands.map((c) => [c.doorId, c.action, c.requestedBy])).toEqual([...site.doors.keys()].map((id) => [id, "lock", "lockdown"]));
    expect(decision(run.step({ kind: "request", request: req("lobby", "unlock") })).reasonCode).toBe("LOCKDOWN_ACTIVE");
  });

  it("with priority override, an override beats a lockdown for its doors only", () => {
    const r = new MachineRun(doorSite("override"));
    r.readBackAll();
    r.step({ kind: "point", deviceId: "panel", values: { lockdown: true, override: true } });
    expect(r.step({ kind: "request", request: req("sally-b", "unlock") }).decisions[0]!.allowed).toBe(true);
    expect(r.step({ kind: "request", request: req("lobby", "unlock") }).decisions[0]!.reasonCode).toBe("LOCKDOWN_ACTIVE");
  });
});

describe("fire release (R34)", () => {
  it("releases auto doors at once even if interlocked, asks the control room for the rest, relocks only on command", () => {
    run.step({ kind: "request", request: req("sally-b", "unlock") });
    const fire = panel({ fire: true });
    expect(fire.commands.map((c) => [c.doorId, c.action])).toEqual([
      ["sally-a", "release"],
      ["cell-3-door", "release"],
      ["lobby", "release"],
    ]);
    expect(fire.alarms.find((a) => a.kind === "raise" && a.type === "FIRE_RELEASE_REQUIRED")).toMatchObject({ severity: 4, subjects: ["sally-b", "cell-1-door", "cell-2-door"] });
    expect(decision(run.step({ kind: "request", request: req("lobby", "lock") })).reasonCode).toBe("FIRE_RELEASE_ACTIVE");
    expect(decision(run.step({ kind: "request", request: req("cell-1-door", "release") })).allowed).toBe(true);
    const off = panel({ fire: false });
    expect(off.commands).toHaveLength(0);
    expect(off.alarms).toContainEqual({ kind: "clear", dedupKey: "FIRE_RELEASE_REQUIRED|site|", reason: "fire alarm cleared" });
    expect(run.state.doors.lobby!.fireReleased).toBe(true);
    expect(decision(run.step({ kind: "request", request: req("lobby", "lock") })).allowed).toBe(true);
    expect(decision(run.step({ kind: "request", request: req("cell-1-door", "release") })).reasonCode).toBe("NO_FIRE_ALARM");
  });

  it("sends the release again when the device refused it or the door reads locked after an outage", () => {
    const fire = panel({ fire: true });
    const lobby = fire.commands.find((c) => c.doorId === "lobby")!;
    run.step({ kind: "result", command: lobby, ok: false, code: "device" });
    expect(run.advance(1999).commands.filter((c) => c.doorId === "lobby")).toHaveLength(0);
    expect(run.advance(1).commands.filter((c) => c.doorId === "lobby").map((c) => c.action)).toEqual(["release"]);
    run.step({ kind: "availability", deviceId: "ctl-b", online: false });
    run.online("ctl-b");
    run.advance(2000);
    expect(lockRead("lobby", true).commands.filter((c) => c.doorId === "lobby").map((c) => c.action)).toEqual(["release"]);
  });
});
