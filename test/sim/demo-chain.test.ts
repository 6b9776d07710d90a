import { connectAsync } from "mqtt";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { rtlsMqtt, RtlsMqttOptions } from "../../devices/rtls-mqtt/definition.js";
import { FakeClock } from "../../src/core/clock.js";
import type { DeviceDriver, Observation } from "../../src/drivers/contract.js";
import { FloorPlan } from "../../src/sim/floorplan.js";
import { startSimulator } from "../../src/sim/simulator.js";
import type { SimTransition } from "../../src/sim/world.js";
import { startEmbeddedBroker } from "../../src/transports/embedded-broker.js";
import { TransportPool } from "../../src/transports/pool.js";
import { EXPECTED_FLOW, testSite } from "./site-fixture.js";

const log = pino({ level: "silent" });

/**
 * The demo chain end to end: simulator → embedded broker → pooled local-MQTT transport →
 * rtls-mqtt drivers (one DWM gateway, one ESPresense source) → observations.
 */
describe("demo chain: simulator through the embedded broker into the rtls-mqtt drivers", () => {
  it("turns simulated walks into observations in flow order", async () => {
    const config = testSite({ detainees: 1, officers: 2 });
    const broker = await startEmbeddedBroker({ port: 0, log });
    const pool = new TransportPool({ log, mqttUrl: broker.url });
    const observations: Array<{ device: string; o: Observation }> = [];
    const drivers: DeviceDriver[] = [];
    try {
      for (const dev of config.devices) {
        const d = rtlsMqtt.create({
          deviceId: dev.id,
          config: RtlsMqttOptions.parse(dev.options),
          log,
          transport: pool.acquire(dev.id, { kind: "mqtt" }),
          store: { get: () => undefined, set: () => undefined },
          now: Date.now,
          emit: (m) => {
            if (m.type === "observation") observations.push({ device: dev.id, o: m.observation });
          },
        });
        await d.start(new AbortController().signal);
        drivers.push(d);
      }
      // Subscriptions reach the broker once the shared client connects: probe until they do.
      const probe = await connectAsync(broker.url);
      for (let i = 0; !observations.some((x) => x.o.tagId === "ffff"); i++) {
        if (i > 200) throw new Error("drivers never saw the probe");
        await probe.publishAsync("dwm/node/ffff/uplink/location", '{"position":{"x":0,"y":0}}');
        await new Promise((r) => setTimeout(r, 10));
      }
      await probe.endAsync();

      const clock = new FakeClock();
      const transitions: SimTransition[] = [];
      const sim = await startSimulator({ config, brokerUrl: broker.url, clock, log, onTransition: (t) => transitions.push(t) });
      for (let i = 0; i < 2000 && !transitions.some((t) => t.step === "left"); i++) {
        clock.advance(500);
        if (i % 25 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      await sim.stop();
      await new Promise((r) => setTimeout(r, 100));

      const plan = new FloorPlan(config);
      const rooms: string[] = [];
      for (const { o } of observations) {
        if (o.kind !== "coordinates" || o.tagId !== "1001") continue;
        const type = plan.roomAt({ p: [o.x, o.y], floor: 1 })?.type;
        if (type && type !== "corridor" && rooms.at(-1) !== type) rooms.push(type);
      }
      expect(rooms).toEqual(EXPECTED_FLOW);
      const ble = observations.filter((x) => x.o.kind === "ble");
      expect(ble.length).toBeGreaterThan(0);
      expect(new Set(ble.map((x) => x.device))).toEqual(new Set(["ble"]));
    } finally {
      for (const d of drivers) await d.stop("shutdown");
      await pool.closeAll(2000);
      await broker.close();
    }
  });
});
