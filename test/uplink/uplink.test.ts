import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { canonicalJson, chainHash, GENESIS_HASH } from "../../src/store/chain.js";
import { Birth, EventMessage, GatewayState } from "../../src/uplink/payloads.js";
import type { Uplink } from "../../src/uplink/uplink.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";
import { tempStore, type TempStore } from "../store/temp-store.js";
import { Central } from "./central.js";
import { GATEWAY, gatewayUplink, SITE } from "./gateway.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

let broker: RunningMosquitto;
let proxy: TcpProxy;
let store: TempStore;
let uplink: Uplink | undefined;
let central: Central | undefined;

beforeAll(async () => {
  broker = await startMosquitto({ extraConf: "set_tcp_nodelay true" });
  proxy = await startTcpProxy(broker.port);
});
afterAll(async () => {
  await proxy.close();
  await broker.stop();
});
afterEach(async () => {
  await uplink?.stop();
  await central?.stop();
  // Clear retained host state so tests do not see each other's central.
  const c = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  await c.publishAsync("edc/v1/host/central/state", "", { qos: 1, retain: true });
  await c.publishAsync(`edc/v1/${SITE}/${GATEWAY}/state`, "", { qos: 1, retain: true });
  await c.endAsync();
  store.destroy();
  uplink = undefined;
  central = undefined;
});

const emit = (n: number) => {
  for (let i = 0; i < n; i++) store.emit();
};

describe("Uplink", () => {
  it("holds events until central is online, then replays them as historical, streams new ones live and deletes what central acked", async () => {
    store = tempStore({}, systemClock);
    emit(30);
    uplink = gatewayUplink(store, `mqtt://127.0.0.1:${proxy.port}`);
    await uplink.start();
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const seen: string[] = [];
    watcher.on("message", (t) => seen.push(t));
    await watcher.subscribeAsync(`edc/v1/${SITE}/${GATEWAY}/#`, { qos: 1 });
    await waitUntil(() => uplink!.status().connected && seen.some((t) => t.endsWith("/state")), 5000);
    await new Promise((r) => setTimeout(r, 300));
    // Central has not said it is online: no birth, no events (Sparkplug: birth waits for the host).
    expect(seen.filter((t) => !t.endsWith("/state"))).toEqual([]);
    await watcher.endAsync();

    central = new Central({ url: broker.url, site: SITE, gatewayId: GATEWAY });
    await central.start();
    await central.waitFor("the 30 stored events", () => central!.contiguous === 30, 5000);
    emit(20);
    await central.waitFor("20 live events", () => central!.contiguous === 50, 5000);
    const ev = [...central.events.values()];
    expect(ev.slice(0, 30).every((e) => e.historical)).toBe(true);
    expect(ev.slice(30).every((e) => !e.historical)).toBe(true);
    await waitUntil(() => store.outbox.floorSeq === 50 && store.outbox.count() === 0, 5000);
    expect(central.duplicates).toBe(0);
    expect(central.conflicts).toEqual([]);
  });

  it("sends events central can verify: schema-valid envelope, hash over the canonical envelope, each linked to the one before", async () => {
    store = tempStore({}, systemClock);
    store.audit.record({ actor: "operator:o-1", action: "door.unlock", target: "door:d-1", reason: "test" });
    emit(10);
    central = new Central({ url: broker.url, site: SITE, gatewayId: GATEWAY });
    await central.start();
    uplink = gatewayUplink(store, broker.url);
    await uplink.start();
    await central.waitFor("11 events", () => central!.contiguous === 11, 5000);
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 11; seq++) {
      const msg = EventMessage.parse(central.events.get(seq));
      const { historical: _h, prevHash, hash, ...envelope } = msg;
      expect(prevHash).toBe(prev);
      expect(hash).toBe(chainHash(prevHash, canonicalJson(envelope)));
      prev = hash;
    }
    expect(central.events.get(1)).toMatchObject({ type: "AUDIT_RECORD", category: "audit" });
  });

  it("publishes retained online state and a birth with the same bdSeq and the chain heads; the broker's will says offline with that bdSeq", async () => {
    store = tempStore({}, systemClock);
    store.audit.record({ actor: "operator:o-1", action: "door.lock", target: "door:d-1" });
    emit(5);
    store.outbox.flush();
    central = new Central({ url: broker.url, site: SITE, gatewayId: GATEWAY });
    await central.start();
    uplink = gatewayUplink(store, `mqtt://127.0.0.1:${proxy.port}`, {
      inventory: () => ({ devices: [{ id: "uwb-1", driver: "uwb" }], zones: [{ id: "holding-1" }], ruleSetVersion: "r-7" }),
    });
    await uplink.start();
    await central.waitFor("birth", () => central!.births.length === 1 && central!.states.length >= 1, 5000);
    const birth = Birth.parse(central.births[0]);
    const online = GatewayState.parse(central.states.at(-1));
    expect(online).toMatchObject({ online: true, bdSeq: birth.bdSeq });
    expect(birth).toMatchObject({
      site: SITE,
      gatewayId: GATEWAY,
      epoch: store.outbox.epoch,
      inventory: { ruleSetVersion: "r-7", devices: [{ id: "uwb-1" }] },
      outbox: { committedSeq: 6, floorSeq: 0, pending: 6, dropped: 0 },
      chain: { outbox: store.outbox.head(), audit: { key: 1 } },
    });

    proxy.cut(); // the gateway's TCP connection dies without DISCONNECT
    await central.waitFor("the will", () => central!.states.some((s) => s.online === false), 5000);
    expect(central.states.find((s) => s.online === false)).toMatchObject({ bdSeq: birth.bdSeq });
    await central.waitFor("a second birth", () => central!.births.length === 2, 5000);
    expect(Birth.parse(central.births[1]).bdSeq).toBe(birth.bdSeq + 1);
  });

  it("stops draining while the central host is offline and replays from the last ack when it returns", async () => {
    store = tempStore({}, systemClock);
    central = new Central({ url: broker.url, site: SITE, gatewayId: GATEWAY });
    await central.start();
    uplink = gatewayUplink(store, broker.url);
    await uplink.start();
    emit(5);
    await central.waitFor("5 events", () => central!.contiguous === 5, 5000);
    await central.publish(central.hostStateTopic, { online: false, ts: Date.now() }, { retain: true });
    await waitUntil(() => !uplink!.status().centralOnline, 2000);
    emit(5);
    await new Promise((r) => setTimeout(r, 300));
    expect(central.contiguous).toBe(5);
    const births = central.births.length;
    await central.publish(central.hostStateTopic, { online: true, ts: Date.now() }, { retain: true });
    await central.waitFor("the held events", () => central!.contiguous === 10, 5000);
    expect(central.births.length).toBe(births + 1);
  });

  it("publishes again from the last ack when central's acks stall, and not after a mere idle spell", async () => {
    store = tempStore({}, systemClock);
    central = new Central({ url: broker.url, site: SITE, gatewayId: GATEWAY, ackEveryMs: 60_000, reAckMs: 60_000 });
    await central.start();
    uplink = gatewayUplink(store, broker.url, { drain: { ackTimeoutMs: 1000 } });
    await uplink.start();
    await waitUntil(() => uplink!.status().draining, 5000);
    await new Promise((r) => setTimeout(r, 1500)); // idle: nothing waits for an ack, the ack clock stands still
    emit(5);
    await central.waitFor("5 events", () => central!.contiguous === 5, 5000);
    await new Promise((r) => setTimeout(r, 400));
    expect(central.duplicates).toBe(0);
    await central.waitFor("the same 5 again", () => central!.duplicates >= 5, 5000);
    expect(uplink.status().rewinds).toBeGreaterThanOrEqual(1);
    await central.publish(`edc/v1/${SITE}/${GATEWAY}/ack`, { upTo: 5 });
    await waitUntil(() => store.outbox.floorSeq === 5, 2000);
    const rewinds = uplink.status().rewinds;
    await new Promise((r) => setTimeout(r, 1500));
    expect(uplink.status().rewinds).toBe(rewinds);
  });

  it("ignores acks and host state that do not come from the central host", async () => {
    store = tempStore({}, systemClock);
    emit(5);
    central = new Central({ url: broker.url, site: SITE, gatewayId: GATEWAY, ackEveryMs: 60_000 });
    await central.start();
    uplink = gatewayUplink(store, broker.url);
    await uplink.start();
    await central.waitFor("5 events", () => central!.contiguous === 5, 5000);
    await central.publish(`edc/v1/${SITE}/${GATEWAY}/ack`, { upTo: 5 }, { sender: "intruder" });
    await central.publish(central.hostStateTopic, { online: false, ts: Date.now() }, { sender: "intruder" });
    await new Promise((r) => setTimeout(r, 300));
    expect(store.outbox.floorSeq).toBe(0);
    expect(uplink.status().centralOnline).toBe(true);
    await central.publish(`edc/v1/${SITE}/${GATEWAY}/ack`, { upTo: 5 });
    await waitUntil(() => store.outbox.floorSeq === 5, 2000);
  });
});

async function waitUntil(pred: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
