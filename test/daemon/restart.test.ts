import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DaemonRig, gapless, story } from "./harness.js";

/**
 * A clean restart on the same store, as systemd does after an upgrade: the new process is a new
 * epoch, its seq continues where the old one stopped, central's stream stays gap-free and
 * chained across both, and what custody and the rules decided before is still there.
 */
const rig = new DaemonRig();
const events0 = (r: DaemonRig) => r.applied();
beforeAll(() => rig.start(), 20_000);
afterAll(() => rig.stop(), 20_000);

describe("daemon restart on the same store", () => {
  it("bumps the epoch, continues the seq without a gap, keeps the person, the binding and open alarms", async () => {
    const { central } = rig;
    expect(await rig.command("register-person", { personId: "p-7", role: "detainee", sex: "female", legalBasis: "summons", caseNo: "C-2026-7" })).toMatchObject({ status: "ok" });
    expect(await rig.command("bind-tag", { personId: "p-7", tagId: "0b07" })).toMatchObject({ status: "ok" });
    const entered = (zone: string) => () => rig.applied().some((e) => story(e) === `ZONE_ENTER p-7 ${zone}`);
    await rig.walk("0b07", 2, 10, entered("registration"), "ZONE_ENTER registration");
    await rig.walk("0b07", 20, 9.5, entered("corridor"), "ZONE_ENTER corridor");
    // A detainee in the vehicle sally port, the edge of the secure area: R17 raises an alarm.
    await rig.walk("0b07", 31, 4, entered("sally-port"), "ZONE_ENTER sally-port");
    const alarm = await rig.received("the R17 alarm", (e) => e.type === "ALARM_RAISED" && e.payload.ruleId === "R17");
    expect(alarm.payload).toMatchObject({ alarmType: "ESCAPE_ATTEMPT", subjects: ["p-7"] });
    const openBefore = rig.daemon.rules.openAlarms().map((a) => a.alarmId);
    expect(openBefore).toContain(alarm.payload.alarmId);
    const lastSeq = rig.daemon.outbox.committedSeq;

    expect(await rig.stopDaemon()).toBe(true);
    const before = rig.applied().length;
    const d = await rig.startDaemon();

    const birth = central.births.at(-1) as { epoch: number; outbox: { committedSeq: number } };
    expect(birth.epoch).toBe(2);
    expect(birth.outbox.committedSeq).toBeGreaterThanOrEqual(lastSeq);
    // Custody state and the wristband's binding are read back from the store.
    expect(d.custody.reader.person("p-7")).toMatchObject({ personId: "p-7" });
    expect(d.custody.reader.openSession("p-7")).toBeDefined();
    expect(d.custody.reader.tagsOf("p-7")).toEqual(["0b07"]);
    // So are the rules' open alarms: the same alarm, still raised.
    expect(d.rules.openAlarms().map((a) => a.alarmId)).toEqual(expect.arrayContaining(openBefore));
    expect(d.rules.alarm(alarm.payload.alarmId as string)).toMatchObject({ type: "ESCAPE_ATTEMPT", state: "raised" });
    // Our own clean stop is not a door fault: no door or controller alarm is left open by it.
    const doorFaults = () => d.rules.openAlarms().filter((a) => a.type === "DOOR_OFFLINE" || a.type === "DOOR_COMMS_LOST");
    await central.waitFor("door controllers back online after the restart", () => doorFaults().length === 0, 5000);
    expect(events0(rig).filter((e) => e.type === "ALARM_RAISED" && /DOOR_OFFLINE|DOOR_COMMS_LOST/.test(String(e.payload.alarmType)))).toEqual([]);

    // The tag still belongs to p-7, and presence remembers where she was.
    await rig.walk("0b07", 31, 9.5, () => rig.applied().slice(before).some((e) => story(e) === "ZONE_ENTER p-7 corridor"), "ZONE_ENTER corridor after the restart");
    const events = rig.applied();
    const epochs = events.map((e) => e.epoch);
    const firstOfNew = epochs.indexOf(2);
    expect(firstOfNew).toBeGreaterThan(0);
    expect(epochs.slice(0, firstOfNew).every((x) => x === 1) && epochs.slice(firstOfNew).every((x) => x === 2)).toBe(true);
    expect(events[firstOfNew]!.seq).toBe(events[firstOfNew - 1]!.seq + 1);
    expect(gapless(events)).toEqual({ seqs: true, chain: true });
    expect(central.conflicts).toEqual([]);
    expect(events.slice(firstOfNew).filter((e) => e.type.startsWith("ZONE_")).map(story)).toEqual(["ZONE_EXIT p-7 sally-port", "ZONE_ENTER p-7 corridor"]);
    // The restart neither re-raised the alarm nor reported the person anew.
    expect(events.filter((e) => e.type === "ALARM_RAISED" && e.payload.alarmId === alarm.payload.alarmId)).toHaveLength(1);
    expect(events.filter((e) => e.type === "PERSON_REGISTERED" || e.type === "TAG_BOUND").map(story)).toEqual(["PERSON_REGISTERED p-7", "TAG_BOUND p-7"]);
    const applied = central.contiguous;
    await central.waitFor("central's ack to reach the new process's outbox", () => d.outbox.floorSeq >= applied, 5000);
  }, 30_000);
});
