import { connectAsync, type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rtlsMqtt, RtlsMqttOptions } from "../../devices/rtls-mqtt/definition.js";
import type { MqttSubscribeHandle } from "../../devices/rtls-mqtt/driver.js";
import type { DeviceDriver, DeviceMessage } from "../../src/drivers/contract.js";
import type { LeaseState, TransportLease } from "../../src/transports/lease.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";

/**
 * The driver against a real Mosquitto: a publisher sends gateway payloads, the driver (through a
 * minimal lease over its own mqtt.js client) emits device messages. MQTT 5 subscription
 * identifiers route messages to handlers, so the lease needs no wildcard matching of its own.
 */
function mqttJsLease(client: MqttClient): TransportLease<MqttSubscribeHandle> & { handle: MqttSubscribeHandle } {
  const listeners = new Set<(s: LeaseState) => void>();
  const routes = new Map<number, (topic: string, payload: Buffer) => void>();
  let nextId = 1;
  let state: LeaseState = client.connected ? "open" : "reopening";
  const set = (s: LeaseState): void => {
    state = s;
    for (const l of listeners) l(s);
  };
  client.on("close", () => set("reopening"));
  client.on("connect", () => set("open"));
  client.on("message", (topic, payload, packet) => {
    const ids = packet.properties?.subscriptionIdentifier;
    for (const id of Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]) routes.get(id)?.(topic, payload);
  });
  const handle: MqttSubscribeHandle = {
    subscribe(filter, cb) {
      const id = nextId++;
      routes.set(id, cb);
      client.subscribe(filter, { qos: 0, properties: { subscriptionIdentifier: id } });
      return () => {
        routes.delete(id);
        if (client.connected) client.unsubscribe(filter);
      };
    },
    publish: (topic, payload, opts) => client.publishAsync(topic, payload, { qos: opts?.qos ?? 0, retain: opts?.retain ?? false }),
  };
  return {
    kind: "mqtt",
    key: "mqtt:test",
    get state() {
      return state;
    },
    handle,
    onStateChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    exclusive: (fn) => fn(handle),
    release: async () => undefined,
  };
}

interface Harness {
  driver: DeviceDriver;
  messages: DeviceMessage[];
  client: MqttClient;
}

async function startDriver(broker: RunningMosquitto, options: unknown): Promise<Harness> {
  const client = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 100 });
  const messages: DeviceMessage[] = [];
  const driver = rtlsMqtt.create({
    deviceId: "rtls-1",
    config: RtlsMqttOptions.parse(options),
    log: pino({ level: "silent" }),
    transport: mqttJsLease(client),
    store: { get: () => undefined, set: () => undefined },
    now: () => Date.now(),
    emit: (m) => messages.push(m),
  });
  await driver.start(new AbortController().signal);
  return { driver, messages, client };
}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Subscriptions settle asynchronously: publish a probe until the driver has seen one. */
async function untilSubscribed(pub: MqttClient, h: Harness, topic: string, payload: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!h.messages.some((m) => m.type === "observation")) {
    if (Date.now() > end) throw new Error("driver never received the probe");
    await pub.publishAsync(topic, payload);
    await new Promise((r) => setTimeout(r, 30));
  }
  h.messages.length = 0;
}

describe("rtls-mqtt driver with a real mosquitto", () => {
  let broker: RunningMosquitto;
  let pub: MqttClient;

  beforeAll(async () => {
    broker = await startMosquitto();
    pub = await connectAsync(broker.url, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await pub?.endAsync(true);
    await broker?.stop();
  });

  it("DWM gateway: positions become observations, garbage is counted, statuses become events", async () => {
    const h = await startDriver(broker, { format: "dwm", minQuality: 30, nodeFilter: ["0F07", "0a01"] });
    try {
      expect(h.messages).toContainEqual({ type: "availability", online: true });
      await untilSubscribed(pub, h, "dwm/node/0a01/uplink/location", '{"position":{"x":0,"y":0,"quality":90},"superFrameNumber":0}');

      await pub.publishAsync("dwm/node/0f07/uplink/location", "{not json");
      await pub.publishAsync("dwm/node/0f07/uplink/location", '{"position":{"x":"a","y":1}}');
      await pub.publishAsync("dwm/node/0f07/uplink/location", '{"position":{"x":9,"y":9,"quality":10}}'); // below minQuality
      await pub.publishAsync("dwm/node/0bbb/uplink/location", '{"position":{"x":8,"y":8,"quality":90}}'); // filtered node
      await pub.publishAsync("dwm/node/0f07/uplink/config", '{"configuration":{"nodeType":"TAG"}}'); // not subscribed
      await pub.publishAsync("dwm/node/0f07/uplink/location", '{"position":{"x":1.23,"y":4.56,"z":0.78,"quality":95},"superFrameNumber":1234}');
      await pub.publishAsync("dwm/node/0f07/uplink/status", '{"present":true,"downlink":true,"batt":80,"temp":25}');

      await waitFor("tag_status", () => h.messages.find((m) => m.type === "event"));
      expect(h.messages).toEqual([
        { type: "state", values: { malformed: 1, lastMalformedReason: "payload is not JSON" } },
        {
          type: "observation",
          observation: { kind: "coordinates", tagId: "0f07", x: 1.23, y: 4.56, z: 0.78, quality: 95, method: "uwb" },
        },
        { type: "event", name: "tag_status", data: { tagId: "0f07", present: true, battery: 80, temperature: 25 } },
      ]);

      await h.driver.stop("shutdown");
      // stop() reports the counter that changed since the last report.
      expect(h.messages.at(-1)).toEqual({ type: "state", values: { malformed: 2, lastMalformedReason: "position.x/y must be finite numbers" } });
    } finally {
      await h.client.endAsync(true);
    }
  });

  it("ESPresense: sightings become ble observations, room status becomes node state", async () => {
    const h = await startDriver(broker, { format: "espresense", prefix: "site/espresense" });
    try {
      await untilSubscribed(pub, h, "site/espresense/devices/probe/office", '{"id":"probe","distance":1}');
      await pub.publishAsync("site/espresense/rooms/holding_1/status", "online", { retain: true });
      await pub.publishAsync(
        "site/espresense/devices/1001/holding_1",
        '{"id":"1001","rssi@1m":-59,"rssi":-81.1,"rxAdj":0,"rssiVar":7.42,"raw":2.35,"distance":2.25,"var":4.0,"speed":0.02,"mac":"dd8800003777","int":2028}',
      );
      await pub.publishAsync("site/espresense/rooms/holding_1/telemetry", '{"ip":"10.1.2.3"}');
      await pub.publishAsync("site/espresense/rooms/holding_1/status", "offline", { retain: true });
      await waitFor("offline", () => h.messages.find((m) => m.type === "event" && m.data?.status === "offline"));
      expect(h.messages).toEqual([
        { type: "event", name: "node_status", data: { node: "holding_1", status: "online" } },
        { type: "state", values: { nodes: { holding_1: "online" } } },
        { type: "observation", observation: { kind: "ble", tagId: "1001", nodeId: "holding_1", distance: 2.25, rssi: -81.1, method: "ble" } },
        { type: "event", name: "node_status", data: { node: "holding_1", status: "offline" } },
        { type: "state", values: { nodes: { holding_1: "offline" } } },
      ]);
      await h.driver.stop("shutdown");
      await pub.publishAsync("site/espresense/rooms/holding_1/status", "", { retain: true });
    } finally {
      await h.client.endAsync(true);
    }
  });

  it("reports the device unavailable when the broker goes away", async () => {
    const h = await startDriver(broker, { format: "dwm" });
    try {
      await untilSubscribed(pub, h, "dwm/node/0a01/uplink/location", '{"position":{"x":0,"y":0}}');
      await broker.restart();
      await waitFor("offline", () => h.messages.find((m) => m.type === "availability" && !m.online));
      await waitFor("online again", () => h.messages.find((m) => m.type === "availability" && m.online));
      await h.driver.stop("shutdown");
    } finally {
      await h.client.endAsync(true);
      await pub.endAsync(true);
      pub = await connectAsync(broker.url, { protocolVersion: 5 });
    }
  });
});
