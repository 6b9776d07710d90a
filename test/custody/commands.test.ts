import { afterEach, describe, expect, it } from "vitest";
import type { AlarmCommands } from "../../src/custody/alarm-commands.js";
import { CUSTODY_COMMAND_NAMES } from "../../src/custody/commands.js";
import { CustodyService } from "../../src/custody/service.js";
import { tempStore, type TempStore } from "../store/temp-store.js";
import { Harness, OPERATOR, ROOMS } from "./harness.js";

let h: Harness;
afterEach(() => h.destroy());

describe("command API", () => {
  it("names every command of the issue", () => {
    h = new Harness();
    expect([...CUSTODY_COMMAND_NAMES].sort()).toEqual(
      [
        "register", "bind", "unbind", "assign_holding", "release_holding", "start_interrogation", "end_interrogation", "verify_record",
        "record_step", "welfare", "patrol_punch", "extend_clock", "pause_clock", "resume_clock", "temp_exit", "temp_return", "exit",
        "override", "ack_alarm", "resolve_alarm",
      ].sort(),
    );
  });

  it("a repeated command id returns the stored result without running again", () => {
    h = new Harness();
    h.admit("p-1");
    const args = { personId: "p-1", kind: "meal" };
    const first = h.run("welfare", args, { commandId: "w-1" });
    const events = h.events.length;
    const again = h.run("welfare", args, { commandId: "w-1" });
    expect(again).toEqual({ ...first, replayed: true });
    expect(h.events.length).toBe(events);
    expect(h.sessionOf("p-1")?.welfare).toHaveLength(1);
    expect(h.audits.at(-1)).toMatchObject({ action: "custody.welfare", data: { commandId: "w-1", replayed: true } });
  });

  it("a rejection is stored too: the retry gets the same answer even after the cause is gone", () => {
    h = new Harness();
    h.admit("p-1", {}, "t-1");
    h.ok("register", { personId: "p-2", role: "detainee", legalBasis: "summons" });
    const first = h.run("bind", { personId: "p-2", tagIds: ["t-1"] }, { commandId: "b-1" });
    h.ok("unbind", { personId: "p-1", reason: "swap" });
    expect(h.run("bind", { personId: "p-2", tagIds: ["t-1"] }, { commandId: "b-1" })).toEqual({ ...first, replayed: true });
    expect(h.run("bind", { personId: "p-2", tagIds: ["t-1"] }, { commandId: "b-2" })).toMatchObject({ status: "ok" });
  });

  it("a command id reused for a different command is refused and nothing runs", () => {
    h = new Harness();
    h.admit("p-1");
    h.run("welfare", { personId: "p-1", kind: "meal" }, { commandId: "x-1" });
    const r = h.run("welfare", { personId: "p-1", kind: "water" }, { commandId: "x-1" });
    expect(r).toMatchObject({ status: "invalid", message: expect.stringContaining("already used") });
    expect(h.sessionOf("p-1")?.welfare.map((w) => w.kind)).toEqual(["meal"]);
  });

  it("a failed commit changes nothing, emits nothing, and the same id can be retried", () => {
    h = new Harness();
    h.admit("p-1");
    const events = h.events.length;
    h.db.exec("CREATE TRIGGER fail_write BEFORE INSERT ON custody_command BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    expect(h.run("welfare", { personId: "p-1", kind: "meal" }, { commandId: "w-9" })).toMatchObject({ status: "error", code: "STORE_FAILED" });
    expect(h.sessionOf("p-1")?.welfare).toEqual([]);
    expect(h.events.length).toBe(events);
    h.db.exec("DROP TRIGGER fail_write");
    expect(h.run("welfare", { personId: "p-1", kind: "meal" }, { commandId: "w-9" })).toMatchObject({ status: "ok" });
    expect(h.sessionOf("p-1")?.welfare).toHaveLength(1);
  });

  it("validates envelope and arguments with the field path", () => {
    h = new Harness();
    expect(h.svc.execute({ name: "register", args: {}, by: OPERATOR })).toMatchObject({ status: "invalid", message: expect.stringContaining("commandId") });
    expect(h.run("register", { personId: "p-1", role: "detainee" })).toMatchObject({ status: "invalid", message: expect.stringContaining("legalBasis") });
    expect(h.run("teleport", { personId: "p-1" })).toMatchObject({ status: "invalid", message: 'unknown command "teleport"' });
    expect(h.run("bind", { personId: "p-1", tagIds: [] })).toMatchObject({ status: "invalid", message: expect.stringContaining("tagIds") });
    expect(h.audits.map((a) => a.data?.status)).toEqual(["invalid", "invalid", "invalid", "invalid"]);
  });

  it("every command is audited with actor, target, reason and outcome", () => {
    h = new Harness();
    h.run("register", { personId: "p-1", role: "detainee", legalBasis: "summons" }, { by: { kind: "central", id: "user-7" }, reason: "walk-in" });
    expect(h.audits.at(-1)).toEqual({
      actor: "central:user-7",
      action: "custody.register",
      target: "person:p-1",
      reason: "walk-in",
      data: { commandId: "cmd-1", status: "ok", codes: [] },
    });
  });
});

describe("override", () => {
  function twoCoCase() {
    h.admit("p-1", { caseNos: ["C-1"] });
    h.admit("p-2", { caseNos: ["C-1"] });
    h.process("p-1");
    h.process("p-2");
    h.ok("assign_holding", { personId: "p-1", roomId: "hold-1" });
  }

  it("needs a reason; with one it runs, returns what it overrode, emits ASSIGNMENT_OVERRIDE and is audited", () => {
    h = new Harness();
    twoCoCase();
    expect(h.run("override", { command: { name: "assign_holding", args: { personId: "p-2", roomId: "hold-1" } } })).toMatchObject({
      status: "invalid",
      message: "an override needs a reason",
    });
    const r = h.override("assign_holding", { personId: "p-2", roomId: "hold-1" }, "only free room, watched in person");
    expect(r).toMatchObject({ status: "ok", name: "override", overridden: ["same_case"] });
    expect(h.eventTypes().slice(-2)).toEqual(["HOLDING_ASSIGNED", "ASSIGNMENT_OVERRIDE"]);
    expect(h.events.at(-1)).toMatchObject({
      category: "audit",
      personId: "p-2",
      payload: { command: "assign_holding", roomId: "hold-1", codes: ["same_case"], override: { by: "operator:op-1", reason: "only free room, watched in person" } },
    });
    expect(h.audits.at(-1)).toMatchObject({ action: "custody.override", target: "person:p-2", reason: "only free room, watched in person", data: { command: "assign_holding", overridden: ["same_case"] } });
  });

  it("never silences the runtime detectors: the overridden assignment reads like any other", () => {
    h = new Harness();
    twoCoCase();
    h.override("assign_holding", { personId: "p-2", roomId: "hold-1" });
    const held = h.svc.reader.heldIn("hold-1").map((s) => s.personId);
    expect(held).toEqual(["p-1", "p-2"]);
    expect(h.svc.view.coCase("p-1", "p-2")).toBe(true);
    // The only trace is the record of who decided; nothing marks the pair as exempt.
    expect(Object.keys(h.sessionOf("p-2")!).filter((k) => /suppress|exempt|silence|mute/i.test(k))).toEqual([]);
    expect(h.sessionOf("p-2")?.holdingOverride).toMatchObject({ codes: ["same_case"] });
  });

  it("precheck answers what the command would meet, without acting or storing", () => {
    h = new Harness();
    twoCoCase();
    const events = h.events.length;
    expect(h.svc.precheck("assign_holding", { personId: "p-2", roomId: "hold-1" }, OPERATOR)).toMatchObject({ verdict: "needs_override", codes: ["same_case"] });
    expect(h.svc.precheck("assign_holding", { personId: "p-2", roomId: "hold-2" }, OPERATOR)).toEqual({ verdict: "allow", codes: [] });
    expect(h.sessionOf("p-2")?.holdingRoomId).toBeUndefined();
    expect(h.events.length).toBe(events);
  });

  it("cannot wrap alarm commands or itself", () => {
    h = new Harness();
    expect(h.override("ack_alarm", { alarmId: "a-1" })).toMatchObject({ status: "invalid" });
    expect(h.override("override", { command: { name: "exit", args: {} } })).toMatchObject({ status: "invalid" });
  });
});

describe("alarm commands", () => {
  it("delegate to the alarm lifecycle with the actor", () => {
    const calls: unknown[] = [];
    const alarms: AlarmCommands = {
      acknowledge: (alarmId, by, note) => (calls.push(["ack", alarmId, by, note]), { ok: true }),
      resolve: (alarmId, by, resolution) => (calls.push(["resolve", alarmId, by, resolution]), alarmId === "gone" ? { ok: false, code: "unknown_alarm", message: "no such alarm" } : { ok: true }),
    };
    h = new Harness({ alarms });
    expect(h.run("ack_alarm", { alarmId: "a-1", note: "on my way" })).toMatchObject({ status: "ok" });
    expect(h.run("resolve_alarm", { alarmId: "a-1", resolution: "false_alarm" })).toMatchObject({ status: "ok" });
    expect(h.run("resolve_alarm", { alarmId: "gone", resolution: "resolved" })).toMatchObject({ status: "rejected", codes: ["unknown_alarm"] });
    expect(calls).toEqual([
      ["ack", "a-1", "operator:op-1", "on my way"],
      ["resolve", "a-1", "operator:op-1", "false_alarm"],
      ["resolve", "gone", "operator:op-1", "resolved"],
    ]);
    expect(h.audits.at(-1)).toMatchObject({ action: "custody.resolve_alarm", target: "alarm:gone" });
  });

  it("answer NOT_AVAILABLE when no alarm lifecycle is wired", () => {
    h = new Harness();
    expect(h.run("ack_alarm", { alarmId: "a-1" })).toMatchObject({ status: "error", code: "NOT_AVAILABLE" });
  });
});

describe("with the store's audit log", () => {
  let store: TempStore;
  afterEach(() => store.destroy());

  it("commands land in the hash-chained audit table", () => {
    h = new Harness();
    store = tempStore();
    const svc = new CustodyService({ db: store.db, clock: store.clock, rooms: (id) => ROOMS.get(id), sink: () => {}, audit: store.audit });
    svc.execute({ commandId: "r-1", name: "register", args: { personId: "p-1", role: "detainee", legalBasis: "summons" }, by: OPERATOR });
    store.outbox.flush();
    const rows = store.db.prepare<[], { body: string }>("SELECT body FROM audit ORDER BY id").all().map((r) => JSON.parse(r.body) as { action: string; target?: string });
    expect(rows.at(-1)).toMatchObject({ action: "custody.register", target: "person:p-1" });
  });
});
