import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logger.js";
import type { Command, DeviceDriver, DeviceMessage } from "../../src/drivers/contract.js";
import { TransportPool } from "../../src/transports/pool.js";
import { osdp, OsdpOptions } from "../../devices/osdp/definition.js";
import { encodeWiegand } from "../../devices/osdp/wiegand.js";
import { Cmd, OutputControl, decodeCommand } from "../../devices/osdp/commands.js";
import { startPtyPair, type PtyPair } from "../helpers/socat.js";
import { PdBus } from "../../devices/osdp/sim/pd-bus.js";
import { openPtyDevice, type PtyDevice } from "./pty-device.js";
import { PdSimulator } from "../../devices/osdp/sim/pd-simulator.js";

/**
 * The osdp driver over a real serial line (socat PTY pair) against simulated PDs. Two devices
 * share one port through the transport pool, as two drivers on one RS-485 bus would: "doors"
 * with a secure door controller (SCBK), "entry" with a reader still in install mode.
 */
const SCBK_DOOR = "00112233445566778899aabbccddeeff";
const SCBK_ENTRY = "0f0e0d0c0b0a09080706050403020100";
const log = createLogger({ level: "silent" });

interface Device {
  id: string;
  driver: DeviceDriver;
  messages: DeviceMessage[];
  state: Record<string, unknown>;
  online: boolean;
}

let pair: PtyPair;
let pool: TransportPool;
let bus: PdBus;
let deviceEnd: PtyDevice | null = null;
const plugDeviceEnd = async () => (deviceEnd = await openPtyDevice(pair.b, (chunk) => bus.receive(chunk)));
const door = new PdSimulator({ address: 1, scbk: Uint8Array.from(Buffer.from(SCBK_DOOR, "hex")), inputs: 2, outputs: 1 });
const entry = new PdSimulator({ address: 2, installMode: true, inputs: 0, outputs: 0 });
const devices: Device[] = [];

function startDevice(id: string, options: unknown): Device {
  const config = OsdpOptions.parse(options);
  const lease = pool.acquire(id, { kind: "serial", path: pair.a, baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 });
  const dev: Device = { id, driver: null as unknown as DeviceDriver, messages: [], state: {}, online: false };
  dev.driver = osdp.create({
    deviceId: id,
    config,
    log,
    transport: lease,
    store: { get: () => undefined, set: () => {} },
    now: () => Date.now(),
    emit: (m) => {
      dev.messages.push(m);
      if (m.type === "state") Object.assign(dev.state, m.values);
      if (m.type === "availability") dev.online = m.online;
    },
  });
  devices.push(dev);
  return dev;
}

async function until(what: string, cond: () => boolean, timeoutMs = 4000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const command = (values: Record<string, unknown>, ms = 2000): Command => ({
  id: `c-${Math.random()}`, values, origin: "local", requestedBy: "test", reason: "test", deadline: Date.now() + ms,
});
const events = (d: Device, name: string) => d.messages.filter((m): m is Extract<DeviceMessage, { type: "event" }> => m.type === "event" && m.name === name);
const fast = { pollIntervalMs: 30, replyTimeoutMs: 100, retries: 1, offlineAfterMs: 1200, offlineRetryMs: 200 };

let doors: Device;
let entryDev: Device;

beforeAll(async () => {
  pair = await startPtyPair();
  pool = new TransportPool({ log, reopen: { initialMs: 50, maxMs: 200 } });
  bus = new PdBus([door, entry], (data) => deviceEnd?.write(data));
  await plugDeviceEnd();
  doors = startDevice("doors", {
    ...fast,
    pds: [{ address: 1, name: "cell-1", scbk: SCBK_DOOR, inputs: [{ number: 0, name: "door_contact", kind: "door_contact" }, { number: 1, name: "rex", kind: "request_to_exit" }], outputs: [{ number: 0, name: "strike", kind: "strike", pulseMs: 300 }], readers: [{ number: 0, id: "cell-1-in" }] }],
  });
  entryDev = startDevice("entry", { ...fast, pds: [{ address: 2, name: "entry", scbk: SCBK_ENTRY, installMode: true, readers: [{ id: "entry-gate" }] }] });
  await Promise.all(devices.map((d) => d.driver.start(new AbortController().signal)));
});

afterAll(async () => {
  // Bounded, and socat is stopped whatever happened, so a failed run leaves no process behind.
  const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 3000))]);
  try {
    await bounded(Promise.all(devices.map((d) => d.driver.stop("shutdown"))));
    await bounded(pool?.closeAll(2000) ?? Promise.resolve());
    await bounded(deviceEnd?.close() ?? Promise.resolve());
  } finally {
    await pair?.stop();
  }
});

describe("osdp driver over a socat PTY pair", () => {
  it("brings both PDs online, the door controller on its SCBK, the reader after KEYSET in install mode", async () => {
    await until("both devices online", () => doors.online && entryDev.online);
    expect(doors.state).toMatchObject({ "cell-1.online": true, "cell-1.secure": true, "cell-1.door_contact": false, "cell-1.rex": false, "cell-1.strike": "off", "cell-1.tamper": false });
    expect(entryDev.state).toMatchObject({ "entry.online": true, "entry.secure": true });
    expect(Buffer.from(entry.scbk!).toString("hex")).toBe(SCBK_ENTRY);
    expect(entry.installMode).toBe(false);
  });

  it("reports the door contact and a Wiegand card read", async () => {
    door.setInput(0, true);
    await until("door open", () => doors.state["cell-1.door_contact"] === true);
    door.queueCard({ reader: 0, format: "wiegand", ...encodeWiegand("wiegand26", 12, 3456) });
    await until("card read", () => events(doors, "card_read").length > 0);
    expect(events(doors, "card_read")[0]!.data).toMatchObject({ pd: "cell-1", readerId: "cell-1-in", bits: 26, wiegand: "wiegand26", facility: 12, card: 3456, parityOk: true });
    entry.queueCard({ reader: 0, format: "wiegand", ...encodeWiegand("wiegand34", 700, 65000) });
    await until("entry card read", () => events(entryDev, "card_read").length > 0);
    expect(events(entryDev, "card_read")[0]!.data).toMatchObject({ readerId: "entry-gate", wiegand: "wiegand34", facility: 700, card: 65000 });
  });

  it("pulses the strike over the secure channel; the output reads back off after the pulse", async () => {
    const r = await doors.driver.command!(command({ output: "cell-1.strike", action: "pulse", ms: 300 }), new AbortController().signal);
    expect(r).toEqual({ status: "ok", state: { "cell-1.strike": "on" } });
    const out = door.log.filter((c) => c.code === Cmd.OUT).at(-1)!;
    expect(out.secure).toBe(true);
    expect(decodeCommand(Cmd.OUT, out.data)).toEqual({ kind: "out", records: [{ output: 0, control: OutputControl.TEMPORARY_ON, timer100ms: 3 }] });
    expect(door.output(0)).toBe(true);
    await until("strike back off", () => doors.state["cell-1.strike"] === "off", 2000);
    expect(await entryDev.driver.command!(command({ buzzer: "beep", ms: 200 }), new AbortController().signal)).toEqual({ status: "ok", state: {} });
    expect(await doors.driver.command!(command({ output: "nope", action: "on" }), new AbortController().signal)).toMatchObject({ status: "error", code: "invalid" });
  });

  it("rides through garbage on the line", async () => {
    const before = doors.messages.filter((m) => m.type === "availability").length;
    bus.noiseBytes = 24;
    bus.babble(200);
    door.setInput(1, true);
    await until("rex pressed", () => doors.state["cell-1.rex"] === true);
    expect(await doors.driver.command!(command({ "cell-1.strike": "on" }), new AbortController().signal)).toMatchObject({ status: "ok" });
    expect(door.output(0)).toBe(true);
    bus.noiseBytes = 0;
    expect(doors.messages.filter((m) => m.type === "availability").length).toBe(before); // never went offline
  });

  it("marks a PD that stops answering offline, and online again when it answers", async () => {
    door.mute = true;
    await until("doors offline", () => !doors.online, 3000);
    expect(doors.state["cell-1.online"]).toBe(false);
    expect(doors.messages.filter((m) => m.type === "availability").at(-1)).toMatchObject({ online: false, reason: expect.stringContaining("cell-1") });
    expect(await doors.driver.command!(command({ "cell-1.strike": "off" }), new AbortController().signal)).toMatchObject({ status: "error", code: "offline" });
    expect(entryDev.online).toBe(true); // the other device on the bus is not affected
    door.mute = false;
    await until("doors online again", () => doors.online, 3000);
    expect(doors.state["cell-1.secure"]).toBe(true);
  });

  it("survives the port disappearing and coming back", async () => {
    await pair.kill();
    await deviceEnd?.close();
    await until("both offline", () => !doors.online && !entryDev.online, 3000);
    await pair.start();
    await plugDeviceEnd();
    await until("both online again", () => doors.online && entryDev.online, 5000);
    expect(await doors.driver.command!(command({ output: 0, action: "off" }), new AbortController().signal)).toMatchObject({ status: "ok" });
    expect(door.output(0)).toBe(false);
  });
});
