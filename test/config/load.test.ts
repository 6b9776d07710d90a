import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfigCommand } from "../../src/config/check.js";
import { loadConfig } from "../../src/config/load.js";
import { ConfigError, ExitCode, type ConfigIssue } from "../../src/core/errors.js";
import { dwm1001 } from "../../devices/dwm1001/definition.js";
import { frigate } from "../../devices/frigate/definition.js";
import { modbusRelay } from "../../devices/modbus-relay/definition.js";
import { osdp } from "../../devices/osdp/definition.js";
import { pelco } from "../../devices/pelco/definition.js";
import { fakeRegistry } from "../fixtures/config/fake-drivers.js";

const DEMO = "config/demo-center.yaml";
/** The demo's serial devices and its recorder are checked by their real drivers. */
const demoRegistry = () => fakeRegistry(dwm1001, modbusRelay, pelco, osdp, frigate);
const THREE_MISTAKES = "test/fixtures/config/three-mistakes.yaml";
const dir = mkdtempSync(join(tmpdir(), "custody-edge-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function issuesOf(file: string): readonly ConfigIssue[] {
  try {
    loadConfig(file, fakeRegistry(), {});
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error(`${file} was accepted`);
}

function collect() {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join("") };
}

describe("the demo config", () => {
  it("validates and reads as the demo center", () => {
    const config = loadConfig(DEMO, demoRegistry(), {});
    expect(config.center).toEqual({ id: "haining-demo", name: "海宁 demo", timezone: "Asia/Shanghai" });
    expect(config.gateway.id).toBe("gw-01");
    expect(config.areas.map((a) => a.id)).toEqual(["reception", "secure-area", "outside"]);
    const rooms = config.areas.flatMap((a) => a.rooms);
    expect(rooms).toHaveLength(11);
    expect(rooms.every((r) => r.shapes.length === 1 && r.shapes[0]!.floor === 1)).toBe(true);
    expect(rooms.find((r) => r.id === "holding-juvenile")).toMatchObject({ type: "holding_juvenile", age: "minor", capacity: 2 });
    expect(rooms.find((r) => r.id === "corridor")!.shapes[0]!.polygon).toHaveLength(6); // the L
    const sally = config.doors.filter((d) => d.interlockGroup === "sally");
    expect(sally.map((d) => [d.id, d.between, d.failMode, d.fireRelease])).toEqual([
      ["sally-inner", ["corridor", "sally-port"], "secure", "remote"],
      ["sally-outer", ["sally-port", "outside"], "secure", "remote"],
    ]);
    // driver options come back parsed by the driver (the fake fills maxPayloadBytes)
    expect(config.devices.slice(0, 2).map((d) => [d.id, d.driver, d.options])).toEqual([
      ["rtls-gw", "rtls-mqtt", { format: "dwm", prefix: "dwm", maxPayloadBytes: 65_536 }],
      ["ble-gw", "rtls-mqtt", { format: "espresense", prefix: "espresense", maxPayloadBytes: 65_536 }],
    ]);
    // simulated serial devices on in-process lines
    expect(config.devices.filter((d) => d.transport.kind === "serial").map((d) => [d.id, d.driver, d.transport.kind === "serial" && d.transport.path])).toEqual([
      ["uwb-desk", "dwm1001", "sim:dwm1001"],
      ["door-io-1", "modbus-relay", "sim:rs485-doors"],
      ["cam-corridor", "pelco", "sim:rs485-ptz"],
      ["cam-sally-port", "pelco", "sim:rs485-ptz"],
      ["osdp-sally", "osdp", "sim:rs485-osdp"],
    ]);
    // the interrogation rooms' recorder, answered by the simulator
    expect(config.devices.find((d) => d.driver === "frigate")).toMatchObject({ id: "nvr", transport: { kind: "mqtt" } });
    expect(config.doors.find((d) => d.id === "holding-1-door")).toMatchObject({
      lock: { device: "door-io-1", point: "holding-1-strike" },
      contact: { device: "door-io-1", point: "holding-1-contact" },
    });
    expect(config.presence.readers).toContainEqual({ id: "exit-exciter-1", zone: "exit", exit: true });
    expect(config.simulation.enabled).toBe(true);
    expect(config.localBroker).toMatchObject({ mode: "embedded", host: "127.0.0.1", port: 1883 });
    expect(config.store.path).toBe("./state/demo.db");
    expect([config.uplink.enabled, config.api.enabled]).toEqual([false, false]);
  });

  it("passes check-config with a one-line summary", () => {
    const out = collect();
    const err = collect();
    expect(checkConfigCommand(DEMO, demoRegistry(), out, err)).toBe(ExitCode.OK);
    expect(out.text()).toBe(`✔ ${DEMO}: haining-demo / gw-01 OK — 3 areas, 11 rooms, 13 doors, 8 devices\n`);
    expect(err.text()).toBe("");
  });
});

describe("a config with three independent mistakes", () => {
  it("reports all three, with paths and lines, in file order", () => {
    expect(issuesOf(THREE_MISTAKES)).toEqual([
      {
        path: "areas.0.rooms.2.id",
        message: 'duplicate zone id "interrogation-1": already used at areas.0.rooms.1.id (areas and rooms share one namespace) (line 15)',
      },
      { path: "areas.0.rooms.3.id", message: expect.stringMatching(/^must be 1–64 chars of \[a-z0-9-\].*\(line 16\)$/) },
      { path: "doors.1.between.0", message: 'unknown zone "holding-2" (did you mean "holding-1"?) (line 25)' },
    ]);
  });

  it("makes check-config print three ✖ lines and exit 78", () => {
    const out = collect();
    const err = collect();
    expect(checkConfigCommand(THREE_MISTAKES, fakeRegistry(), out, err)).toBe(ExitCode.CONFIG);
    expect(out.text()).toBe("");
    const lines = err.text().trimEnd().split("\n");
    expect(lines[0]).toBe(`${THREE_MISTAKES}: 3 problems`);
    expect(lines.filter((l) => l.startsWith("✖ "))).toEqual([
      expect.stringMatching(/^✖ areas\.0\.rooms\.2\.id: duplicate zone id/),
      expect.stringMatching(/^✖ areas\.0\.rooms\.3\.id: must be/),
      expect.stringMatching(/^✖ doors\.1\.between\.0: unknown zone "holding-2"/),
    ]);
  });
});

describe("YAML problems", () => {
  it("report a syntax error with its line and column", () => {
    const file = writeConfig("syntax.yaml", "version: 1\ncenter:\n  id: x\n  name: [a, b\nareas:\n  - id: a\n");
    expect(issuesOf(file)).toEqual([{ path: "line 5, col 1", message: expect.stringMatching(/^YAML: Flow sequence .*\]$/) }]);
  });

  it("reject duplicate keys instead of silently keeping the last", () => {
    const file = writeConfig("dupkey.yaml", "version: 1\ngateway: { id: gw-01 }\ngateway: { id: gw-02 }\n");
    expect(issuesOf(file)).toEqual([{ path: "line 3, col 1", message: "YAML: Map keys must be unique" }]);
  });

  it("accept anchors and merge keys for repeated settings", () => {
    const base = siteWithDoors(`
  - &secure { id: d1, between: [corridor, exit], failMode: secure, fireRelease: remote }
  - { <<: *secure, id: d2, between: [exit, outside] }
`);
    const config = loadConfig(writeConfig("merge.yaml", base), fakeRegistry(), {});
    expect(config.doors.map((d) => [d.id, d.failMode, d.fireRelease])).toEqual([
      ["d1", "secure", "remote"],
      ["d2", "secure", "remote"],
    ]);
  });

  it("explain an empty or missing file", () => {
    expect(issuesOf(writeConfig("empty.yaml", "# nothing yet\n"))).toEqual([
      { path: "", message: "the file is empty; start from config/demo-center.yaml" },
    ]);
    expect(issuesOf(join(dir, "missing.yaml"))).toEqual([{ path: "", message: "cannot read the config file (ENOENT)" }]);
  });
});

/** A two-room site with the given doors section. */
function siteWithDoors(doors: string): string {
  return [
    "version: 1",
    "center: { id: t, name: t }",
    "gateway: { id: gw-01 }",
    "areas:",
    "  - { id: secure-area, type: secure_area, rooms: [{ id: corridor, type: corridor }, { id: exit, type: exit }] }",
    "  - { id: outside, type: outside }",
    `doors:${doors}`,
  ].join("\n");
}
