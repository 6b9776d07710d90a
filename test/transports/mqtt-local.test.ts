import { connectAsync, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logger.js";
import type { TransportLease } from "../../src/transports/lease.js";
import type { MqttHandle } from "../../src/transports/mqtt-local.js";
import { isValidTopicFilter, topicMatches } from "../../src/transports/mqtt-topic-match.js";
import { TransportPool } from "../../src/transports/pool.js";
import { whenState } from "../../src/transports/when-state.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";

const log = createLogger({ level: "silent" });

describe("MQTT topic filter matching", () => {
  it.each([
    ["a/b", "a/b", true],
    ["a/+", "a/b", true],
    ["a/+", "a/b/c", false],
    ["a/+", "a", false],
    ["a/#", "a", true],
    ["a/#", "a/b/c", true],
    ["#", "a/b", true],
    ["+/+", "/x", true],
    ["+", "$SYS", false],
    ["#", "$SYS/broker/uptime", false],
    ["$SYS/#", "$SYS/broker/uptime", true],
    ["dwm/node/+/uplink/location", "dwm/node/0a1b/uplink/location", true],
    ["dwm/node/+/uplink/location", "dwm/node/0a1b/uplink/status", false],
  ])("%s matches %s: %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it.each([
    ["a/#", true],
    ["+/b/+", true],
    ["a/#/b", false],
    ["a/b#", false],
    ["a/b+/c", false],
    ["", false],
  ])("filter %s is valid: %s", (filter, expected) => {
    expect(isValidTopicFilter(filter)).toBe(expected);
  });
});

describe("local MQTT lease against a real mosquitto", () => {
  let broker: RunningMosquitto;
  let pool: TransportPool;
  let tool: MqttClient; // plays the devices on the broker

  beforeAll(async () => {
    broker = await startMosquitto();
    pool = new TransportPool({ log, mqttUrl: broker.url, mqttReconnectPeriodMs: 100 });
    tool = await connectAsync(broker.url, { reconnectPeriod: 100 });
  });

  afterAll(async () => {
    await pool?.closeAll(2_000);
    await tool?.endAsync(true);
    await broker?.stop();
  });

  /** Resolves with the next `n` messages a handler sees. */
  function inbox() {
    const got: string[] = [];
    return { got, handler: (topic: string, payload: Buffer) => void got.push(`${topic} ${payload.toString()}`) };
  }

  it("several drivers share one client; each gets only what its filters match", async () => {
    const dwm = pool.acquire("dwm-gw", { kind: "mqtt" });
    const espresense = pool.acquire("espresense", { kind: "mqtt" });
    expect(dwm.handle).toBe(espresense.handle);
    await whenState(dwm, "open", { timeoutMs: 3_000 });
    expect(pool.status().filter((s) => s.kind === "mqtt")).toEqual([{ key: `mqtt:${broker.url}`, kind: "mqtt", state: "open", holders: ["dwm-gw", "espresense"] }]);

    const a = inbox();
    const b = inbox();
    const overlapping = inbox();
    const offA = dwm.handle!.subscribe("dwm/node/+/uplink/location", a.handler);
    espresense.handle!.subscribe("espresense/rooms/+/status", b.handler);
    espresense.handle!.subscribe("dwm/#", overlapping.handler); // overlaps a's filter
    await new Promise((r) => setTimeout(r, 100)); // SUBACKs

    await tool.publishAsync("dwm/node/0a1b/uplink/location", "pos", { qos: 1 });
    await tool.publishAsync("espresense/rooms/cell-1/status", "online", { qos: 1 });
    await tool.publishAsync("dwm/node/0a1b/uplink/status", "ok", { qos: 1 });
    await expect.poll(() => overlapping.got.length).toBe(2);
    expect(a.got).toEqual(["dwm/node/0a1b/uplink/location pos"]); // exactly once despite the overlap
    expect(b.got).toEqual(["espresense/rooms/cell-1/status online"]);
    expect(overlapping.got).toEqual(["dwm/node/0a1b/uplink/location pos", "dwm/node/0a1b/uplink/status ok"]);

    offA();
    await new Promise((r) => setTimeout(r, 100));
    await tool.publishAsync("dwm/node/0a1b/uplink/location", "pos2", { qos: 1 });
    await expect.poll(() => overlapping.got.length).toBe(3);
    expect(a.got).toHaveLength(1);

    await dwm.release();
    await espresense.release();
    expect(pool.status().filter((s) => s.kind === "mqtt")).toEqual([]);
  });

  it("publishes for drivers and refuses an invalid filter", async () => {
    const lease = pool.acquire("lock-ctl", { kind: "mqtt" });
    await whenState(lease, "open", { timeoutMs: 3_000 });
    const seen = new Promise<string>((resolve) => {
      tool.once("message", (t, p) => resolve(`${t} ${p.toString()}`));
    });
    await tool.subscribeAsync("locks/+/set", { qos: 1 });
    await lease.handle!.publish("locks/door-3/set", Buffer.from('{"lock":"LOCK"}'), { qos: 1 });
    expect(await seen).toBe('locks/door-3/set {"lock":"LOCK"}');
    expect(() => lease.handle!.subscribe("locks/#/x", () => {})).toThrow(/invalid MQTT topic filter/);
    await tool.unsubscribeAsync("locks/+/set");
    await lease.release();
  });

  it("goes reopening when the broker dies, refuses to publish meanwhile, and resubscribes when it is back", async () => {
    const lease: TransportLease<MqttHandle> = pool.acquire("wristbands", { kind: "mqtt" });
    await whenState(lease, "open", { timeoutMs: 3_000 });
    const box = inbox();
    lease.handle!.subscribe("tags/+/pos", box.handler);
    await new Promise((r) => setTimeout(r, 100));

    broker.kill("SIGKILL");
    await whenState(lease, "reopening", { timeoutMs: 3_000 });
    await expect(lease.handle!.publish("tags/1/cmd", "buzz")).rejects.toThrow(/not open \(state reopening/);

    await broker.restart(); // same port, empty broker: no session survived
    await whenState(lease, "open", { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 200)); // our re-SUBSCRIBE reaches the broker
    if (!tool.connected) await new Promise((r) => tool.once("connect", r));
    await tool.publishAsync("tags/77/pos", "x=1", { qos: 1 });
    await expect.poll(() => box.got).toEqual(["tags/77/pos x=1"]);
    await lease.release();
  });
});
