import { describe, expect, it } from "vitest";
import { modbusRelay } from "../../devices/modbus-relay/definition.js";
import type { Command } from "../../src/drivers/contract.js";
import { whenState } from "../../src/transports/when-state.js";
import { driverUnderTest, until } from "../helpers/driver-context.js";
import { onCleanup, ptyAndPool, serialConfig } from "../transports/serial-fixture.js";
import { BoardSim } from "../../src/sim/devices/modbus-board.js";

const OPTIONS = {
  slaveId: 1,
  coils: { "strike-1": 0, "relay-2": 3 },
  inputs: { "contact-1": 0, "rex-1": 2 },
  pollMs: 40,
  timeoutMs: 80,
  missedPolls: 3,
  pulseMs: 150,
};

/** Availability reports from the first "online" on (before the port opens the driver may say "offline"). */
const sinceOnline = (log: Array<{ online: boolean; reason?: string }>) => log.slice(log.findIndex((a) => a.online));

const command = (values: Record<string, unknown>, deadlineInMs = 2_000): Command => ({
  id: `cmd-${Math.random().toString(36).slice(2)}`,
  values,
  origin: "operator",
  requestedBy: "officer-7",
  reason: "test",
  deadline: Date.now() + deadlineInMs,
});

async function setup(unitIds = [1]) {
  const { pair, pool } = await ptyAndPool();
  const sim = new BoardSim(pair.b, unitIds);
  await sim.open();
  onCleanup(() => sim.close());
  const start = async (deviceId: string, options: object) => {
    const lease = pool.acquire(deviceId, serialConfig(pair.a));
    onCleanup(() => lease.release());
    const d = driverUnderTest(modbusRelay, deviceId, options, lease);
    await d.start();
    onCleanup(() => d.stop());
    return { d, lease };
  };
  return { pair, pool, sim, start };
}

describe("modbus-relay driver against a simulated board over a socat PTY pair", () => {
  it("goes online, reports inputs and coils, and emits an event when a contact changes", async () => {
    const { sim, start } = await setup();
    sim.unit().inputs[2] = true;
    const { d } = await start("board-1", OPTIONS);
    await until(() => d.online() === true, "online");
    await until(() => "contact-1" in d.state(), "first state");
    expect(d.state()).toEqual({ "contact-1": false, "rex-1": true, "strike-1": "off", "relay-2": "off" });

    sim.unit().inputs[0] = true;
    await until(() => d.events("input_changed").length === 1, "input_changed event");
    expect(d.events("input_changed")[0]!.data).toEqual({ input: "contact-1", value: true, previous: false });
    expect(d.state()["contact-1"]).toBe(true);
  });

  it("pulses a strike: on at once, off after ms, and the read-back state follows", async () => {
    const { sim, start } = await setup();
    const { d } = await start("board-1", OPTIONS);
    await until(() => d.online() === true, "online");
    const t0 = Date.now();
    const r = await d.driver.command!(command({ "strike-1": "pulse", ms: 200 }), new AbortController().signal);
    expect(r).toEqual({ status: "ok", state: { "strike-1": "on" } });
    expect(sim.unit().coils[0]).toBe(true);
    await until(() => sim.writes.length === 2, "off-write");
    expect(sim.writes.map((w) => [w.address, w.on])).toEqual([
      [0, true],
      [0, false],
    ]);
    const held = sim.writes[1]!.at - sim.writes[0]!.at;
    expect(held).toBeGreaterThanOrEqual(190);
    expect(held).toBeLessThan(1_000);
    expect(sim.writes[0]!.at - t0).toBeLessThan(200);
    await until(() => d.state()["strike-1"] === "off", "state off again");

    expect(await d.driver.command!(command({ "relay-2": "on" }), new AbortController().signal)).toMatchObject({ status: "ok" });
    expect(sim.unit().coils[3]).toBe(true);
    expect(await d.driver.read!(["relay-2", "contact-1", "nope"], new AbortController().signal)).toEqual({ "relay-2": "on", "contact-1": false });
  });

  it("without read-back the state follows the commands, the pulse's off included", async () => {
    const { sim, start } = await setup();
    const { d } = await start("board-1", { ...OPTIONS, readCoils: false });
    await until(() => d.online() === true, "online");
    await d.driver.command!(command({ "strike-1": "pulse", ms: 50 }), new AbortController().signal);
    expect(d.state()["strike-1"]).toBe("on");
    await until(() => d.state()["strike-1"] === "off", "off after the pulse");
    expect(sim.writes.map((w) => w.on)).toEqual([true, false]);
  });

  it("refuses bad commands and never writes after the deadline", async () => {
    const { sim, start } = await setup();
    const { d } = await start("board-1", OPTIONS);
    await until(() => d.online() === true, "online");
    expect(await d.driver.command!(command({ door: "on" }), new AbortController().signal)).toMatchObject({ status: "error", code: "invalid" });
    expect(await d.driver.command!(command({ "strike-1": "on" }, -1), new AbortController().signal)).toMatchObject({ status: "error", code: "timeout" });
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.writes).toEqual([]);

    sim.unit().exceptions[5] = 4;
    expect(await d.driver.command!(command({ "strike-1": "on" }), new AbortController().signal)).toMatchObject({ status: "error", code: "device" });
  });

  it("survives noise: before replies and between polls", async () => {
    const { sim, start } = await setup();
    const { d } = await start("board-1", OPTIONS);
    await until(() => d.online() === true, "online");
    sim.noiseBeforeReply = Buffer.from([0xff, 0x00, 0x13, 0x37, 0xaa, 0x55]);
    for (let i = 0; i < 5; i++) await sim.inject(Buffer.from([0x01, 0x02, 0x01, 0x99, 0x42, 0x00, 0xfe]));
    sim.unit().inputs[0] = true;
    await until(() => d.state()["contact-1"] === true, "contact read through the noise");
    const requests = sim.requests;
    await until(() => sim.requests >= requests + 10, "ten more polls");
    sim.noiseBeforeReply = null;
    expect(sinceOnline(d.availabilityLog())).toEqual([{ online: true }]);
    expect(d.state()["contact-1"]).toBe(true);
  });

  it("goes offline after N unanswered polls and online again when the board answers", async () => {
    const { sim, start } = await setup();
    const { d } = await start("board-1", OPTIONS);
    await until(() => d.online() === true, "online");
    sim.silent = true;
    await until(() => d.online() === false, "offline");
    expect(d.availabilityLog().at(-1)!.reason).toMatch(/3 polls unanswered/);
    sim.unit().inputs[0] = true;
    sim.silent = false;
    await until(() => d.online() === true, "online again");
    await until(() => d.state()["contact-1"] === true, "state after coming back");
    expect(d.events("input_changed").map((e) => e.data)).toEqual([{ input: "contact-1", value: true, previous: false }]);
  });

  it("an exception reply keeps the board online (it answered) and is not taken as data", async () => {
    const { sim, start } = await setup();
    const { d } = await start("board-1", OPTIONS);
    await until(() => d.online() === true, "online");
    sim.unit().exceptions[2] = 2;
    sim.unit().inputs[0] = true;
    const requests = sim.requests;
    await until(() => sim.requests >= requests + 10, "ten more polls");
    expect(d.online()).toBe(true);
    expect(d.state()["contact-1"]).toBe(false);
  });

  it("the port disappears and returns: offline at once, then online with fresh state", async () => {
    const { pair, sim, start } = await setup();
    const { d, lease } = await start("board-1", OPTIONS);
    await until(() => d.online() === true, "online");
    await sim.close();
    await pair.kill();
    await until(() => d.online() === false, "offline when the port vanished");
    expect(d.availabilityLog().at(-1)!.reason).toMatch(/transport (reopening|closed)/);
    expect(await d.driver.command!(command({ "strike-1": "on" }), new AbortController().signal)).toMatchObject({ status: "error", code: "offline" });

    await pair.start();
    sim.unit().inputs[2] = true;
    await sim.open();
    await whenState(lease, "open", { timeoutMs: 3_000 });
    await until(() => d.online() === true, "online after the port came back");
    await until(() => d.state()["rex-1"] === true, "state read after reconnect");
  });

  it("two boards on one bus take turns on the shared lease", async () => {
    const { sim, start } = await setup([1, 2]);
    sim.unit(2).inputs[0] = true;
    const one = await start("board-1", { ...OPTIONS, slaveId: 1 });
    const two = await start("board-2", { ...OPTIONS, slaveId: 2 });
    await until(() => one.d.online() === true && two.d.online() === true, "both online");
    await until(() => "contact-1" in one.d.state() && "contact-1" in two.d.state(), "both read");
    expect(one.d.state()["contact-1"]).toBe(false);
    expect(two.d.state()["contact-1"]).toBe(true);
    const [a, b] = await Promise.all([
      one.d.driver.command!(command({ "relay-2": "on" }), new AbortController().signal),
      two.d.driver.command!(command({ "strike-1": "on" }), new AbortController().signal),
    ]);
    expect([a.status, b.status]).toEqual(["ok", "ok"]);
    expect(sim.unit(1).coils[3]).toBe(true);
    expect(sim.unit(2).coils[0]).toBe(true);
    expect(sinceOnline(one.d.availabilityLog())).toEqual([{ online: true }]);
    expect(sinceOnline(two.d.availabilityLog())).toEqual([{ online: true }]);
  });
});
