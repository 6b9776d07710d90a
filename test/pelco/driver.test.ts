import { describe, expect, it } from "vitest";
import { pelco } from "../../devices/pelco/definition.js";
import type { Command } from "../../src/drivers/contract.js";
import { whenState } from "../../src/transports/when-state.js";
import { driverUnderTest, until } from "../helpers/driver-context.js";
import { onCleanup, ptyAndPool, serialConfig } from "../transports/serial-fixture.js";
import { CameraSim } from "../../src/sim/devices/pelco-camera.js";

const command = (values: Record<string, unknown>, deadlineInMs = 2_000): Command => ({
  id: `cmd-${Math.random().toString(36).slice(2)}`,
  values,
  origin: "rule",
  requestedBy: "rule:interrogation-recording",
  reason: "test",
  deadline: Date.now() + deadlineInMs,
});
const signal = () => new AbortController().signal;

async function setup(protocol: "d" | "p") {
  const { pair, pool } = await ptyAndPool();
  const sim = new CameraSim(pair.b, protocol);
  await sim.open();
  onCleanup(() => sim.close());
  const baudRate = protocol === "d" ? 2400 : 4800;
  const camera = async (deviceId: string, options: object) => {
    const lease = pool.acquire(deviceId, serialConfig(pair.a, baudRate));
    onCleanup(() => lease.release());
    const d = driverUnderTest(pelco, deviceId, { protocol, ...options }, lease);
    await d.start();
    onCleanup(() => d.stop());
    await whenState(lease, "open", { timeoutMs: 2_000 });
    return { d, lease };
  };
  return { pair, sim, camera };
}

describe("pelco driver against a simulated camera over a socat PTY pair", () => {
  for (const [protocol, gotoFrame, panFrame] of [
    ["d", "ff01000700050d", "ff010004200025"],
    ["p", "a00100070005af0c", "a00100042000af2a"],
  ] as const) {
    it(`Pelco-${protocol.toUpperCase()}: the golden frames of PROTOCOLS.md §5.1 arrive byte for byte`, async () => {
      const { sim, camera } = await setup(protocol);
      const { d } = await camera("cam-1", { address: 1 });
      expect(await d.driver.command!(command({ goto_preset: 5 }), signal())).toEqual({ status: "ok", state: { preset: 5 } });
      expect(await d.driver.command!(command({ pan: "left", speed: 0x20 }), signal())).toEqual({ status: "ok", state: { moving: true } });
      await until(() => sim.frames.length === 2, "two frames");
      expect(sim.frames.map((f) => f.hex)).toEqual([gotoFrame, panFrame]);
      expect(sim.skipped).toBe(0);
    });
  }

  it("address offset: camera 1 is address byte 0 where the controller numbers from 0", async () => {
    const { sim, camera } = await setup("p");
    const { d } = await camera("cam-1", { address: 1, addressOffset: -1 });
    await d.driver.command!(command({ set_preset: 9 }), signal());
    await d.driver.command!(command({ clear_preset: 9 }), signal());
    await until(() => sim.frames.length === 2, "frames");
    expect(sim.frames.map((f) => [f.address, ...f.payload])).toEqual([
      [0, 0, 0x03, 0, 9],
      [0, 0, 0x05, 0, 9],
    ]);
  });

  it("a timed move is stopped by the driver, and stop() stops a camera still moving", async () => {
    const { sim, camera } = await setup("d");
    const { d } = await camera("cam-1", { address: 3 });
    const t0 = Date.now();
    await d.driver.command!(command({ tilt: "up", zoom: "tele", speed: 10, ms: 150 }), signal());
    await until(() => sim.frames.length === 2, "move then stop");
    expect(sim.frames.map((f) => f.hex)).toEqual(["ff030028000a35", "ff030000000003"]);
    expect(sim.frames[1]!.at - t0).toBeGreaterThanOrEqual(150);
    expect(d.state()).toMatchObject({ moving: false });

    await d.driver.command!(command({ pan: "right", ms: 10_000 }), signal());
    await d.stop();
    await until(() => sim.frames.length === 4, "stop sent on driver stop");
    expect(sim.frames[3]!.payload).toEqual([0, 0, 0, 0]);
  });

  it("refuses invalid commands and drops a command whose deadline passed", async () => {
    const { sim, camera } = await setup("d");
    const { d } = await camera("cam-1", {});
    expect(await d.driver.command!(command({ goto_preset: 0 }), signal())).toMatchObject({ status: "error", code: "invalid" });
    expect(await d.driver.command!(command({ goto_preset: 2 }, -1), signal())).toMatchObject({ status: "error", code: "timeout" });
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.frames).toEqual([]);
  });

  it("cameras sharing the line take turns: concurrent commands never interleave bytes; replies and noise from the line are ignored", async () => {
    const { sim, camera } = await setup("d");
    const cams = await Promise.all([1, 2, 3].map((a) => camera(`cam-${a}`, { address: a })));
    // General responses and garbage coming back up the line: the driver is write-only and must not care.
    await sim.inject(Buffer.from([0xff, 0x01, 0x00, 0x01, 0x13, 0x37, 0x00, 0xff]));
    const results = await Promise.all(cams.flatMap(({ d }, i) => [1, 2, 3, 4, 5].map((p) => d.driver.command!(command({ goto_preset: p + 10 * i }), signal()))));
    expect(results.every((r) => r.status === "ok")).toBe(true);
    await until(() => sim.frames.length === 15, "fifteen frames");
    expect(sim.skipped).toBe(0);
    for (const a of [1, 2, 3]) {
      expect(sim.frames.filter((f) => f.address === a).map((f) => f.payload[3])).toEqual([1, 2, 3, 4, 5].map((p) => p + 10 * (a - 1)));
    }
  });

  it("the port disappears and returns: commands fail as offline, then work again; a camera that was off gets later frames intact", async () => {
    const { pair, sim, camera } = await setup("d");
    const { d, lease } = await camera("cam-1", { address: 1 });
    await sim.close();
    await pair.kill();
    // An idle PTY's loss is not always seen until the next write fails (EIO); either way: offline.
    expect(await d.driver.command!(command({ goto_preset: 1 }), signal())).toMatchObject({ status: "error", code: "offline" });
    await until(() => lease.state !== "open", "lease not open");
    await pair.start();
    await whenState(lease, "open", { timeoutMs: 3_000 });
    // The camera is still off: the frame goes out onto a line nobody listens to.
    expect(await d.driver.command!(command({ goto_preset: 2 }), signal())).toMatchObject({ status: "ok" });
    await sim.open();
    expect(await d.driver.command!(command({ goto_preset: 3 }), signal())).toMatchObject({ status: "ok" });
    await until(() => sim.frames.some((f) => f.payload[3] === 3), "frame after the camera came back");
    expect(sim.frames.at(-1)!.hex).toBe("ff01000700030b");
  });
});
