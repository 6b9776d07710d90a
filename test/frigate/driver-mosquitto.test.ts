import { connectAsync, type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Device } from "../../src/config/schema.js";
import type { EventDraft } from "../../src/core/envelope.js";
import type { InterrogationSession } from "../../src/custody/model.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import { DeviceMessageNormalizer, type LocalMessage } from "../../src/drivers/normalizer.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import { systemClock } from "../../src/core/clock.js";
import { TransportPool } from "../../src/transports/pool.js";
import { FrigateOptions } from "../../devices/frigate/definition.js";
import { until } from "../helpers/driver-context.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";
import type { RuleParamsInput } from "../../src/rules/params.js";
import { harness, type Harness } from "../rules/fixtures/harness.js";
import { EVENT_NEW } from "./payloads.js";

/**
 * The frigate driver as the daemon runs it — supervisor, pooled local-broker lease, normalizer —
 * against a real Mosquitto, with a test client playing Frigate (retained states, its last will).
 * The normalized events feed the real rule engine (on fake time) where a test needs the rules.
 */
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const OPTIONS = FrigateOptions.parse({
  cameras: { interrogation_1: { room: "interro-1", channelId: "ch1", cameraId: "cam-i1" }, front_door: { room: "sally-port", channelId: "ch9" } },
  labels: ["person"],
});

interface Daemon {
  drafts: EventDraft[];
  local: LocalMessage[];
  supervisor: DriverSupervisor;
  pool: TransportPool;
  /** Where drafts also go (a rule engine), set by a test. */
  sink: ((d: EventDraft) => void) | null;
  stop(): Promise<void>;
}

async function startDaemon(broker: RunningMosquitto, options: FrigateOptions): Promise<Daemon> {
  const pool = new TransportPool({ log, mqttUrl: broker.url, mqttReconnectPeriodMs: 100 });
  const normalizer = new DeviceMessageNormalizer("edc/gw-test");
  const d: Daemon = {
    drafts: [],
    local: [],
    pool,
    sink: null,
    supervisor: new DriverSupervisor({
      registry: builtinDrivers(),
      clock: systemClock,
      log,
      acquire: (device) => pool.acquire(device.id, device.transport),
      storeFor: () => ({ get: () => undefined, set: () => undefined }),
      onMessage: (deviceId, def, msg) => {
        const out = normalizer.normalize(deviceId, def, msg, Date.now());
        d.drafts.push(...out.events);
        d.local.push(...out.local);
        for (const e of out.events) d.sink?.(e);
      },
    }),
    async stop() {
      await d.supervisor.stopAll(2000);
      await pool.closeAll(2000);
    },
  };
  await d.supervisor.startAll([Device.parse({ id: "nvr-1", driver: "frigate", transport: { kind: "mqtt" }, options })]);
  return d;
}

/** A client playing Frigate: its last will says offline, like Frigate's own. */
async function frigateClient(broker: RunningMosquitto): Promise<MqttClient> {
  return connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, will: { topic: "frigate/available", payload: Buffer.from("offline"), qos: 1, retain: true } });
}

async function publishStartup(frigate: MqttClient, recording: "ON" | "OFF"): Promise<void> {
  await frigate.publishAsync("frigate/interrogation_1/recordings/state", recording, { qos: 1, retain: true });
  await frigate.publishAsync("frigate/front_door/recordings/state", "ON", { qos: 1, retain: true });
  await frigate.publishAsync("frigate/available", "online", { qos: 1, retain: true });
}

const ofType = (d: Daemon, type: string) => d.drafts.filter((e) => e.type === type);
const lastStatus = (d: Daemon, channelId: string) => ofType(d, "RECORDER_STATUS").findLast((e) => e.payload.channelId === channelId)?.payload;
const deviceOnline = (d: Daemon) => ofType(d, "DEVICE_STATUS").at(-1)?.payload.online;

interface Running {
  frigate: MqttClient;
  d: Daemon;
  /** The rule engine on fake time, fed every normalized event. */
  h: Harness;
}

/** Frigate's startup (retained states, then online), the daemon's drivers, a rule engine; all torn down after `body`. */
async function withFrigate(broker: RunningMosquitto, body: (r: Running) => Promise<void>, o: { options?: FrigateOptions; params?: RuleParamsInput } = {}): Promise<void> {
  const frigate = await frigateClient(broker);
  await publishStartup(frigate, "ON");
  const d = await startDaemon(broker, o.options ?? OPTIONS);
  const h = harness(o.params ? { params: o.params } : {});
  d.sink = (e) => h.emit(e);
  try {
    await body({ frigate, d, h });
  } finally {
    await d.stop();
    frigate.end(true);
  }
}

function openInterrogation(h: Harness): void {
  h.center.detainee("p1");
  const it: InterrogationSession = { interrogationId: "i-p1", roomId: "interro-1", officerIds: ["o1", "o2"], kind: "interrogation", recorderChannels: ["ch1"], startedAt: h.clock.now(), breaks: [] };
  h.center.patch("p1", { interrogations: [it], assignedInterrogationRoomId: "interro-1" });
  h.event("INTERROGATION_STARTED", { roomId: "interro-1" }, { personId: "p1", roomId: "interro-1" });
}

describe("frigate driver with a real mosquitto", () => {
  let broker: RunningMosquitto;

  beforeAll(async () => {
    broker = await startMosquitto({ persistence: true });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it("Frigate's messages reach the stream as RECORDER_STATUS and CAMERA_EVENT in their rooms", () =>
    withFrigate(broker, async ({ frigate, d }) => {
      await until(() => deviceOnline(d) === true && lastStatus(d, "ch9") !== undefined, "frigate online and both channels reported");
      expect(ofType(d, "RECORDER_STATUS").find((e) => e.payload.channelId === "ch1")).toMatchObject({
        type: "RECORDER_STATUS",
        category: "device",
        roomId: "interro-1",
        source: { deviceId: "nvr-1", driver: "frigate", protocol: "frigate-mqtt" },
        payload: { deviceId: "nvr-1", recorderId: "nvr-1", channelId: "ch1", roomId: "interro-1", recording: true, online: true, camera: "interrogation_1" },
      });

      await frigate.publishAsync("frigate/interrogation_1/person", "2");
      await frigate.publishAsync("frigate/events", EVENT_NEW.replaceAll('"camera":"front_door"', '"camera":"interrogation_1"'));
      await frigate.publishAsync("frigate/events", "{garbage");
      await until(() => ofType(d, "CAMERA_EVENT").length >= 2 && d.local.some((l) => (l.payload as { malformed?: number }).malformed === 1), "headcount, object and the malformed counter");
      const [headcount, object] = ofType(d, "CAMERA_EVENT");
      expect(headcount).toMatchObject({ roomId: "interro-1", payload: { cameraId: "cam-i1", analyticType: "headcount", value: 2, roomId: "interro-1" } });
      expect(object).toMatchObject({ roomId: "interro-1", occurredAt: 1607123955475, payload: { analyticType: "object", value: "person", phase: "new" } });
      expect(d.local.find((l) => l.topic === "edc/gw-test/dev/nvr-1/availability")).toEqual({ topic: "edc/gw-test/dev/nvr-1/availability", payload: { state: "online" }, retain: true });

      // A recording command goes out on recordings/set; Frigate's answer comes back as a status.
      const sets: string[] = [];
      frigate.on("message", (topic, payload) => sets.push(`${topic} ${payload.toString()}`));
      await frigate.subscribeAsync("frigate/+/recordings/set", { qos: 1 });
      const result = await d.supervisor.command("nvr-1", { id: "c1", values: { recording: false, channel: "ch1" }, origin: "operator", requestedBy: "op-1", reason: "test", deadline: Date.now() + 2000 });
      expect(result).toEqual({ status: "ok", state: { requested: { interrogation_1: false } } });
      await until(() => sets.length > 0, "recordings/set at the broker");
      expect(sets).toEqual(["frigate/interrogation_1/recordings/set OFF"]);
      await frigate.publishAsync("frigate/interrogation_1/recordings/state", "OFF", { qos: 1, retain: true });
      await until(() => lastStatus(d, "ch1")?.recording === false, "recording off reported");
    }));

  it("R22 on the real rule engine: recording OFF during an open interrogation raises RECORDING_NOT_ACTIVE, ON again a RECORDING_GAP", () =>
    withFrigate(broker, async ({ frigate, d, h }) => {
      await until(() => lastStatus(d, "ch1")?.recording === true, "recording reported");
      openInterrogation(h);
      h.advance(60_000);
      expect(h.open()).toEqual([]);

      await frigate.publishAsync("frigate/interrogation_1/recordings/state", "OFF", { qos: 1, retain: true });
      await until(() => lastStatus(d, "ch1")?.recording === false, "recording off reported");
      const from = h.clock.now();
      h.advance(10_000);
      expect(h.open("RECORDING_NOT_ACTIVE")).toEqual([expect.objectContaining({ severity: 4, zoneId: "interro-1", data: { roomId: "interro-1", channelId: "ch1", reason: "not_recording" } })]);

      await frigate.publishAsync("frigate/interrogation_1/recordings/state", "ON", { qos: 1, retain: true });
      await until(() => lastStatus(d, "ch1")?.recording === true, "recording on reported");
      expect(h.open("RECORDING_GAP")[0]?.data).toMatchObject({ channelId: "ch1", gapFrom: from, gapTo: from + 10_000 });
    }));

  it("Frigate dying (its last will) takes the device and its channels offline; a broker restart re-reports the retained states", () =>
    withFrigate(broker, async ({ frigate, d, h }) => {
      await until(() => deviceOnline(d) === true && lastStatus(d, "ch1")?.recording === true, "online and recording");
      openInterrogation(h);
      frigate.stream.destroy(); // no DISCONNECT: the broker publishes the will
      await until(() => deviceOnline(d) === false, "device offline after Frigate's last will");
      expect(ofType(d, "DEVICE_STATUS").at(-1)?.payload).toMatchObject({ deviceId: "nvr-1", online: false, detail: "frigate offline" });
      expect(lastStatus(d, "ch1")).toMatchObject({ online: false, recording: false, reason: "frigate offline" });
      h.advance(10_000);
      expect(h.open("RECORDING_NOT_ACTIVE")[0]?.data).toMatchObject({ channelId: "ch1", reason: "offline" });

      // Frigate comes back, then the broker restarts: retained states survive (persistence) and are re-reported.
      const again = await frigateClient(broker);
      await publishStartup(again, "ON");
      await until(() => deviceOnline(d) === true && lastStatus(d, "ch1")?.recording === true, "online again");
      await again.endAsync();
      const before = ofType(d, "RECORDER_STATUS").length;
      const statusesBefore = ofType(d, "DEVICE_STATUS").length;
      await broker.restart();
      await until(() => ofType(d, "DEVICE_STATUS").length >= statusesBefore + 2 && deviceOnline(d) === true, "offline during the restart, online after", 10_000);
      expect(ofType(d, "DEVICE_STATUS").slice(statusesBefore).map((e) => [e.payload.online, e.payload.detail])).toEqual([[false, "transport reopening"], [true, undefined]]);
      await until(() => ofType(d, "RECORDER_STATUS").length > before && lastStatus(d, "ch1")?.recording === true, "channel re-reported after the restart", 10_000);
    }));

  it("R13 on the real rule engine: Frigate's headcount of 2, repeated while unchanged, is camera evidence against two officer tags", () =>
    withFrigate(
      broker,
      async ({ frigate, d, h }) => {
        await until(() => deviceOnline(d) === true, "frigate online");
        openInterrogation(h);
        h.center.officer("o1");
        h.center.officer("o2");
        for (const who of ["p1", "o1", "o2"]) h.move(who, "interro-1");
        await frigate.publishAsync("frigate/interrogation_1/person", "2");
        await until(() => ofType(d, "CAMERA_EVENT").some((e) => e.payload.repeated === true), "the unchanged count repeated", 5_000);
        h.advance(5_000);
        expect(h.open("SINGLE_OFFICER_INTERROGATION")[0]?.data).toMatchObject({ evidenceSource: "camera", evidence: { cameraIds: ["cam-i1"], headcount: 2 } });
      },
      { options: FrigateOptions.parse({ ...OPTIONS, headcountRepeatS: 1 }), params: { R13: { dwellS: 5 } } },
    ));
});
