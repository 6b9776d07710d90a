import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/load.js";
import type { ConfigIssue } from "../../src/core/errors.js";
import { DriverRegistry } from "../../src/drivers/registry.js";
import { fakeRegistry } from "../fixtures/config/fake-drivers.js";
import { minimalSite, type RawSite } from "../fixtures/config/minimal-site.js";

function issuesOf(doc: RawSite, registry = fakeRegistry()): ConfigIssue[] {
  const result = validateConfig(doc, registry);
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.issues;
}

describe("validateConfig", () => {
  it("accepts the minimal site and fills schema and driver defaults", () => {
    const result = validateConfig(minimalSite(), fakeRegistry());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.localBroker).toMatchObject({ mode: "embedded", port: 1883 });
    expect(result.config.doors[0]!.heldOpenS).toBe(30);
    // options replaced by the driver's parsed value, defaults included
    expect(result.config.devices[0]!.options).toEqual({ format: "dwm", prefix: "dwm", maxPayloadBytes: 65_536 });
  });

  it("names an unknown driver, suggests the close one and lists the known ids", () => {
    const doc = minimalSite();
    doc.devices[0].driver = "rtls-mqt";
    const issues = issuesOf(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe("devices.0.driver");
    expect(issues[0]!.message).toContain('unknown driver "rtls-mqt" (did you mean "rtls-mqtt"?)');
    expect(issues[0]!.message).toContain("known drivers: fake-relay, rtls-mqtt");
  });

  it("says so when the build has no drivers at all", () => {
    const issues = issuesOf(minimalSite(), DriverRegistry.of());
    expect(issues.map((i) => i.path)).toEqual(["devices.0.driver", "devices.1.driver"]);
    expect(issues[0]!.message).toContain("(none in this build)");
  });

  it("reports driver option errors under devices.N.options", () => {
    const doc = minimalSite();
    doc.devices.push({ id: "ble-gw", driver: "rtls-mqtt", transport: { kind: "mqtt" }, options: { format: "espresense", prefix: "ESP+" } });
    doc.devices[0].options = { format: "uwb", prefix: "dwm", extra: true };
    const issues = issuesOf(doc);
    expect(issues).toEqual([
      { path: "devices.0.options.format", message: "must be one of: dwm, espresense (got \"uwb\")" },
      { path: "devices.0.options.extra", message: 'unknown key "extra"' },
      { path: "devices.2.options.prefix", message: "topic prefix: lowercase, digits, / _ -" },
    ]);
  });

  it("checks the transport against the one the driver talks over", () => {
    const doc = minimalSite();
    delete doc.devices[0].transport;
    doc.devices[1].transport = { kind: "mqtt" };
    const issues = issuesOf(doc);
    expect(issues.map((i) => i.path)).toEqual(["devices.0.transport", "devices.1.transport.kind"]);
    expect(issues[0]!.message).toBe('driver "rtls-mqtt" talks over mqtt, not none; set transport: { kind: mqtt }');
  });

  it("requires devices on one serial port to share line settings", () => {
    const doc = minimalSite();
    doc.devices.push({ id: "door-io-2", driver: "fake-relay", transport: { kind: "serial", path: "/dev/ttyUSB0", baudRate: 19200 } });
    doc.devices.push({ id: "door-io-3", driver: "fake-relay", transport: { kind: "serial", path: "/dev/ttyUSB0", baudRate: 9600 } });
    const issues = issuesOf(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe("devices.2.transport");
    expect(issues[0]!.message).toContain("uses 19200 8N1 instead of 9600 8N1");
  });

  it("reports schema, reference and driver issues together", () => {
    const doc = minimalSite();
    doc.devices[1].id = "rtls-gw"; // duplicate device id
    doc.doors[1].between[1] = "sally"; // unknown zone
    doc.areas[0].rooms[0].id = "Corridor+1"; // bad id (and now "corridor" is unknown to doors)
    doc.devices[0].options.prefix = 42; // driver option
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "areas.0.rooms.0.id",
        "devices.1.id",
        "doors.1.between.1",
        "doors.0.between.1",
        "devices.0.options.prefix",
      ]),
    );
  });

  it("gives one message per spot: a badly written reference is not also an unknown zone", () => {
    const doc = minimalSite();
    doc.doors[0].between[0] = "Holding+1";
    const issues = issuesOf(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe("doors.0.between.0");
    expect(issues[0]!.message).toMatch(/^must be 1–64 chars of \[a-z0-9-\]/);
  });

  it("points at a misspelt key and suggests the right one", () => {
    const doc = minimalSite();
    doc.doors[0].heldOpenSecs = 10;
    const issues = issuesOf(doc);
    expect(issues).toEqual([{ path: "doors.0.heldOpenSecs", message: 'unknown key "heldOpenSecs" (did you mean "heldOpenS"?)' }]);
  });

  it("explains required fields, enums and malformed secrets", () => {
    const doc = minimalSite();
    delete doc.center.name;
    doc.doors[0].failMode = "closed";
    doc.localBroker = { password: { variable: "X" } };
    doc.rules = { R39: {} };
    const byPath = Object.fromEntries(issuesOf(doc).map((i) => [i.path, i.message]));
    expect(byPath).toEqual({
      "center.name": "required (string)",
      "doors.0.failMode": 'must be one of: safe, secure (got "closed")',
      "localBroker.password": "a secret is a string, { env: VARIABLE_NAME }, { file: /path/to/file } or { credential: NAME }",
      "rules.R39": "rule ids are R01…R38",
    });
  });

  it("rejects a document that is not a mapping", () => {
    expect(issuesOf(["not", "a", "site"] as unknown as RawSite)).toEqual([{ path: "", message: "expected object, got a list" }]);
  });
});
