import { afterAll, expect, it } from "vitest";
import { Device } from "../../src/config/schema.js";
import { createLogger } from "../../src/core/logger.js";
import type { DeviceMessage } from "../../src/drivers/contract.js";
import { TransportPool } from "../../src/transports/pool.js";
import { osdp, OsdpOptions } from "../../devices/osdp/definition.js";
import { startOsdpSimulation, type OsdpSimulation } from "../../devices/osdp/sim/demo.js";
import { startPtyPair } from "../helpers/socat.js";
import { openPtyDevice } from "./pty-device.js";

/**
 * Demo mode: the simulated bus attached to a configured serial path, driven by the real driver.
 * Here the "line" is a socat PTY pair: the config names one end, the simulation attaches to the other.
 */
const log = createLogger({ level: "silent" });
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  // Bounded, so a hung step cannot keep socat running after a failed run.
  for (const c of cleanups.reverse()) await Promise.race([c().catch(() => {}), new Promise((r) => setTimeout(r, 3000))]);
});

it("serves configured osdp devices on a simulated bus: door opens after the strike, cards are read", async () => {
  const pair = await startPtyPair();
  cleanups.push(() => pair.stop());
  const path = pair.a;
  const options = {
    pollIntervalMs: 30,
    pds: [{
      address: 1, name: "holding-1", scbk: "000102030405060708090a0b0c0d0e0f",
      inputs: [{ number: 0, name: "door_contact", kind: "door_contact" }, { number: 1, name: "rex", kind: "request_to_exit" }],
      outputs: [{ number: 0, name: "strike", kind: "strike" }],
      readers: [{ id: "holding-1-door" }],
    }],
  };
  const device = Device.parse({ id: "osdp-bus-1", driver: "osdp", transport: { kind: "serial", path }, options });
  const attach = async (p: string, receive: (chunk: Buffer) => void) => {
    expect(p).toBe(path);
    const end = await openPtyDevice(pair.b, receive);
    return { write: end.write, detach: end.close };
  };
  const sim: OsdpSimulation = await startOsdpSimulation({ config: { devices: [device] }, attach, log, cardEveryMs: 300, doorOpenMs: 300 });
  cleanups.push(() => sim.stop());
  expect(sim.paths).toEqual([path]);

  const pool = new TransportPool({ log });
  cleanups.push(() => pool.closeAll(2000));
  const state: Record<string, unknown> = {};
  const messages: DeviceMessage[] = [];
  const driver = osdp.create({
    deviceId: "osdp-bus-1", config: OsdpOptions.parse(options), log, transport: pool.acquire("osdp-bus-1", { kind: "serial", path, baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 }),
    store: { get: () => undefined, set: () => {} }, now: () => Date.now(),
    emit: (m) => {
      messages.push(m);
      if (m.type === "state") Object.assign(state, m.values);
    },
  });
  await driver.start(new AbortController().signal);
  cleanups.unshift(() => driver.stop("shutdown"));
  const until = async (what: string, cond: () => boolean) => {
    const end = Date.now() + 4000;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await until("online and secure", () => state["holding-1.online"] === true && state["holding-1.secure"] === true);
  const r = await driver.command!({ id: "1", values: { output: "holding-1.strike", action: "pulse", ms: 200 }, origin: "local", requestedBy: "test", reason: "demo", deadline: Date.now() + 2000 }, new AbortController().signal);
  expect(r.status).toBe("ok");
  await until("door open", () => state["holding-1.door_contact"] === true);
  await until("door closed again", () => state["holding-1.door_contact"] === false);
  await until("a card read", () => messages.some((m) => m.type === "event" && m.name === "card_read"));
  await sim.stop();
});
