import { describe, expect, it } from "vitest";
import { createActions } from "../../src/actions/assemble.js";
import { checkActionReferences } from "../../src/actions/config-checks.js";
import { SiteConfig } from "../../src/config/schema.js";
import { loadConfig } from "../../src/config/load.js";
import { FakeClock } from "../../src/core/clock.js";
import { ConfigError } from "../../src/core/errors.js";
import type { Command } from "../../src/drivers/contract.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import { DriverRegistry } from "../../src/drivers/registry.js";
import { minimalSite } from "../fixtures/config/minimal-site.js";
import { doorSiteConfig } from "./door-fixture.js";

describe("inputs and actions in the site config", () => {
  it("leaves existing configs valid: the demo center and the minimal site have neither section", () => {
    const demo = loadConfig("config/demo-center.yaml", builtinDrivers());
    expect(demo.inputs).toBeUndefined();
    expect(checkActionReferences(demo)).toEqual([]);
    expect(checkActionReferences(SiteConfig.parse(minimalSite()))).toEqual([]);
  });

  it("parses every action kind with its defaults", () => {
    const cfg = doorSiteConfig({
      actions: {
        bindings: [
          {
            alarm: "ESCAPE_ATTEMPT",
            actions: [
              { kind: "relay", device: "ctl-a", point: "siren" },
              { kind: "lock_doors", doors: ["sally-a"] },
              { kind: "camera_preset", device: "ctl-a", rooms: { "sally-port": 3 } },
              { kind: "recording_bookmark", device: "ctl-a" },
              { kind: "robot_dispatch", device: "ctl-b", room: "corridor" },
            ],
          },
        ],
        heartbeats: [{ device: "ctl-a", everyS: 1 }],
        roomPower: [{ room: "cell-1", power: { device: "ctl-a", point: "p" } }],
      },
    });
    expect(cfg.actions!.bindings![0]!.actions[0]).toEqual({ kind: "relay", device: "ctl-a", point: "siren", forS: 300 });
    expect(checkActionReferences(cfg)).toEqual([]);
    expect(SiteConfig.safeParse({ ...minimalSite(), actions: { bindings: [{ alarm: "escape", actions: [{ kind: "lock_doors", doors: ["x"] }] }] } }).success).toBe(false);
  });

  it("reports every unknown reference with its path", () => {
    const raw = minimalSite();
    raw.doors[1].lockSensor = { device: "door-iox", point: 3 };
    raw.doors[2].lock = { device: "door-io", point: 4 };
    raw.inputs = [
      { id: "fire", kind: "fire_alarm", point: { device: "panel", point: "fire" } },
      { id: "fire", kind: "lockdown", point: { device: "door-io", point: 5 }, groups: ["sallyy"], doors: ["nope"] },
      { id: "panic", kind: "duress", point: { device: "door-io", point: 6 }, zone: "holding-9" },
    ];
    raw.actions = {
      bindings: [{ alarm: "ESCAPE_ATTEMPT", actions: [{ kind: "lock_doors", doors: ["sally-outr"] }, { kind: "robot_dispatch", device: "robot", room: "corridor" }] }],
      heartbeats: [{ device: "door-io", everyS: 1 }],
      roomPower: [{ room: "interrogation-1", power: { device: "door-io", point: 1 } }],
    };
    expect(checkActionReferences(raw).map((i) => i.path)).toEqual([
      "doors.1.lockSensor.device",
      "doors.2.contact",
      "inputs.0.point.device",
      "inputs.1.id",
      "inputs.1.doors.0",
      "inputs.1.groups.0",
      "inputs.2.zone",
      "actions.bindings.0.actions.0.doors.0",
      "actions.bindings.0.actions.1.device",
      "actions.roomPower.0.room",
    ]);
    expect(checkActionReferences(raw)[7]!.message).toBe('unknown door "sally-outr" (did you mean "sally-outer"?)');
    expect(() => createActions({ config: SiteConfig.parse(raw), registry: new DriverRegistry(), clock: new FakeClock(), send: async () => ({ status: "ok" }), sinks: { events: () => {}, alarms: () => {}, audit: { record: () => {} } } })).toThrow(ConfigError);
  });
});

describe("createActions", () => {
  it("wires door alarms to their bindings: a forced door turns the camera", async () => {
    const clock = new FakeClock();
    const sent: Array<{ deviceId: string; cmd: Command }> = [];
    const raised: string[] = [];
    const config = doorSiteConfig({ actions: { bindings: [{ alarm: "DOOR_FORCED", actions: [{ kind: "camera_preset", device: "ptz", preset: 4 }] }] } });
    config.devices.push({ id: "ptz", driver: "pelco", transport: { kind: "none" }, options: {}, enabled: true });
    const services = createActions({
      config,
      registry: new DriverRegistry(),
      clock,
      send: async (deviceId, cmd) => {
        sent.push({ deviceId, cmd });
        return { status: "ok" };
      },
      sinks: { events: () => {}, alarms: (a) => void raised.push(...a.flatMap((x) => (x.kind === "raise" ? [x.type] : []))), audit: { record: () => {} } },
    });
    services.start();
    services.onDeviceMessage("ctl-b", { type: "availability", online: true });
    services.onDeviceMessage("ctl-b", { type: "state", values: { "lock-3": "locked", "contact-3": "closed" } });
    services.onDeviceMessage("ctl-b", { type: "state", values: { "contact-3": "open" } });
    clock.advance(50);
    await new Promise((r) => setImmediate(r));
    expect(raised).toContain("DOOR_FORCED");
    expect(sent).toMatchObject([{ deviceId: "ptz", cmd: { values: { preset: 4 }, requestedBy: "R33" } }]);
    await services.stop();
  });
});
