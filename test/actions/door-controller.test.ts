import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { capabilityLookup } from "../../src/actions/capabilities.js";
import { DoorController } from "../../src/actions/door-controller.js";
import { compileDoorSite } from "../../src/actions/door-site.js";
import type { PassagePolicy } from "../../src/actions/passage-policy.js";
import type { SiteConfig } from "../../src/config/schema.js";
import { systemClock } from "../../src/core/clock.js";
import type { EventDraft } from "../../src/core/envelope.js";
import { createLogger } from "../../src/core/logger.js";
import { DriverRegistry } from "../../src/drivers/registry.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import type { AlarmAction } from "../../src/rules/alarm-types.js";
import { simDoor } from "../../devices/sim-door/definition.js";
import { simDoorPanel } from "../../devices/sim-door/panel.js";
import { until } from "../helpers/driver-context.js";
import { tempStore, type TempStore } from "../store/temp-store.js";
import { doorSiteConfig } from "./door-fixture.js";

/**
 * The door controller wired as the daemon wires it: the real driver supervisor running two
 * simulated controllers and a panel (latency, contact bounce), commands through
 * supervisor.command, audit records into a real SQLite audit chain.
 */
const simOptions = {
  "ctl-a": { doors: [1, 2, 3].map((n) => ({ lock: `lock-${n}`, contact: `contact-${n}` })), latencyMs: 5, bounceMs: 15 },
  "ctl-b": { doors: [1, 2, 3].map((n) => ({ lock: `lock-${n}`, contact: `contact-${n}`, ...(n === 3 && { requestToExit: "rex-3" }) })), latencyMs: 5, bounceMs: 15 },
  panel: { inputs: ["fire", "lockdown", "override"] },
} as const;

function siteConfig(): SiteConfig {
  const config = doorSiteConfig({}, "lockdown");
  config.actions = { ...config.actions, contactDebounceMs: 30 };
  for (const d of config.devices) d.options = simDoor.optionsSchema.parse(simOptions[d.id as keyof typeof simOptions]) as Record<string, unknown>;
  return config;
}

const policy: PassagePolicy = {
  mayPass: (personId, _door, _from, to) => (personId === "p-escorted" ? { allowed: true, reasonCodes: ["ESCORTED"] } : { allowed: false, reasonCodes: [`NOT_ALLOWED_TO_${to.toUpperCase()}`] }),
};

let store: TempStore;
let supervisor: DriverSupervisor;
let doors: DoorController;
const events: EventDraft[] = [];
const alarms: AlarmAction[] = [];

beforeEach(async () => {
  events.length = 0;
  alarms.length = 0;
  store = tempStore();
  const config = siteConfig();
  const registry = DriverRegistry.of(simDoor);
  const log = createLogger({ level: "silent" });
  const kv = new Map<string, unknown>();
  supervisor = new DriverSupervisor({
    registry,
    clock: systemClock,
    log,
    acquire: () => null,
    storeFor: () => ({ get: <T>(k: string) => kv.get(k) as T | undefined, set: (k, v) => void kv.set(k, v) }),
    onMessage: (deviceId, _def, msg) => doors.onDeviceMessage(deviceId, msg),
  });
  doors = new DoorController({
    site: compileDoorSite(config, capabilityLookup(config.devices, registry)),
    clock: systemClock,
    send: (deviceId, cmd) => supervisor.command(deviceId, cmd),
    passage: policy,
    sinks: { events: (d) => void events.push(...d), alarms: (a) => void alarms.push(...a), audit: store.audit },
    log,
  });
  doors.start();
  await supervisor.startAll(config.devices);
  await until(() => doors.views().every((v) => v.known), "every door read back");
});

afterEach(async () => {
  doors.stop();
  await supervisor.stopAll(1000);
  store.destroy();
});

const ask = (doorId: string, action: "unlock" | "lock" | "open" | "release", extra: Record<string, unknown> = {}) =>
  doors.request({ doorId, action, origin: "operator", requestedBy: "op-7", reason: "integration test", ...extra });
const raisedTypes = () => alarms.flatMap((a) => (a.kind === "raise" ? [a.type] : []));

describe("door controller with simulated controllers", () => {
  it("executes an unlock and shows it only once the lock reports it", async () => {
    const out = await ask("lobby", "unlock");
    expect(out).toMatchObject({ result: "executed", reasonCode: "EXECUTED", doorId: "lobby" });
    expect(simDoorPanel("ctl-b")!.physical()["lock-3"]).toBe("unlocked");
    await until(() => doors.view("lobby")!.locked === false, "lock read back unlocked");
    const state = events.filter((e) => e.type === "DOOR_STATE" && e.payload.doorId === "lobby").at(-1)!;
    expect(state.payload).toMatchObject({ locked: false, source: "sensor", cause: "sensor" });
  });

  it("keeps the sally port interlocked on sensor truth", async () => {
    expect((await ask("sally-a", "unlock")).result).toBe("executed");
    expect(await ask("sally-b", "unlock")).toMatchObject({ result: "rejected", reasonCode: "INTERLOCK_BLOCKED" });
    expect((await ask("sally-a", "lock")).result).toBe("executed");
    await until(() => doors.view("sally-a")!.locked === true, "sally-a relocked");
    expect((await ask("sally-b", "unlock")).result).toBe("executed");
  });

  it("asks custody about a detainee's passage", async () => {
    expect(await ask("lobby", "open", { personId: "p-other", toZone: "outside" })).toMatchObject({ result: "rejected", reasonCode: "PASSAGE_DENIED", passageCodes: ["NOT_ALLOWED_TO_OUTSIDE"] });
    expect(await ask("lobby", "open", { personId: "p-escorted", toZone: "outside" })).toMatchObject({ result: "executed", passageCodes: ["ESCORTED"] });
  });

  it("drops a stale command: the controller never sees it", async () => {
    const before = simDoorPanel("ctl-b")!.received.length;
    expect(await ask("lobby", "unlock", { deadline: Date.now() - 1 })).toMatchObject({ result: "rejected", reasonCode: "COMMAND_EXPIRED" });
    expect(simDoorPanel("ctl-b")!.received.length).toBe(before);
  });

  it("raises DOOR_FORCED once for a bouncing contact on a locked door", async () => {
    simDoorPanel("ctl-b")!.open("contact-3");
    await until(() => doors.view("lobby")!.open === true, "door seen open");
    await new Promise((r) => setTimeout(r, 60));
    expect(raisedTypes().filter((t) => t === "DOOR_FORCED")).toHaveLength(1);
  });

  it("shows doors unknown while their controller is offline and reads them back after", async () => {
    const panel = simDoorPanel("ctl-a")!;
    panel.goOffline(true);
    await until(() => doors.view("sally-a")!.online === false, "offline seen");
    expect(doors.view("sally-a")).toMatchObject({ locked: null, open: null, known: false });
    expect(raisedTypes()).toEqual(expect.arrayContaining(["DOOR_OFFLINE", "DOOR_COMMS_LOST"]));
    expect(await ask("cell-1-door", "unlock")).toMatchObject({ result: "rejected", reasonCode: "CONTROLLER_OFFLINE" });
    panel.goOnline();
    await until(() => doors.view("sally-a")!.known, "read back");
    // sally-a is a maglock: it dropped to unlocked when the power went, and that is what shows.
    expect(doors.view("sally-a")).toMatchObject({ locked: false, open: false });
  });

  it("releases fire-release doors on the fire input and audits all of it in the audit chain", async () => {
    simDoorPanel("panel")!.setInput("fire", true);
    await until(() => ["lock-1", "lock-3"].every((p) => simDoorPanel("ctl-a")!.physical()[p] === "unlocked"), "auto doors released");
    await until(() => simDoorPanel("ctl-b")!.physical()["lock-3"] === "unlocked", "lobby released");
    expect(raisedTypes()).toEqual(expect.arrayContaining(["FIRE_RELEASE_EXECUTED", "FIRE_RELEASE_REQUIRED"]));
    expect(simDoorPanel("ctl-b")!.physical()["lock-1"]).toBe("locked");
    expect((await ask("sally-b", "release")).result).toBe("executed");
    await until(() => doors.view("lobby")!.lastCommand?.action === "release" && doors.view("lobby")!.locked === false, "lobby read back released");

    store.outbox.flush();
    const rows = store.db.prepare<[], { body: string }>("SELECT body FROM audit ORDER BY id").all().map((r) => JSON.parse(r.body));
    const lobby = rows.filter((r) => r.target === "door:lobby");
    expect(lobby.map((r) => [r.actor, r.action, r.data.result])).toEqual([
      ["engine:fire-release", "door.release", "sent"],
      ["engine:fire-release", "door.release", "executed"],
    ]);
    expect(rows.filter((r) => r.target === "door:sally-b").map((r) => [r.actor, r.data.result, r.reason])).toEqual([
      ["operator:op-7", "sent", "integration test"],
      ["operator:op-7", "executed", "integration test"],
    ]);
  });
});
