import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simDoorPanel } from "../../devices/sim-door/panel.js";
import { DaemonRig, gapless, story } from "./harness.js";
import { SALLY_IO, sallyPoints } from "./site.js";

/**
 * The daemon as central sees it: the real composition root on the demo site, the uplink to a
 * real Mosquitto, the reference central consumer. Central registers and tags a detainee, the
 * site's positioning gateway reports the wristband, and central follows the person from room to
 * room on a gap-free, hash-chained event stream it acknowledges.
 */
const rig = new DaemonRig();
beforeAll(() => rig.start(), 20_000);
afterAll(() => rig.stop(), 20_000);

const FOLLOWED = new Set(["DEVICE_STATUS", "PERSON_REGISTERED", "TAG_BOUND", "ZONE_ENTER", "ZONE_EXIT"]);

describe("daemon ⇄ central over the uplink", () => {
  it("births with the inventory, answers custody commands, and streams the person's moves in seq order with no gap", async () => {
    const { central } = rig;
    await central.waitFor("the birth message", () => central.births.length > 0, 5000);
    const birth = central.births[0] as { epoch: number; site: string; gatewayId: string; inventory: { devices: Array<{ id: string; online?: boolean }>; zones: Array<{ id: string; type?: string }> } };
    expect(birth).toMatchObject({ epoch: 1, site: "haining-demo", gatewayId: "gw-01" });
    expect(birth.inventory.devices.map((d) => d.id)).toEqual(rig.daemon.config.devices.map((d) => d.id));
    expect(birth.inventory.devices).toEqual(expect.arrayContaining([{ id: "rtls-gw", driver: "rtls-mqtt", online: true }, { id: SALLY_IO, driver: "sim-door", online: true }]));
    expect(birth.inventory.zones).toEqual(expect.arrayContaining([{ id: "registration", type: "registration" }, { id: "sally-port", type: "sally_port" }, { id: "outside", type: "outside" }]));

    const registered = await rig.command("register-person", { personId: "p-1", role: "detainee", sex: "male", legalBasis: "summons", caseNo: "C-2026-1" });
    expect(registered).toMatchObject({ status: "ok", data: { limitH: 12 } });
    expect(await rig.command("bind-tag", { personId: "p-1", tagId: "0a01" })).toMatchObject({ status: "ok", data: { tagIds: ["0a01"] } });

    // The wristband at the registration desk, then out in the corridor.
    const entered = (zone: string) => () => rig.applied().some((e) => story(e) === `ZONE_ENTER p-1 ${zone}`);
    await rig.walk("0a01", 2, 10, entered("registration"), "ZONE_ENTER registration at central");
    await rig.walk("0a01", 20, 9.5, entered("corridor"), "ZONE_ENTER corridor at central");

    const events = rig.applied();
    const followed = events.filter((e) => FOLLOWED.has(e.type)).map(story);
    const firstPersonEvent = followed.indexOf("PERSON_REGISTERED p-1");
    // Devices come online while the daemon starts (the demo's sim: serial devices stay offline
    // without their simulators, and say nothing); then the person's story, in order.
    const startup = followed.slice(0, firstPersonEvent);
    expect(startup.every((s) => /^DEVICE_STATUS \S+ online$/.test(s))).toBe(true);
    expect(startup).toEqual(expect.arrayContaining(["DEVICE_STATUS rtls-gw online", "DEVICE_STATUS ble-gw online", `DEVICE_STATUS ${SALLY_IO} online`]));
    expect(followed.slice(firstPersonEvent)).toEqual([
      "PERSON_REGISTERED p-1",
      "TAG_BOUND p-1",
      "ZONE_ENTER p-1 registration",
      "ZONE_EXIT p-1 registration",
      "ZONE_ENTER p-1 corridor",
    ]);
    expect(gapless(events)).toEqual({ seqs: true, chain: true });
    expect(central.conflicts).toEqual([]);
    expect(new Set(events.map((e) => e.epoch))).toEqual(new Set([1]));

    // Central's acks reach the outbox: everything central applied is deleted there.
    const applied = central.contiguous;
    await central.waitFor("the outbox floor to reach central's ack", () => rig.daemon.outbox.floorSeq >= applied, 5000);
    expect(central.acksSent).toBeGreaterThan(0);
    expect(rig.daemon.outbox.stats().rows).toBe(rig.daemon.outbox.committedSeq - rig.daemon.outbox.floorSeq);
  });

  it("refuses a door command from central while the interlock partner is open and unlocked (INTERLOCK_BLOCKED)", async () => {
    const panel = simDoorPanel(SALLY_IO)!;
    const inner = sallyPoints("sally-inner");
    const outer = sallyPoints("sally-outer");
    expect(await rig.command("door", { doorId: "sally-outer", action: "unlock" })).toMatchObject({ status: "ok", data: { result: "executed", reasonCode: "EXECUTED" } });
    panel.open(outer.contact);
    await rig.received("sally-outer open and unlocked", (e) => e.type === "DOOR_STATE" && e.payload.doorId === "sally-outer" && e.payload.open === true && e.payload.locked === false);

    const refused = await rig.command("door", { doorId: "sally-inner", action: "unlock" });
    expect(refused).toMatchObject({ status: "error", error: { code: "INTERLOCK_BLOCKED" }, data: { result: "rejected", reasonCode: "INTERLOCK_BLOCKED" } });
    expect(panel.physical()[inner.lock]).toBe("locked");
    expect(panel.received.some((c) => inner.lock in c.values)).toBe(false);

    const alarm = await rig.received("the INTERLOCK_BLOCKED alarm", (e) => story(e) === "ALARM_RAISED INTERLOCK_BLOCKED");
    expect(alarm.payload).toMatchObject({ ruleId: "R32", data: { groupId: "sally" } });
    const doorCommands = rig.applied().filter((e) => e.type === "DOOR_COMMAND").map((e) => [e.payload.doorId, e.payload.origin, e.payload.reasonCode]);
    expect(doorCommands).toEqual([
      ["sally-outer", "central", "EXECUTED"],
      ["sally-inner", "central", "INTERLOCK_BLOCKED"],
    ]);
    expect(gapless(rig.applied())).toEqual({ seqs: true, chain: true });
  });
});
