import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { systemClock } from "../../src/core/clock.js";
import { createLogger } from "../../src/core/logger.js";
import { Device } from "../../src/config/schema.js";
import { defineDriver, type DeviceMessage } from "../../src/drivers/contract.js";
import { DriverRegistry } from "../../src/drivers/registry.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import { TransportPool } from "../../src/transports/pool.js";
import { openPeer, startPtyPair, type PtyPair } from "../helpers/socat.js";

/**
 * Issue "Done when": a serial device's cable is pulled (the PTY pair disappears) under a running
 * driver and plugged back; the driver keeps running without a daemon restart, availability goes
 * offline then online, and data flows again.
 */
const lineDriver = defineDriver({
  id: "line-echo",
  vendor: "test",
  model: "line",
  description: "emits every received text line as an event",
  version: "1.0.0",
  transport: "serial",
  protocol: "text-lines",
  optionsSchema: z.object({}),
  capabilities: () => [],
  create: (ctx) => {
    let off: (() => void) | undefined;
    let buf = "";
    return {
      async start() {
        off = ctx.transport!.onData!((chunk) => {
          buf += chunk.toString("latin1");
          let i: number;
          while ((i = buf.indexOf("\n")) >= 0) {
            ctx.emit({ type: "event", name: "line", data: { text: buf.slice(0, i) } });
            buf = buf.slice(i + 1);
          }
        });
      },
      async stop() {
        off?.();
      },
    };
  },
});

let pair: PtyPair | undefined;
afterAll(async () => {
  await pair?.stop();
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("serial device survives its port disappearing", () => {
  it("goes offline when the PTY vanishes and online again when it returns, without restarting the driver", async () => {
    pair = await startPtyPair();
    const log = createLogger({ level: "silent" });
    const pool = new TransportPool({ log, reopen: { initialMs: 50, maxMs: 200 } });
    const messages: DeviceMessage[] = [];
    let creates = 0;
    const counted = { ...lineDriver, create: (ctx: Parameters<typeof lineDriver.create>[0]) => (creates++, lineDriver.create(ctx)) };
    const sup = new DriverSupervisor({
      registry: DriverRegistry.of(counted),
      clock: systemClock,
      log,
      acquire: (d) => pool.acquire(d.id, d.transport),
      storeFor: () => ({ get: () => undefined, set: () => {} }),
      onMessage: (_id, _def, m) => messages.push(m),
    });
    await sup.startAll([Device.parse({ id: "reader-1", driver: "line-echo", transport: { kind: "serial", path: pair.a, baudRate: 115200 } })]);

    const availability = () => messages.filter((m) => m.type === "availability").map((m) => (m as { online: boolean }).online);
    const lines = () => messages.flatMap((m) => (m.type === "event" ? [String(m.data?.text)] : []));
    await until(() => availability().at(-1) === true);

    let peer = await openPeer(pair.b);
    await peer.write("before\n");
    await until(() => lines().includes("before"));
    await peer.close();

    await pair.kill();
    await until(() => availability().at(-1) === false);
    expect(sup.status()[0]).toMatchObject({ state: "running", online: false });

    await pair.start();
    await until(() => availability().at(-1) === true);
    peer = await openPeer(pair.b);
    await peer.write("after\n");
    await until(() => lines().includes("after"));
    await peer.close();

    expect(availability()).toEqual([true, false, true]);
    expect(creates).toBe(1);
    await sup.stopAll(1000);
    expect((await pool.closeAll(1000)).timedOut).toEqual([]);
  });
});
