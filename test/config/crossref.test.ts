import { describe, expect, it } from "vitest";
import { checkCrossReferences } from "../../src/config/crossref.js";
import { minimalSite, type RawSite } from "../fixtures/config/minimal-site.js";

function check(mutate: (doc: RawSite) => void) {
  const doc = minimalSite();
  mutate(doc);
  return checkCrossReferences(doc);
}

describe("cross-reference checks", () => {
  it("find nothing wrong with the minimal site", () => {
    expect(checkCrossReferences(minimalSite())).toEqual([]);
  });

  it("keep areas and rooms in one id namespace", () => {
    const issues = check((d) => d.areas[1].rooms = [{ id: "secure-area", type: "other" }]);
    expect(issues).toEqual([
      {
        path: "areas.1.rooms.0.id",
        message: 'duplicate zone id "secure-area": already used at areas.0.id (areas and rooms share one namespace)',
      },
    ]);
  });

  it("require unique door and device ids, separately from zones", () => {
    const issues = check((d) => {
      d.doors[2].id = "sally-inner";
      d.devices.push({ id: "rtls-gw", driver: "rtls-mqtt", transport: { kind: "mqtt" } });
      d.devices.push({ id: "corridor", driver: "fake-relay", transport: { kind: "serial", path: "/dev/ttyUSB1" } });
    });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["doors.2.id", 'duplicate door id "sally-inner": already used at doors.1.id'],
      ["devices.2.id", 'duplicate device id "rtls-gw": already used at devices.0.id'],
    ]);
  });

  it("check that a door joins two different, existing zones", () => {
    const issues = check((d) => {
      d.doors[0].between = ["holding-2", "corridor"];
      d.doors[1].between = ["corridor", "corridor"];
      d.doors[2].between = ["sally-port", "parking-lot-east"];
    });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["doors.0.between.0", 'unknown zone "holding-2" (did you mean "holding-1"?)'],
      ["doors.1.between.1", 'a door joins two different zones; both sides are "corridor"'],
      ["doors.2.between.1", expect.stringMatching(/^unknown zone "parking-lot-east"; declared: corridor, holding-1, /)],
      // the sally doors no longer enclose one space
      ["doors.1.interlockGroup", 'the doors of interlock group "sally" (doors.1, doors.2) do not share a zone; an interlock encloses one space'],
    ]);
  });

  it("check that door points name existing devices", () => {
    const issues = check((d) => {
      d.doors[1].lock.device = "door-i0";
      d.doors[0].requestToExit = { device: "rex-panel", point: 0 };
    });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["doors.0.requestToExit.device", 'unknown device "rex-panel"; declared: door-io, rtls-gw'],
      ["doors.1.lock.device", 'unknown device "door-i0" (did you mean "door-io"?)'],
    ]);
  });

  it("need at least two doors per interlock group", () => {
    const issues = check((d) => (d.doors[2].interlockGroup = "saly"));
    expect(issues.map((i) => i.path)).toEqual(["doors.1.interlockGroup", "doors.2.interlockGroup"]);
    expect(issues[1]!.message).toBe('interlock group "saly" has only this door; an interlock needs at least two (did you mean "sally"?)');
  });

  it("check presence readers and BLE nodes: known zones, unique ids", () => {
    const issues = check((d) => {
      d.presence.readers.push({ id: "exit-exciter-1", zone: "exit" });
      d.presence.bleNodes.push({ id: "holding_juvenile", zone: "holding-juvenil" });
    });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["presence.readers.1.id", 'duplicate id "exit-exciter-1": already used at presence.readers.0'],
      ["presence.readers.1.zone", expect.stringMatching(/^unknown zone "exit"/)],
      ["presence.bleNodes.1.zone", 'unknown zone "holding-juvenil" (did you mean "holding-juvenile"?)'],
    ]);
  });

  it("keep juvenile room types and age consistent", () => {
    const issues = check((d) => {
      d.areas[0].rooms[2].age = "adult";
      d.areas[0].rooms.push({ id: "interrogation-j", type: "interrogation_juvenile" });
      d.areas[0].rooms[1].age = "minor";
    });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["areas.0.rooms.1.type", "a room for minors must have type holding_juvenile, not holding"],
      ["areas.0.rooms.2.age", "holding_juvenile rooms hold minors only; set age: minor (it is adult)"],
      ["areas.0.rooms.4.age", "interrogation_juvenile rooms hold minors only; set age: minor (it is unset, i.e. any)"],
    ]);
  });

  it("require a URL for an external broker and url + site for an enabled uplink", () => {
    const issues = check((d) => {
      d.localBroker = { mode: "external" };
      d.uplink = { enabled: true };
    });
    expect(issues.map((i) => i.path)).toEqual(["localBroker.url", "uplink.url", "uplink.site"]);
  });

  it("catch non-MQTT URLs, TLS settings on a plain URL and half a client certificate", () => {
    const issues = check((d) => {
      d.localBroker = { mode: "external", url: "http://127.0.0.1:1883" };
      d.uplink = { enabled: true, site: "test-center", url: "mqtt://central.example:1883", tls: { cert: "/etc/custody-edge/gw.crt" } };
    });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["localBroker.url", '"http://127.0.0.1:1883" is not an MQTT URL; use mqtt://, mqtts://, ws:// or wss://'],
      ["uplink.tls", 'tls is set but url "mqtt://central.example:1883" is not encrypted; use mqtts:// (or wss://)'],
      ["uplink.tls.key", "mutual TLS needs both cert and key"],
    ]);
  });

  it("catch the local API and the embedded broker on one port", () => {
    expect(check((d) => (d.api = { enabled: true, port: 1883 }))).toEqual([
      { path: "api.port", message: "port 1883 is already used by the embedded localBroker" },
    ]);
    expect(check((d) => (d.api = { enabled: true, port: 1883, host: "10.0.0.5" }))).toEqual([]);
    expect(check((d) => (d.api = { enabled: true, port: 1883, host: "0.0.0.0" }))).toHaveLength(1);
  });

  it("skip parts of the wrong shape, which the schema reports", () => {
    expect(checkCrossReferences({ areas: "none", doors: [null, 3, { between: "x" }], devices: {}, presence: [] })).toEqual([]);
    expect(checkCrossReferences(null)).toEqual([]);
  });
});
