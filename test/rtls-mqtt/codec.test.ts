import { describe, expect, it } from "vitest";
import { decodeDwm, decodeDwmLocation, decodeDwmStatus, decodeEspresense, parseDeviceTime } from "../../devices/rtls-mqtt/codec.js";

const bytes = (s: string): Buffer => Buffer.from(s, "utf8");

describe("DWM gateway JSON (PROTOCOLS.md §2.2)", () => {
  it("decodes the documented location payload into metres with quality", () => {
    const d = decodeDwmLocation(
      "dwm/node/0f07/uplink/location",
      bytes('{"position":{"x":1.23,"y":4.56,"z":0.78,"quality":95},"superFrameNumber":1234}'),
    );
    expect(d).toEqual({
      kind: "observation",
      observation: { kind: "coordinates", tagId: "0f07", x: 1.23, y: 4.56, z: 0.78, quality: 95, method: "uwb" },
    });
  });

  it("accepts any prefix, upper-case node ids and newer fields (timestamp)", () => {
    const d = decodeDwmLocation(
      "site-a/rtls/node/0F07/uplink/location",
      '{"position":{"x":-2,"y":0,"quality":40,"sd_x":0.1},"superFrameNumber":7,"timestamp":1767254400000}',
    );
    expect(d).toEqual({
      kind: "observation",
      observation: { kind: "coordinates", tagId: "0f07", x: -2, y: 0, quality: 40, method: "uwb", deviceTime: 1767254400000 },
    });
  });

  it("decodes the documented status payload into a tag_status event", () => {
    const d = decodeDwmStatus(
      "dwm/node/0f07/uplink/status",
      bytes('{"present":true,"downlink":true,"batt":100,"temp":25,"timestamp":"2026-01-01T08:00:00Z"}'),
    );
    expect(d).toEqual({
      kind: "event",
      name: "tag_status",
      data: { tagId: "0f07", present: true, battery: 100, temperature: 25 },
      deviceTime: Date.UTC(2026, 0, 1, 8),
    });
  });

  it("ignores config, data and gateway topics", () => {
    const cfg = '{"configuration":{"label":"DW0F07","nodeType":"TAG","ble":true}}';
    expect(decodeDwm("dwm/node/0f07/uplink/config", bytes(cfg)).kind).toBe("ignored");
    expect(decodeDwm("dwm/gateway/abc/uplink", bytes("{}")).kind).toBe("ignored");
  });

  it.each([
    ["bad JSON", '{"position":{"x":1,', "not JSON"],
    ["missing position", '{"superFrameNumber":1}', "missing position"],
    ["x as string", '{"position":{"x":"1.2","y":3}}', "finite"],
    ["NaN-like", '{"position":{"x":NaN,"y":3}}', "not JSON"],
    ["quality out of range", '{"position":{"x":1,"y":3,"quality":101}}', "quality"],
    ["absurd coordinates", '{"position":{"x":1e9,"y":3}}', "out of range"],
    ["array", "[1,2,3]", "not a JSON object"],
    ["empty", "", "empty"],
  ])("rejects %s with a reason", (_name, payload, reason) => {
    const d = decodeDwmLocation("dwm/node/0f07/uplink/location", bytes(payload));
    expect(d.kind).toBe("error");
    expect(d.kind === "error" && d.reason).toContain(reason);
  });

  it("rejects huge payloads before parsing, bad node ids and invalid UTF-8", () => {
    const huge = `{"position":{"x":1,"y":2},"pad":"${"a".repeat(20_000)}"}`;
    expect(decodeDwmLocation("dwm/node/0f07/uplink/location", bytes(huge))).toMatchObject({ kind: "error", reason: /too large/ });
    expect(decodeDwmLocation("dwm/node/zz!/uplink/location", bytes('{"position":{"x":1,"y":2}}'))).toMatchObject({ kind: "error" });
    expect(decodeDwmLocation("dwm/node/0f07/uplink/location", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({
      kind: "error",
      reason: /UTF-8/,
    });
    expect(decodeDwmStatus("dwm/node/0f07/uplink/status", bytes('{"present":"yes"}'))).toMatchObject({ kind: "error" });
  });
});

describe("ESPresense (PROTOCOLS.md §2.3)", () => {
  const sighting =
    '{"id":"iBeacon:e5ca1ade-f007-ba11-0000-000000000000-1-2","name":"band","rssi@1m":-59,"rssi":-81.1,"rxAdj":0,' +
    '"rssiVar":7.42,"raw":2.35,"distance":2.25,"var":4.0,"speed":0.02,"mac":"dd8800003777","int":2028}';

  it("decodes a sighting into a ble observation: node = room level, tag = id field", () => {
    const d = decodeEspresense("espresense/devices/iBeacon:e5ca1ade-f007-ba11-0000-000000000000-1-2/holding_1", bytes(sighting));
    expect(d).toEqual({
      kind: "observation",
      observation: {
        kind: "ble",
        tagId: "iBeacon:e5ca1ade-f007-ba11-0000-000000000000-1-2",
        nodeId: "holding_1",
        distance: 2.25,
        rssi: -81.1,
        method: "ble",
      },
    });
  });

  it("falls back to the topic device id when the payload has no id", () => {
    const d = decodeEspresense("espresense/devices/1001/office", bytes('{"distance":1.5}'));
    expect(d).toMatchObject({ kind: "observation", observation: { tagId: "1001", nodeId: "office", distance: 1.5 } });
  });

  it("maps room status online/offline to node status", () => {
    expect(decodeEspresense("espresense/rooms/holding_1/status", bytes("online"))).toEqual({
      kind: "node-status",
      nodeId: "holding_1",
      online: true,
    });
    expect(decodeEspresense("espresense/rooms/holding_1/status", "offline")).toEqual({
      kind: "node-status",
      nodeId: "holding_1",
      online: false,
    });
    expect(decodeEspresense("espresense/rooms/holding_1/status", "maybe").kind).toBe("error");
  });

  it("ignores telemetry and settings", () => {
    expect(decodeEspresense("espresense/rooms/holding_1/telemetry", '{"ip":"10.0.0.2"}').kind).toBe("ignored");
    expect(decodeEspresense("espresense/rooms/holding_1/max_distance", "16").kind).toBe("ignored");
  });

  it.each([
    ["no distance", '{"id":"a"}'],
    ["negative distance", '{"id":"a","distance":-1}'],
    ["distance as string", '{"id":"a","distance":"2"}'],
    ["numeric id", '{"id":5,"distance":2}'],
    ["rssi as text", '{"id":"a","distance":2,"rssi":"-70"}'],
  ])("rejects %s", (_name, payload) => {
    expect(decodeEspresense("espresense/devices/a/office", bytes(payload)).kind).toBe("error");
  });
});

describe("parseDeviceTime", () => {
  it("reads epoch ms, epoch seconds and ISO text; drops the rest", () => {
    expect(parseDeviceTime(1767254400000)).toBe(1767254400000);
    expect(parseDeviceTime(1767254400)).toBe(1767254400000);
    expect(parseDeviceTime("2026-01-01T08:00:00Z")).toBe(Date.UTC(2026, 0, 1, 8));
    expect(parseDeviceTime(42)).toBeUndefined();
    expect(parseDeviceTime("soon")).toBeUndefined();
    expect(parseDeviceTime({})).toBeUndefined();
  });
});
