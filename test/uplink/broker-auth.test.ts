import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type IClientOptions } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import type { CommandRouter } from "../../src/uplink/commands.js";
import type { Uplink } from "../../src/uplink/uplink.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";
import { tempStore, type TempStore } from "../store/temp-store.js";
import { makeTestPki, type TestPki } from "./certs.js";
import { Central } from "./central.js";
import { GATEWAY, gatewayUplink, SITE } from "./gateway.js";

const ACL_FILE = join(import.meta.dirname, "../../config/mosquitto/uplink.acl");
const PASSWD = "/usr/bin/mosquitto_passwd";

/** Connect once and report whether the broker accepted (CONNACK 0) or why not. */
async function tryConnect(url: string, opts: IClientOptions): Promise<string> {
  const c = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000, ...opts });
  const outcome = await new Promise<string>((resolve) => {
    c.once("connect", () => resolve("connected"));
    c.once("error", (e) => resolve(`refused: ${e.message}`));
    c.once("close", () => resolve("refused: closed"));
  });
  c.end(true);
  return outcome;
}

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

describe("mutual TLS to the central broker", () => {
  let dir: string;
  let pki: TestPki;
  let broker: RunningMosquitto;
  let url: string;
  const stores: TempStore[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "uplink-tls-"));
    pki = makeTestPki(dir);
    broker = await startMosquitto({
      extraConf: [`cafile ${dir}/ca.crt`, `certfile ${dir}/server.crt`, `keyfile ${dir}/server.key`, "require_certificate true", "use_identity_as_username true", "set_tcp_nodelay true"].join("\n"),
    });
    url = `mqtts://127.0.0.1:${broker.port}`;
  });
  afterAll(async () => {
    await broker.stop();
    for (const s of stores) s.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("connects with a client certificate and delivers events end to end", async () => {
    const gw = pki.client(GATEWAY);
    const c = pki.client("central");
    const central = new Central({ url, site: SITE, gatewayId: GATEWAY, mqtt: { ca: pki.caCert, cert: c.cert, key: c.key } });
    await central.start();
    const store = tempStore({}, systemClock);
    stores.push(store);
    for (let i = 0; i < 10; i++) store.emit();
    const uplink = gatewayUplink(store, url, { tls: { ca: pki.caCert, cert: gw.cert, key: gw.key } });
    await uplink.start();
    await central.waitFor("10 events over mTLS", () => central.contiguous === 10, 5000);
    await central.waitFor("the ack", () => store.outbox.floorSeq === 10, 5000);
    await uplink.stop();
    await central.stop();
  });

  it("is refused without a client certificate, and with a certificate from another CA", async () => {
    expect(await tryConnect(url, { ca: pki.caCert })).toMatch(/^refused/);
    const foreign = makeTestPki(mkdtempSync(join(dir, "foreign-")));
    const stranger = foreign.client(GATEWAY);
    expect(await tryConnect(url, { ca: pki.caCert, cert: stranger.cert, key: stranger.key })).toMatch(/^refused/);

    const store = tempStore({}, systemClock);
    stores.push(store);
    const uplink = gatewayUplink(store, url, { tls: { ca: pki.caCert } });
    await uplink.start();
    await sleep(1000);
    expect(uplink.status().connected).toBe(false);
    await uplink.stop();
  });
});

describe("username/password with the documented ACL (config/mosquitto/uplink.acl)", () => {
  let dir: string;
  let broker: RunningMosquitto;
  let store: TempStore;
  let uplink: Uplink;
  let central: Central;
  const calls: string[] = [];
  const router: CommandRouter = {
    async handle(name) {
      calls.push(name);
      return { status: "ok" };
    },
  };

  beforeAll(async () => {
    if (!existsSync(PASSWD)) throw new Error("mosquitto_passwd not found: apt-get install -y mosquitto");
    dir = mkdtempSync(join(tmpdir(), "uplink-acl-"));
    const passwd = join(dir, "passwd");
    execFileSync(PASSWD, ["-c", "-b", passwd, "central", "central-secret"]);
    execFileSync(PASSWD, ["-b", passwd, GATEWAY, "gw-secret"]);
    execFileSync(PASSWD, ["-b", passwd, "gw-2", "gw2-secret"]);
    broker = await startMosquitto({ extraConf: ["allow_anonymous false", `password_file ${passwd}`, `acl_file ${ACL_FILE}`, "set_tcp_nodelay true"].join("\n") });
    central = new Central({ url: broker.url, site: SITE, gatewayId: GATEWAY, mqtt: { username: "central", password: "central-secret" } });
    await central.start();
    store = tempStore({}, systemClock);
    uplink = gatewayUplink(store, broker.url, { username: GATEWAY, password: "gw-secret", router });
    await uplink.start();
  });
  afterAll(async () => {
    await uplink.stop();
    await central.stop();
    await broker.stop();
    store.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets the gateway stream to central and take central's acks and commands", async () => {
    for (let i = 0; i < 10; i++) store.emit();
    await central.waitFor("10 events", () => central.contiguous === 10, 5000);
    await central.waitFor("the ack", () => store.outbox.floorSeq === 10, 5000);
    central.command("door", { id: "c-1", args: { doorId: "d-1", action: "lock" } });
    await central.waitFor("the response", () => central.responses.length === 1, 5000);
    expect(calls).toEqual(["door"]);
  });

  it("refuses a wrong password and anonymous clients", async () => {
    expect(await tryConnect(broker.url, { username: GATEWAY, password: "guess" })).toMatch(/^refused/);
    expect(await tryConnect(broker.url, {})).toMatch(/^refused/);
  });

  it("stops another gateway from acking, commanding or faking central's state, even with the right sender property", async () => {
    const base = `edc/v1/${SITE}/${GATEWAY}`;
    // A second session of gw-1 sees whatever the broker would deliver to the gateway.
    const spy = await mqtt.connectAsync(broker.url, { protocolVersion: 5, username: GATEWAY, password: "gw-secret", clientId: "gw-1-spy" });
    const forged: string[] = [];
    spy.on("message", (topic, _p, packet) => {
      if (packet.properties?.userProperties?.forged) forged.push(topic);
    });
    await spy.subscribeAsync([`${base}/ack`, `${base}/cmd/+`, "edc/v1/host/central/state"], { qos: 1 });

    const other = await mqtt.connectAsync(broker.url, { protocolVersion: 5, username: "gw-2", password: "gw2-secret" });
    const asCentral = { userProperties: { sender: "central", forged: "yes" } };
    await other.publishAsync(`${base}/ack`, JSON.stringify({ upTo: store.outbox.committedSeq }), { qos: 1, properties: asCentral }).catch(() => undefined);
    await other.publishAsync(`${base}/cmd/door`, JSON.stringify({ id: "evil-1", args: { doorId: "d-1", action: "unlock" } }), { qos: 1, properties: asCentral }).catch(() => undefined);
    await other.publishAsync("edc/v1/host/central/state", JSON.stringify({ online: false, ts: Date.now() }), { qos: 1, retain: true, properties: asCentral }).catch(() => undefined);
    // The control: the same publish as central is delivered, so the spy would have seen the forged ones.
    await central.publish(`${base}/cmd/door`, { id: "c-2", args: { doorId: "d-1", action: "lock" } });
    await central.waitFor("the control command's response", () => central.responses.length >= 2, 5000);
    await sleep(200);
    await other.endAsync();
    await spy.endAsync();

    expect(forged).toEqual([]);
    expect(calls).toEqual(["door", "door"]);
    expect(uplink.status().centralOnline).toBe(true);
  });
});
