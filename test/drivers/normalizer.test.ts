import { z } from "zod";
import { describe, expect, it } from "vitest";
import { defineDriver } from "../../src/drivers/contract.js";
import { DeviceMessageNormalizer } from "../../src/drivers/normalizer.js";

const def = defineDriver({
  id: "nvr-test",
  vendor: "test",
  model: "test",
  description: "test",
  version: "1.0.0",
  transport: "none",
  protocol: "nvr-test",
  optionsSchema: z.unknown(),
  capabilities: () => [],
  create: () => ({ start: async () => undefined, stop: async () => undefined }),
});
const source = { deviceId: "nvr-1", driver: "nvr-test", protocol: "nvr-test" };

describe("device message normalizer", () => {
  const n = new DeviceMessageNormalizer("edc/gw-1");

  it("keeps ordinary device events as DEVICE_EVENT with the name in the payload", () => {
    const out = n.normalize("nvr-1", def, { type: "event", name: "tamper", data: { roomId: "interro-1" }, deviceTime: 5 }, 10);
    expect(out.events).toEqual([{ type: "DEVICE_EVENT", category: "device", source, subjects: [{ kind: "device", id: "nvr-1" }], payload: { deviceId: "nvr-1", name: "tamper", roomId: "interro-1" }, occurredAt: 5 }]);
    expect(out.local).toEqual([{ topic: "edc/gw-1/dev/nvr-1/event", payload: { name: "tamper", data: { roomId: "interro-1" }, ts: 10 }, retain: false }]);
  });

  it("recorder_status becomes RECORDER_STATUS in the named room, recorderId defaulting to the device", () => {
    const data = { channelId: "ch1", roomId: "interro-1", recording: false, online: true };
    const out = n.normalize("nvr-1", def, { type: "event", name: "recorder_status", data }, 10);
    expect(out.events).toEqual([{ type: "RECORDER_STATUS", category: "device", source, subjects: [{ kind: "device", id: "nvr-1" }], roomId: "interro-1", payload: { deviceId: "nvr-1", recorderId: "nvr-1", ...data } }]);
    expect(out.local[0]).toMatchObject({ topic: "edc/gw-1/dev/nvr-1/event", payload: { name: "recorder_status", data } });
    const named = n.normalize("nvr-1", def, { type: "event", name: "recorder_status", data: { recorderId: "nvr-a", channelId: 3, recording: true } }, 10);
    expect(named.events[0]).toMatchObject({ type: "RECORDER_STATUS", payload: { recorderId: "nvr-a", channelId: 3 } });
    expect(named.events[0]).not.toHaveProperty("roomId");
  });

  it("camera_event becomes CAMERA_EVENT with device time, cameraId defaulting to the device", () => {
    const out = n.normalize("nvr-1", def, { type: "event", name: "camera_event", data: { analyticType: "headcount", value: 2, roomId: "interro-1" }, deviceTime: 7 }, 10);
    expect(out.events).toEqual([
      {
        type: "CAMERA_EVENT",
        category: "device",
        source,
        subjects: [{ kind: "device", id: "nvr-1" }],
        roomId: "interro-1",
        payload: { deviceId: "nvr-1", cameraId: "nvr-1", analyticType: "headcount", value: 2, roomId: "interro-1" },
        occurredAt: 7,
      },
    ]);
    expect(n.normalize("nvr-1", def, { type: "event", name: "camera_event", data: { cameraId: "cam-i1", analyticType: "fall", value: true } }, 10).events[0]!.payload).toMatchObject({ cameraId: "cam-i1" });
  });
});
