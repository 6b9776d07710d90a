import { describe, expect, it } from "vitest";
import { dwm1001 } from "../../devices/dwm1001/definition.js";
import { whenState } from "../../src/transports/when-state.js";
import { driverUnderTest, until } from "../helpers/driver-context.js";
import { onCleanup, ptyAndPool, serialConfig } from "../transports/serial-fixture.js";
import { ModuleSim } from "../../src/sim/devices/dwm1001-module.js";

const OPTIONS = { pollMs: 30, timeoutMs: 60, missedPolls: 3, statusEvery: 5 };

async function setup(options: object = OPTIONS) {
  const { pair, pool } = await ptyAndPool();
  const sim = new ModuleSim(pair.b);
  await sim.open();
  onCleanup(() => sim.close());
  const lease = pool.acquire("uwb-1", serialConfig(pair.a, 115200));
  onCleanup(() => lease.release());
  const d = driverUnderTest(dwm1001, "uwb-1", options, lease);
  onCleanup(() => d.stop());
  return { pair, sim, lease, d };
}

const sinceOnline = (log: Array<{ online: boolean; reason?: string }>) => log.slice(log.findIndex((a) => a.online));

describe("dwm1001 driver against a simulated module over a socat PTY pair", () => {
  it("a tag: reads its node id and status, then reports its coordinates in metres", async () => {
    const { sim, d } = await setup({ ...OPTIONS, floor: 2 });
    await d.start();
    await until(() => d.observations().length >= 3, "three positions");
    expect(d.online()).toBe(true);
    expect(sim.requests.slice(0, 3)).toEqual([0x30, 0x32, 0x0c]);
    expect(d.observations()[0]).toEqual({ kind: "coordinates", tagId: "0f07", x: 2.57, y: 2, z: 1.67, quality: 97, method: "uwb", floor: 2 });
    expect(d.state()).toEqual({ node_id: "0001de0000000f07", uwb_joined: true, role: "tag", in_range: 1 });

    sim.position = { x: -1500, y: 12_345, z: 0, quality: 60 };
    await until(() => d.observations().at(-1)!.kind === "coordinates" && (d.observations().at(-1) as { x: number }).x === -1.5, "new position");
    expect(d.observations().at(-1)).toMatchObject({ x: -1.5, y: 12.345, z: 0, quality: 60 });
  });

  it("a configured tag id wins, and positions below minQuality are not reported", async () => {
    const { sim, d } = await setup({ ...OPTIONS, tagId: "beef", minQuality: 50 });
    sim.position.quality = 20;
    await d.start();
    await until(() => d.online() === true, "online");
    await new Promise((r) => setTimeout(r, 150));
    expect(d.observations()).toEqual([]);
    sim.position.quality = 80;
    await until(() => d.observations().length > 0, "a good position");
    expect(d.observations()[0]).toMatchObject({ tagId: "beef", quality: 80 });
  });

  it("an anchor: reports the tags it ranges to as reader sightings", async () => {
    const { sim, d } = await setup();
    sim.role = "anchor";
    sim.tags = [
      { address: 0x0000000000001a2bn, distanceMm: 3000, quality: 90 },
      { address: 0x0000000000000c0dn, distanceMm: 4100, quality: 0 },
    ];
    await d.start();
    await until(() => d.observations().length >= 1, "a sighting");
    expect(d.observations()[0]).toEqual({ kind: "reader", tagId: "1a2b", readerId: "0f07", method: "uwb" });
    expect(d.observations().some((o) => o.tagId === "0c0d")).toBe(false);
    expect(d.state()).toMatchObject({ role: "anchor", in_range: 2 });
  });

  it("error replies keep the module online and yield no positions until they stop", async () => {
    const { sim, d } = await setup();
    sim.locError = 4; // busy
    await d.start();
    await until(() => d.online() === true, "online");
    const polls = sim.requests.length;
    await until(() => sim.requests.length >= polls + 6, "more polls");
    expect(d.observations()).toEqual([]);
    sim.locError = null;
    await until(() => d.observations().length > 0, "positions after the errors");
    expect(sinceOnline(d.availabilityLog())).toEqual([{ online: true }]);
  });

  it("resyncs through noise before replies and between polls", async () => {
    const { sim, d } = await setup();
    await d.start();
    await until(() => d.online() === true, "online");
    sim.noiseBeforeReply = Buffer.concat([Buffer.from("dwm> \r\n"), Buffer.from([0xff, 0x40, 0x40, 0x01, 0x09, 0x41])]);
    for (let i = 0; i < 5; i++) await sim.inject(Buffer.from([0x40, 0x01, 0x00, 0x41, 0x0d, 0x99]));
    const seen = d.observations().length;
    await until(() => d.observations().length >= seen + 10, "ten positions through the noise");
    expect(d.observations().slice(seen).every((o) => o.kind === "coordinates" && o.x === 2.57 && o.quality === 97)).toBe(true);
    expect(sinceOnline(d.availabilityLog())).toEqual([{ online: true }]);
  });

  it("goes offline when the module stops answering and online when it answers again", async () => {
    const { sim, d } = await setup();
    await d.start();
    await until(() => d.online() === true, "online");
    sim.silent = true;
    await until(() => d.online() === false, "offline");
    expect(d.availabilityLog().at(-1)!.reason).toMatch(/3 polls unanswered/);
    sim.silent = false;
    const seen = d.observations().length;
    await until(() => d.online() === true && d.observations().length > seen, "online with positions");
  });

  it("the port disappears and returns: offline at once, node id read again, positions resume", async () => {
    const { pair, sim, lease, d } = await setup();
    await d.start();
    await until(() => d.observations().length > 0, "positions");
    await sim.close();
    await pair.kill();
    await until(() => d.online() === false, "offline when the port vanished");
    expect(d.availabilityLog().at(-1)!.reason).toMatch(/transport (reopening|closed)/);
    await pair.start();
    sim.requests = [];
    await sim.open();
    await whenState(lease, "open", { timeoutMs: 3_000 });
    const seen = d.observations().length;
    await until(() => d.online() === true && d.observations().length > seen, "positions after reconnect");
    expect(sim.requests[0]).toBe(0x30);
  });
});
