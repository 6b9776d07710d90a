import { beforeEach, describe, expect, it } from "vitest";
import { DoorController } from "../../src/actions/door-controller.js";
import { FakeClock } from "../../src/core/clock.js";
import type { Command, CommandResult } from "../../src/drivers/contract.js";
import type { AlarmAction } from "../../src/rules/alarm-types.js";
import { doorSite } from "./door-fixture.js";

/** The controller's own time handling on a fake clock: wake timer, startup grace, device answers. */
let clock: FakeClock;
let alarms: AlarmAction[];
let answer: (cmd: Command) => CommandResult;
let sent: Command[];
let doors: DoorController;

beforeEach(() => {
  clock = new FakeClock();
  alarms = [];
  sent = [];
  answer = () => ({ status: "ok" });
  doors = new DoorController({
    site: doorSite(),
    clock,
    send: async (_deviceId, cmd) => {
      sent.push(cmd);
      return answer(cmd);
    },
    sinks: { events: () => {}, alarms: (a) => void alarms.push(...a), audit: { record: () => {} } },
    passage: {
      mayPass: (personId) => {
        if (personId === "boom") throw new Error("custody store unavailable");
        return { allowed: true, reasonCodes: ["ESCORTED"] };
      },
    },
  });
  doors.start();
});

const raised = (type: string) => alarms.filter((a) => a.kind === "raise" && a.type === type);
const up = (deviceId: string, values: Record<string, unknown>) => {
  doors.onDeviceMessage(deviceId, { type: "availability", online: true });
  doors.onDeviceMessage(deviceId, { type: "state", values });
};

describe("door controller timing", () => {
  it("reports door controllers that never came up once the startup grace is over", () => {
    up("ctl-a", { "contact-1": "closed", "lock-1": "locked" });
    clock.advance(29_999);
    expect(raised("DOOR_COMMS_LOST")).toHaveLength(0);
    clock.advance(1);
    expect(raised("DOOR_COMMS_LOST").map((a) => (a.kind === "raise" ? a.data?.deviceId : null))).toEqual(["ctl-b"]);
  });

  it("wakes itself for debounce and held-open levels", () => {
    up("ctl-b", { "contact-3": "closed", "lock-3": "unlocked" });
    doors.onDeviceMessage("ctl-b", { type: "state", values: { "contact-3": "open" } });
    expect(doors.view("lobby")!.open).toBe(false);
    clock.advance(50);
    expect(doors.view("lobby")!.open).toBe(true);
    clock.advance(30_000);
    expect(raised("DOOR_HELD_OPEN")).toHaveLength(1);
    clock.advance(30_000);
    expect(raised("DOOR_HELD_OPEN")).toHaveLength(2);
  });

  it("resolves a request with the device's answer, and a failing policy denies", async () => {
    up("ctl-b", { "contact-3": "closed", "lock-3": "locked" });
    answer = () => ({ status: "error", code: "device", message: "relay stuck" });
    expect(await doors.request({ doorId: "lobby", action: "unlock", origin: "central", requestedBy: "central-ops", reason: "visit" })).toMatchObject({
      result: "failed",
      reasonCode: "DEVICE_ERROR",
      detail: "relay stuck",
    });
    expect(sent[0]).toMatchObject({ values: { "lock-3": "unlock" }, origin: "central", requestedBy: "central-ops", reason: "visit" });
    expect(doors.view("lobby")!.lastCommand).toMatchObject({ action: "unlock", failed: true });
    expect(await doors.request({ doorId: "lobby", action: "open", origin: "operator", requestedBy: "op", reason: "t", personId: "boom" })).toMatchObject({
      result: "rejected",
      reasonCode: "PASSAGE_DENIED",
      passageCodes: ["POLICY_ERROR"],
    });
  });

  it("relocks an open on a relay without hardware pulse by its own timer", () => {
    up("ctl-a", { "contact-1": "closed", "lock-1": "locked", "contact-2": "closed", "lock-2": "off", "contact-3": "closed", "lock-3": true });
    up("ctl-b", { "contact-2": "closed", "lock-2": "locked" });
    void doors.request({ doorId: "cell-3-door", action: "open", origin: "operator", requestedBy: "op", reason: "meal" });
    expect(sent.at(-1)!.values).toEqual({ "lock-3": false });
    clock.advance(5_000);
    expect(sent.at(-1)).toMatchObject({ values: { "lock-3": true }, origin: "local", requestedBy: "open-timer" });
  });
});

describe("door controller wake timer on a real-world clock", () => {
  it("settles a contact change even when its timer fires a millisecond before the wall clock reaches the deadline", () => {
    // Node's timers run on a monotonic clock; Date.now() can still read one millisecond short when
    // one fires. Model that: every timer sees the wall clock 1 ms behind while it runs.
    const early = new FakeClock();
    const clockEarly = {
      now: () => early.now(),
      monotonic: () => early.monotonic(),
      clearTimeout: (h: Parameters<FakeClock["clearTimeout"]>[0]) => early.clearTimeout(h),
      setTimeout: (fn: () => void, ms: number) =>
        early.setTimeout(() => {
          early.jumpWall(-1);
          fn();
          early.jumpWall(1);
        }, ms),
    };
    const d = new DoorController({
      site: doorSite(),
      clock: clockEarly,
      send: async () => ({ status: "ok" }),
      sinks: { events: () => {}, alarms: () => {}, audit: { record: () => {} } },
    });
    d.start();
    d.onDeviceMessage("ctl-b", { type: "availability", online: true });
    d.onDeviceMessage("ctl-b", { type: "state", values: { "contact-3": "closed", "lock-3": "unlocked" } });
    d.onDeviceMessage("ctl-b", { type: "state", values: { "contact-3": "open" } });
    early.advance(50);
    expect(d.view("lobby")!.open).toBe(true);
    d.stop();
  });
});
