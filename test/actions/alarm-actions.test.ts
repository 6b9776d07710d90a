import { beforeEach, describe, expect, it } from "vitest";
import { AlarmActions, type AlarmBinding } from "../../src/actions/alarm-actions.js";
import type { DoorRequest } from "../../src/actions/door-types.js";
import { ActionSpec } from "../../src/config/schema.js";
import { FakeClock } from "../../src/core/clock.js";
import type { Command, CommandResult } from "../../src/drivers/contract.js";
import type { AlarmAction } from "../../src/rules/alarm-types.js";
import type { AuditInput } from "../../src/store/audit-log.js";

/** Every binding kind, with a recording device side and a recording door controller. */
const bindings: AlarmBinding[] = [
  {
    alarm: "ESCAPE_ATTEMPT",
    actions: [
      { kind: "relay", device: "io-1", point: "siren", forS: 300 },
      { kind: "lock_doors", doors: ["exit-inner", "exit-outer"] },
      { kind: "camera_preset", device: "ptz-1", preset: 1, rooms: { exit: 7 } },
      { kind: "recording_bookmark", device: "nvr-1", channel: "3" },
      { kind: "robot_dispatch", device: "robot-1" },
    ],
  },
  { alarm: "OFFICER_DURESS", actions: [ActionSpec.parse({ kind: "relay", device: "io-1", point: "siren" }), { kind: "robot_dispatch", device: "robot-1", room: "control" }] },
  { alarm: "DOOR_FORCED", actions: [{ kind: "camera_preset", device: "ptz-1" }] },
];

let clock: FakeClock;
let sent: Array<{ deviceId: string; cmd: Command; at: number }>;
let doorRequests: DoorRequest[];
let audits: AuditInput[];
let failNext: number;
let actions: AlarmActions;

beforeEach(() => {
  clock = new FakeClock();
  sent = [];
  doorRequests = [];
  audits = [];
  failNext = 0;
  actions = new AlarmActions({
    bindings,
    clock,
    send: async (deviceId, cmd): Promise<CommandResult> => {
      sent.push({ deviceId, cmd, at: clock.now() });
      if (failNext > 0) {
        failNext--;
        return { status: "error", code: "offline", message: "board away" };
      }
      return { status: "ok" };
    },
    doors: {
      request: async (req) => {
        doorRequests.push(req);
        return { requestId: "r", doorId: req.doorId, action: req.action, result: "executed", reasonCode: "EXECUTED" };
      },
    },
    audit: { record: (a) => void audits.push(a) },
  });
});

const raise = (type: string, dedupKey: string, zoneId?: string): AlarmAction => ({
  kind: "raise",
  type,
  ruleId: type === "ESCAPE_ATTEMPT" ? "R17" : "R36",
  severity: 4,
  dedupKey,
  subjects: ["p-1"],
  message: "test alarm",
  params: {},
  ...(zoneId !== undefined && { zoneId }),
});
const settle = () => new Promise((r) => setImmediate(r));
const to = (device: string) => sent.filter((s) => s.deviceId === device).map((s) => s.cmd.values);

describe("alarm bindings", () => {
  it("ESCAPE_ATTEMPT: siren for 5 min, perimeter locked, camera to the exit preset, bookmark, robot to the room", async () => {
    actions.onAlarm(raise("ESCAPE_ATTEMPT", "ESCAPE_ATTEMPT|p-1|", "exit"));
    await settle();
    expect(to("io-1")).toEqual([{ siren: "on" }]);
    expect(doorRequests.map((r) => [r.doorId, r.action, r.origin, r.requestedBy])).toEqual([
      ["exit-inner", "lock", "rule", "R17"],
      ["exit-outer", "lock", "rule", "R17"],
    ]);
    expect(to("ptz-1")).toEqual([{ preset: 7 }]);
    expect(to("nvr-1")).toEqual([{ bookmark: "ESCAPE_ATTEMPT p-1", at: clock.now(), alarm: "ESCAPE_ATTEMPT|p-1|", channel: "3" }]);
    expect(to("robot-1")).toEqual([{ dispatch: "exit", reason: "ESCAPE_ATTEMPT", alarm: "ESCAPE_ATTEMPT|p-1|" }]);
    for (const s of sent) expect(s.cmd).toMatchObject({ origin: "rule", requestedBy: "R17", deadline: clock.now() + 2000 });

    clock.advance(299_999);
    await settle();
    expect(to("io-1")).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(to("io-1")).toEqual([{ siren: "on" }, { siren: "off" }]);
    expect(audits.map((a) => [a.action, a.target, (a.data as { result: string }).result])).toEqual(
      expect.arrayContaining([
        ["action.relay_on", "device:io-1", "executed"],
        ["action.relay_off", "device:io-1", "executed"],
        ["action.camera_preset", "device:ptz-1", "executed"],
        ["action.recording_bookmark", "device:nvr-1", "executed"],
        ["action.robot_dispatch", "device:robot-1", "executed"],
      ]),
    );
  });

  it("runs once per raised alarm; an update only extends the siren; a new alarm after clear runs again", async () => {
    actions.onAlarm(raise("ESCAPE_ATTEMPT", "k1", "exit"));
    clock.advance(200_000);
    actions.onAlarm(raise("ESCAPE_ATTEMPT", "k1", "exit"));
    await settle();
    expect(to("ptz-1")).toHaveLength(1);
    expect(to("io-1")).toEqual([{ siren: "on" }]);
    clock.advance(299_000);
    await settle();
    expect(to("io-1")).toHaveLength(1);
    clock.advance(1_000);
    await settle();
    expect(to("io-1")).toEqual([{ siren: "on" }, { siren: "off" }]);
    actions.onAlarm({ kind: "clear", dedupKey: "k1", reason: "back" });
    actions.onAlarm(raise("ESCAPE_ATTEMPT", "k1", "exit"));
    await settle();
    expect(to("ptz-1")).toHaveLength(2);
  });

  it("two alarms share one siren: one on, off after the later end", async () => {
    actions.onAlarm(raise("ESCAPE_ATTEMPT", "k1"));
    clock.advance(60_000);
    actions.onAlarm(raise("OFFICER_DURESS", "d1"));
    await settle();
    expect(to("io-1")).toEqual([{ siren: "on" }]);
    expect(actions.relays.running()).toEqual([{ deviceId: "io-1", point: "siren", until: clock.now() + 300_000 }]);
    clock.advance(300_000);
    await settle();
    expect(to("io-1")).toEqual([{ siren: "on" }, { siren: "off" }]);
    expect(to("robot-1").at(-1)).toMatchObject({ dispatch: "control", reason: "OFFICER_DURESS" });
  });

  it("retries the siren's off until the board takes it", async () => {
    actions.onAlarm(raise("OFFICER_DURESS", "d1"));
    await settle();
    failNext = 2;
    clock.advance(300_000);
    for (let i = 0; i < 3; i++) {
      await settle();
      clock.advance(2_000);
    }
    await settle();
    expect(to("io-1")).toEqual([{ siren: "on" }, { siren: "off" }, { siren: "off" }, { siren: "off" }]);
    expect(audits.filter((a) => a.action === "action.relay_off").map((a) => (a.data as { result: string }).result)).toEqual(["failed", "failed", "executed"]);
  });

  it("skips, and audits the skip, when the alarm gives no room or preset", async () => {
    actions.onAlarm(raise("DOOR_FORCED", "f1"));
    actions.onAlarm(raise("ESCAPE_ATTEMPT", "e1"));
    await settle();
    expect(to("ptz-1")).toEqual([{ preset: 1 }]);
    expect(to("robot-1")).toEqual([]);
    expect(audits.filter((a) => (a.data as { result: string }).result === "skipped").map((a) => [a.action, (a.data as { detail: string }).detail])).toEqual([
      ["action.camera_preset", "no preset for zone (none)"],
      ["action.robot_dispatch", "the alarm names no room"],
    ]);
  });

  it("ignores alarm types without bindings", async () => {
    actions.onAlarm(raise("OVERCROWDING", "o1", "exit"));
    await settle();
    expect(sent).toHaveLength(0);
  });
});
