import { beforeEach, describe, expect, it } from "vitest";
import type { AlarmAction } from "../../src/rules/alarm-types.js";
import { doorSite, doorSiteConfig, lockValue, MachineRun } from "./door-fixture.js";
import { compileDoorSite } from "../../src/actions/door-site.js";

const site = doorSite();
let run: MachineRun;
beforeEach(() => {
  run = new MachineRun(site);
  run.readBackAll();
});

const raised = (r: { alarms: readonly AlarmAction[] }, type: string) => r.alarms.filter((a): a is Extract<AlarmAction, { kind: "raise" }> => a.kind === "raise" && a.type === type);
const point = (deviceId: string, values: Record<string, unknown>) => run.step({ kind: "point", deviceId, values });

describe("held open (R33)", () => {
  it("escalates through the levels at heldOpenS × 1, 2, 4, 8, 16 and clears on close", () => {
    point("ctl-b", { "lock-3": "unlocked" });
    point("ctl-b", { "contact-3": "open" });
    run.advance(50);
    const levels: Array<[number, number]> = [];
    for (let s = 0; s < 500; s += 1) {
      for (const a of raised(run.advance(1000), "DOOR_HELD_OPEN")) levels.push([a.data!.level as number, a.severity]);
    }
    expect(levels).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 4],
      [5, 4],
    ]);
    point("ctl-b", { "contact-3": "closed" });
    expect(run.advance(50).alarms).toContainEqual({ kind: "clear", dedupKey: "DOOR_HELD_OPEN|lobby|", reason: "door closed" });
  });

  it("uses configured levels and counts from the first open edge, not from the debounced one", () => {
    const config = doorSiteConfig();
    config.doors.find((d) => d.id === "lobby")!.heldOpenLevelsS = [10, 20];
    const custom = new MachineRun(compileDoorSite(config));
    custom.readBackAll();
    custom.step({ kind: "point", deviceId: "ctl-b", values: { "lock-3": "unlocked", "contact-3": "open" } });
    custom.advance(9_999);
    expect(raised(custom.advance(1), "DOOR_HELD_OPEN")[0]?.data).toMatchObject({ level: 1, openS: 10 });
    expect(raised(custom.advance(10_000), "DOOR_HELD_OPEN")[0]?.data).toMatchObject({ level: 2, openS: 20 });
    expect(raised(custom.advance(100_000), "DOOR_HELD_OPEN")).toHaveLength(0);
  });
});

describe("forced (R33)", () => {
  it("an opening while the lock reads locked, with no command or exit request, is forced", () => {
    point("ctl-b", { "contact-3": "open" });
    const r = run.advance(50);
    expect(raised(r, "DOOR_FORCED")[0]).toMatchObject({ severity: 4, subjects: ["lobby"], ruleId: "R33" });
    point("ctl-b", { "contact-3": "closed" });
    expect(run.advance(50).alarms).toContainEqual({ kind: "clear", dedupKey: "DOOR_FORCED|lobby|", reason: "door closed" });
  });

  it("contact bounce neither opens the door nor raises forced when the door closes", () => {
    point("ctl-b", { "contact-3": "open" });
    point("ctl-b", { "contact-3": "closed" });
    run.advance(10);
    point("ctl-b", { "contact-3": "open" });
    point("ctl-b", { "contact-3": "closed" });
    const r = run.advance(60);
    expect(raised(r, "DOOR_FORCED")).toHaveLength(0);
    expect(run.state.doors.lobby!.open).toBe(false);
    const shownOpen = run.steps.flatMap((s) => s.events).filter((e) => e.type === "DOOR_STATE" && e.payload.doorId === "lobby" && e.payload.open === true);
    expect(shownOpen).toHaveLength(0);
  });

  it("is not forced after our unlock (even before the lock reads back), after an exit request, or for a fire release", () => {
    const open = run.step({ kind: "request", request: { doorId: "lobby", action: "open", origin: "operator", requestedBy: "op", reason: "visitor" } });
    expect(open.commands).toHaveLength(1);
    point("ctl-b", { "contact-3": "open" });
    expect(raised(run.advance(50), "DOOR_FORCED")).toHaveLength(0);
    point("ctl-b", { "contact-3": "closed", "lock-3": "locked" });
    run.advance(10_000);

    point("ctl-b", { "rex-3": true });
    run.advance(5_000);
    point("ctl-b", { "contact-3": "open" });
    expect(raised(run.advance(50), "DOOR_FORCED")).toHaveLength(0);
    point("ctl-b", { "contact-3": "closed" });
    run.advance(11_000);
    point("ctl-b", { "contact-3": "open" });
    expect(raised(run.advance(50), "DOOR_FORCED")).toHaveLength(1);
  });
});

describe("controller offline (R33, R35)", () => {
  it("shows the door unknown, raises DOOR_OFFLINE per door and DOOR_COMMS_LOST per controller, rejects unlocks", () => {
    const r = run.step({ kind: "availability", deviceId: "ctl-a", online: false });
    const states = r.events.filter((e) => e.type === "DOOR_STATE").map((e) => e.payload);
    expect(states.map((p) => p.doorId)).toEqual(["sally-a", "cell-1-door", "cell-3-door"]);
    for (const p of states) expect(p).toMatchObject({ open: null, locked: null, online: false, cause: "offline" });
    expect(raised(r, "DOOR_OFFLINE").map((a) => a.subjects[0])).toEqual(["sally-a", "cell-1-door", "cell-3-door"]);
    expect(raised(r, "DOOR_COMMS_LOST")[0]).toMatchObject({ severity: 3, ruleId: "R35", data: { deviceId: "ctl-a" } });
    // The interlock partner of an unknown door stays locked too.
    for (const doorId of ["sally-a", "sally-b"]) {
      const d = run.step({ kind: "request", request: { doorId, action: "unlock", origin: "operator", requestedBy: "op", reason: "t" } }).decisions[0]!;
      expect(d.reasonCode).toBe(doorId === "sally-a" ? "CONTROLLER_OFFLINE" : "INTERLOCK_BLOCKED");
    }
  });

  it("comes back unknown and takes the state only from what the controller reports", () => {
    run.step({ kind: "availability", deviceId: "ctl-a", online: false });
    const back = run.online("ctl-a");
    expect(back.alarms).toContainEqual({ kind: "clear", dedupKey: "DOOR_COMMS_LOST|ctl-a|", reason: "controller back online" });
    expect(run.state.doors["sally-a"]).toMatchObject({ online: true, locked: null, open: null });
    const d = run.step({ kind: "request", request: { doorId: "sally-a", action: "lock", origin: "operator", requestedBy: "op", reason: "t" } }).decisions[0]!;
    expect(d.reasonCode).toBe("DOOR_STATE_UNKNOWN");
    point("ctl-a", { "contact-1": "closed", "lock-1": lockValue(site, "sally-a", false) });
    expect(run.state.doors["sally-a"]).toMatchObject({ online: true, locked: false, open: false });
  });

  it("a door split over two controllers loses only what the offline one reported", () => {
    const config = doorSiteConfig();
    config.doors.find((d) => d.id === "lobby")!.contact = { device: "ctl-a", point: "contact-9" };
    const split = new MachineRun(compileDoorSite(config));
    split.readBackAll();
    split.step({ kind: "point", deviceId: "ctl-a", values: { "contact-9": "closed" } });
    expect(split.state.doors.lobby).toMatchObject({ online: true, open: false, locked: true });
    split.step({ kind: "availability", deviceId: "ctl-a", online: false });
    expect(split.state.doors.lobby).toMatchObject({ online: false, open: null, locked: true });
    const d = split.step({ kind: "request", request: { doorId: "lobby", action: "unlock", origin: "operator", requestedBy: "op", reason: "t" } }).decisions[0]!;
    expect(d.reasonCode).toBe("CONTROLLER_OFFLINE");
  });

  it("raises the offline alarms for a controller that never came up", () => {
    const fresh = new MachineRun(site);
    const r = fresh.step({ kind: "availability", deviceId: "ctl-b", online: false });
    expect(raised(r, "DOOR_COMMS_LOST")[0]?.subjects).toEqual(["sally-b", "cell-2-door", "lobby"]);
  });
});
