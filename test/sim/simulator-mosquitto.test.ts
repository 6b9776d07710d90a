import { connectAsync, type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDwmLocation, decodeEspresense } from "../../devices/rtls-mqtt/codec.js";
import { FakeClock } from "../../src/core/clock.js";
import { startSimulator } from "../../src/sim/simulator.js";
import type { SimTransition } from "../../src/sim/world.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";
import { EXPECTED_FLOW, testSite } from "./site-fixture.js";

/** The fixture's rooms as plain rectangles: an independent check of "inside a room". */
const RECTS: Array<{ type: string; x0: number; y0: number; x1: number; y1: number }> = [
  { type: "corridor", x0: 0, y0: 0, x1: 40, y1: 3 },
  { type: "office", x0: 0, y0: -5, x1: 10, y1: 0 },
  ...["exit", "registration", "search", "capture", "holding", "holding", "interrogation", "interrogation"].map((type, i) => ({
    type,
    x0: i * 5,
    y0: 3,
    x1: i * 5 + 5,
    y1: 8,
  })),
];
/** Rooms above the corridor win on the shared edge, as in the floor plan. */
const roomTypeAt = (x: number, y: number): string | undefined =>
  RECTS.slice(2).find((r) => x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1)?.type ??
  RECTS.slice(0, 2).find((r) => x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1)?.type;

describe("simulator publishing to a real mosquitto", () => {
  let broker: RunningMosquitto;
  let sub: MqttClient;
  const received: Array<{ topic: string; payload: Buffer }> = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    sub = await connectAsync(broker.url);
    sub.on("message", (topic, payload) => received.push({ topic, payload }));
    await sub.subscribeAsync(["dwm/#", "espresense/#"], { qos: 1 });
  });
  afterAll(async () => {
    await sub?.endAsync(true);
    await broker?.stop();
  });

  it("publishes DWM gateway positions inside rooms, in custody-flow order, plus ESPresense sightings", async () => {
    const clock = new FakeClock();
    const transitions: SimTransition[] = [];
    const sim = await startSimulator({
      config: testSite({ detainees: 1, officers: 2, speed: 60, rateHz: 2 }),
      brokerUrl: broker.url,
      clock,
      log: pino({ level: "silent" }),
      seed: 7,
      onTransition: (t) => transitions.push(t),
    });
    expect(sim.people.detainees.map((d) => d.tagId)).toEqual(["1001"]);
    // Fake time: 2 ticks per simulated minute; yield now and then so the socket drains.
    for (let i = 0; i < 2000 && !transitions.some((t) => t.step === "left"); i++) {
      clock.advance(500);
      if (i % 25 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(transitions.at(-1)?.step).toBe("left");
    await sim.stop();
    const end = Date.now() + 5000;
    while (!received.some((m) => m.topic === "espresense/rooms/holding_1/status" && m.payload.toString() === "offline")) {
      if (Date.now() > end) throw new Error("node offline status never arrived");
      await new Promise((r) => setTimeout(r, 20));
    }

    const locations = received.filter((m) => m.topic.endsWith("/uplink/location"));
    expect(locations.length).toBeGreaterThan(300);
    const detaineeRooms: string[] = [];
    for (const m of locations) {
      const d = decodeDwmLocation(m.topic, m.payload);
      if (d.kind !== "observation" || d.observation.kind !== "coordinates") throw new Error(`invalid: ${m.topic} ${m.payload}`);
      const { x, y, quality, tagId } = d.observation;
      expect(quality).toBeGreaterThanOrEqual(0);
      expect(JSON.parse(m.payload.toString())).toHaveProperty("superFrameNumber");
      const type = roomTypeAt(x, y);
      expect(type, `${tagId} at (${x}, ${y}) outside every room`).toBeDefined();
      if (tagId === "1001" && type !== "corridor" && detaineeRooms.at(-1) !== type) detaineeRooms.push(type!);
    }
    expect(detaineeRooms).toEqual(EXPECTED_FLOW);
    expect(new Set(locations.map((m) => m.topic.split("/")[2]))).toEqual(new Set(["1001", "2001", "2002"]));

    const sightings = received.filter((m) => m.topic.startsWith("espresense/devices/"));
    expect(sightings.length).toBeGreaterThan(0);
    for (const m of sightings) {
      expect(decodeEspresense(m.topic, m.payload)).toMatchObject({ kind: "observation", observation: { kind: "ble", nodeId: "holding_1" } });
    }
    const statuses = received.filter((m) => m.topic === "dwm/node/1001/uplink/status").map((m) => JSON.parse(m.payload.toString()).present);
    expect(statuses).toEqual([true, false]);
  });
});
