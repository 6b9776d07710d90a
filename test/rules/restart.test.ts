import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import { SqliteAlarmStore } from "../../src/rules/alarm-store.js";
import { openDatabase, type Db } from "../../src/store/db.js";
import { FakeCenter, MIN, T0 } from "./fixtures/fake-center.js";
import { harness } from "./fixtures/harness.js";

const dir = mkdtempSync(join(tmpdir(), "rules-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One daemon life over a real SQLite file: custody (the fake center) and the clock outlive it, as custody's own store would. */
function life(path: string, clock: FakeClock, center: FakeCenter) {
  const db: Db = openDatabase(path);
  const h = harness({ clock, center, store: new SqliteAlarmStore(db) });
  return { ...h, stop: () => (h.engine.close(), db.close()) };
}

describe("restart in the middle of a custody session", () => {
  it("keeps the open alarms, their dedup, acknowledgements and pending dwell timers", () => {
    const path = join(dir, "a.db");
    const clock = new FakeClock(T0);
    const center = new FakeCenter(() => clock.now());
    center.detainee("p1", { caseNos: ["C-1"] });
    center.detainee("p2", { caseNos: ["C-1"] });
    center.detainee("p3", { caseNos: ["C-9"] });
    center.detainee("p4", { caseNos: ["C-9"] });
    center.officer("o1");

    center.detainee("p5");
    const first = life(path, clock, center);
    first.move("o1", "holding-1");
    first.move("p1", "holding-1");
    first.move("p2", "holding-1");
    first.advance(5 * MIN);
    first.move("p3", "holding-2");
    first.move("p4", "holding-2");
    first.advance(2 * MIN); // p3+p4 are 2 of their 5 minutes into co-location
    first.move("p5", "corridor");
    first.move("p5", "exit-room", { exitReader: true });
    const escape = first.open("ESCAPE_ATTEMPT")[0]!;
    const coCase = first.open("CO_CASE_CONTACT")[0]!;
    first.engine.acknowledge(coCase.alarmId, "op1");
    const before = first.engine.openAlarms().map((a) => [a.alarmId, a.type, a.state, a.count]).sort();
    first.stop();

    clock.advance(30_000); // the daemon is down for 30 s
    const second = life(path, clock, center);
    expect(second.engine.openAlarms().map((a) => [a.alarmId, a.type, a.state, a.count]).sort()).toEqual(before);
    expect(second.engine.alarm(coCase.alarmId)).toMatchObject({ state: "acknowledged", ackBy: "op1" });

    // Dedup continues: the same escape updates the stored alarm, nothing is raised twice.
    second.move("p5", "sally");
    expect(second.open("ESCAPE_ATTEMPT")[0]).toMatchObject({ alarmId: escape.alarmId, count: 2 });
    expect(second.raised()).toEqual([]);

    // The pending dwell kept its start: p3+p4 alarm 5 min after they met, not 5 min after the restart.
    second.advance(2 * MIN + 20_000);
    expect(second.raised("CO_CASE_CONTACT")).toEqual([]);
    second.advance(10_000);
    expect(second.raised("CO_CASE_CONTACT").map((e) => e.payload.subjects)).toEqual([["p3", "p4"]]);

    // The unacknowledged critical escape alarm is re-notified after the restart.
    expect(second.events("ALARM_RENOTIFIED").map((e) => e.payload.alarmId)).toContain(escape.alarmId);

    // The acknowledged alarm resolves when the condition ends, and stays in the store.
    second.move("p2", "holding-2");
    expect(second.engine.alarm(coCase.alarmId)).toMatchObject({ state: "resolved" });
    expect(second.engine.resolve(coCase.alarmId, "op1", "resolved", "late")).toMatchObject({ ok: false, code: "invalid_transition" });
    second.stop();
  });

  it("drops a stored detector state of another shape instead of breaking the detector", () => {
    const path = join(dir, "b.db");
    const db = openDatabase(path);
    const store = new SqliteAlarmStore(db);
    store.saveStates([
      ["co-case", { v: 0, state: { "p1+p2": "old shape" } }],
      ["unattended", "not even an object"],
    ]);
    const clock = new FakeClock(T0);
    const h = harness({ clock, store });
    h.center.detainee("p1", { caseNos: ["C-1"] });
    h.center.detainee("p2", { caseNos: ["C-1"] });
    h.move("p1", "capture");
    h.move("p2", "capture");
    h.advance(5 * MIN);
    expect(h.open("CO_CASE_CONTACT")).toHaveLength(1);
    expect(h.open("DETAINEE_UNATTENDED")).toHaveLength(2);
    expect(h.engine.stats().errors).toBe(0);
    h.engine.close();
    db.close();
  });
});
