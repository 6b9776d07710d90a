import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import { FatalDriverError } from "../../src/core/errors.js";
import type { Command, DeviceMessage } from "../../src/drivers/contract.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import type { LeaseState, TransportLease } from "../../src/transports/lease.js";
import type { MqttHandle } from "../../src/transports/mqtt-local.js";
import { topicMatches } from "../../src/transports/mqtt-topic-match.js";
import { frigate, FrigateOptions } from "../../devices/frigate/definition.js";
import { createFrigateDriver } from "../../devices/frigate/driver.js";
import { EVENT_NEW, EVENT_UPDATE, REVIEW_UPDATE } from "./payloads.js";

/** An in-memory lease: the test pushes broker messages and flips the connection state. */
function memoryLease() {
  const subs = new Set<{ filter: string; cb: (topic: string, payload: Buffer) => void }>();
  const listeners = new Set<(s: LeaseState) => void>();
  const published: Array<{ topic: string; payload: string; qos?: number }> = [];
  let state: LeaseState = "open";
  const handle: MqttHandle = {
    subscribe(filter, cb) {
      const s = { filter, cb };
      subs.add(s);
      return () => void subs.delete(s);
    },
    publish: async (topic, payload, opts) => {
      if (state !== "open") throw new Error("not connected");
      published.push({ topic, payload: String(payload), ...(opts?.qos !== undefined ? { qos: opts.qos } : {}) });
    },
  };
  const lease: TransportLease<MqttHandle> = {
    kind: "mqtt",
    key: "mqtt:memory",
    get state() {
      return state;
    },
    handle,
    onStateChange(cb) {
      listeners.add(cb);
      return () => void listeners.delete(cb);
    },
    exclusive: (fn) => fn(handle),
    release: async () => undefined,
  };
  return {
    lease,
    published,
    filters: () => [...subs].map((s) => s.filter),
    push(topic: string, payload: string) {
      for (const s of subs) if (topicMatches(s.filter, topic)) s.cb(topic, Buffer.from(payload));
    },
    set(s: LeaseState) {
      state = s;
      for (const l of listeners) l(s);
    },
  };
}

const OPTIONS = {
  cameras: {
    interrogation_1: { room: "interro-1", channelId: "ch1", cameraId: "cam-i1" },
    interrogation_1_wide: { room: "interro-1", channelId: "ch2" },
    front_door: { room: "sally-port" },
  },
  labels: ["person"],
};

function setup(options: unknown = OPTIONS, transport: "memory" | "none" = "memory") {
  const mem = memoryLease();
  const clock = new FakeClock();
  const messages: DeviceMessage[] = [];
  const driver = createFrigateDriver(
    {
      deviceId: "nvr-1",
      config: FrigateOptions.parse(options),
      log: pino({ level: "silent" }),
      transport: transport === "memory" ? mem.lease : null,
      store: { get: () => undefined, set: () => undefined },
      now: () => clock.now(),
      emit: (m) => void messages.push(m),
    },
    { clock },
  );
  const events = (name: string) => messages.flatMap((m) => (m.type === "event" && m.name === name ? [m.data ?? {}] : []));
  const availability = () => messages.flatMap((m) => (m.type === "availability" ? [m] : []));
  const cmd = (values: Record<string, unknown>): Command => ({ id: "c1", values, origin: "operator", requestedBy: "op-1", reason: "test", deadline: clock.now() + 2000 });
  return { mem, clock, messages, driver, events, availability, cmd, start: () => driver.start(new AbortController().signal) };
}

describe("frigate definition", () => {
  it("is registered, fills camera defaults and refuses bad options", () => {
    expect(builtinDrivers().get("frigate")).toBe(frigate);
    const o = FrigateOptions.parse({ cameras: { i1: { room: "interro-1" } } });
    expect(o).toMatchObject({ prefix: "frigate", headcountLabel: "person", headcountRepeatS: 60, objects: true, reviews: true, cameras: { i1: { room: "interro-1", channelId: "i1", cameraId: "i1" } } });
    expect(FrigateOptions.safeParse({ cameras: {} }).success).toBe(false);
    expect(FrigateOptions.safeParse({ cameras: { "a/b": { room: "r" } } }).success).toBe(false);
    expect(FrigateOptions.safeParse({ cameras: { a: { room: "Room 1" } } }).success).toBe(false);
    expect(FrigateOptions.safeParse({ prefix: "frigate/#", cameras: { a: { room: "r" } } }).success).toBe(false);
    const dup = FrigateOptions.safeParse({ cameras: { a: { room: "r", channelId: "ch1" }, ch1: { room: "r" } } });
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.path).toEqual(["cameras", "ch1", "channelId"]);
    expect(frigate.capabilities(o).map((c) => c.name)).toEqual(["recording", "headcount", "frigate", "malformed", "recorder_status", "camera_event"]);
  });

  it("fails fatally without the mqtt transport", async () => {
    await expect(setup(OPTIONS, "none").start()).rejects.toBeInstanceOf(FatalDriverError);
  });
});

describe("frigate driver", () => {
  it("reports recording per channel once Frigate's availability is known, and follows every change", async () => {
    const t = setup();
    await t.start();
    expect(t.mem.filters()).toContain("frigate/interrogation_1/recordings/state");
    // Retained states arrive before (or after) `available`: nothing is said until it is known.
    t.mem.push("frigate/interrogation_1/recordings/state", "ON");
    t.mem.push("frigate/unlisted_cam/recordings/state", "ON");
    expect(t.events("recorder_status")).toEqual([]);
    expect(t.availability()).toEqual([]);
    t.mem.push("frigate/available", "online");
    expect(t.availability()).toEqual([{ type: "availability", online: true }]);
    expect(t.events("recorder_status")).toEqual([{ recorderId: "nvr-1", channelId: "ch1", roomId: "interro-1", recording: true, online: true, camera: "interrogation_1" }]);
    t.mem.push("frigate/interrogation_1/recordings/state", "ON");
    expect(t.events("recorder_status")).toHaveLength(1);
    t.mem.push("frigate/interrogation_1/recordings/state", "OFF");
    t.mem.push("frigate/interrogation_1_wide/status/record", "offline");
    expect(t.events("recorder_status").slice(1)).toEqual([
      { recorderId: "nvr-1", channelId: "ch1", roomId: "interro-1", recording: false, online: true, camera: "interrogation_1", reason: "recordings off" },
      { recorderId: "nvr-1", channelId: "ch2", roomId: "interro-1", recording: false, online: false, camera: "interrogation_1_wide", reason: "record stream offline" },
    ]);
    expect(t.messages).toContainEqual({ type: "state", values: { recording: { interrogation_1: false, interrogation_1_wide: false } } });
    // Frigate's last will: every channel is offline, known or not.
    t.mem.push("frigate/available", "offline");
    expect(t.availability().at(-1)).toEqual({ type: "availability", online: false, reason: "frigate offline" });
    expect(t.events("recorder_status").slice(3).map((e) => [e.channelId, e.online, e.recording, e.reason])).toEqual([
      ["ch1", false, false, "frigate offline"],
      ["ch2", false, false, "frigate offline"],
      ["front_door", false, false, "frigate offline"],
    ]);
    await t.driver.stop("shutdown");
  });

  it("a broker outage forgets everything; the retained states are reported again afterwards", async () => {
    const t = setup();
    await t.start();
    t.mem.push("frigate/available", "online");
    t.mem.push("frigate/interrogation_1/recordings/state", "ON");
    t.mem.set("reopening");
    expect(t.availability().at(-1)).toEqual({ type: "availability", online: false, reason: "local broker reopening" });
    t.mem.set("open");
    t.mem.push("frigate/interrogation_1/recordings/state", "ON");
    expect(t.events("recorder_status")).toHaveLength(1);
    t.mem.push("frigate/available", "online");
    expect(t.availability().map((a) => a.online)).toEqual([true, false, true]);
    expect(t.events("recorder_status")).toHaveLength(2);
    expect(t.events("recorder_status")[1]).toMatchObject({ channelId: "ch1", recording: true, online: true });
    await t.driver.stop("shutdown");
  });

  it("headcounts become camera events and are repeated while Frigate is online", async () => {
    const t = setup();
    await t.start();
    t.mem.push("frigate/available", "online");
    t.mem.push("frigate/interrogation_1/person", "2");
    t.mem.push("frigate/interrogation_1/car", "1");
    expect(t.events("camera_event")).toEqual([{ cameraId: "cam-i1", camera: "interrogation_1", roomId: "interro-1", analyticType: "headcount", value: 2, label: "person" }]);
    expect(t.messages).toContainEqual({ type: "state", values: { headcount: { interrogation_1: 2 } } });
    t.clock.advance(59_000);
    expect(t.events("camera_event")).toHaveLength(1);
    t.clock.advance(15_000);
    expect(t.events("camera_event")).toHaveLength(2);
    expect(t.events("camera_event")[1]).toMatchObject({ value: 2, repeated: true });
    t.mem.push("frigate/available", "stopped");
    t.clock.advance(300_000);
    expect(t.events("camera_event")).toHaveLength(2);
    await t.driver.stop("shutdown");
  });

  it("tracked objects and reviews of listed cameras become camera events with device time", async () => {
    const t = setup({ cameras: { front_door: { room: "sally-port" }, front_cam: { room: "yard" } }, labels: ["person"] });
    await t.start();
    t.mem.push("frigate/events", EVENT_NEW);
    t.mem.push("frigate/events", EVENT_UPDATE);
    t.mem.push("frigate/events", EVENT_NEW.replace('"label":"person"', '"label":"dog"').replaceAll('"label":"person"', '"label":"dog"'));
    t.mem.push("frigate/reviews", REVIEW_UPDATE);
    const ev = t.messages.filter((m) => m.type === "event");
    expect(ev.map((m) => m.type === "event" && [m.data?.analyticType, m.data?.phase, m.deviceTime])).toEqual([
      ["object", "new", 1607123955475],
      ["object", "update", 1607123962083],
      ["review", "update", 1718987129308],
    ]);
    expect(ev[1]).toMatchObject({ data: { cameraId: "front_door", roomId: "sally-port", value: "person", objectId: "1607123955.475377-mxklsc", subLabel: "John Smith", zones: ["yard", "driveway"] } });
    expect(ev[2]).toMatchObject({ data: { roomId: "yard", value: "alert", objects: ["person", "car"], zones: ["front_yard"] } });
    await t.driver.stop("shutdown");
  });

  it("counts malformed messages in the device state without stopping", async () => {
    const t = setup();
    await t.start();
    t.mem.push("frigate/events", "{broken");
    t.mem.push("frigate/interrogation_1/person", "many");
    t.mem.push("frigate/available", "online");
    expect(t.messages).toContainEqual({ type: "state", values: { malformed: 1, lastMalformedReason: "events: payload is not JSON" } });
    expect(t.availability()).toEqual([{ type: "availability", online: true }]);
    await t.driver.stop("shutdown");
    expect(t.messages.at(-1)).toEqual({ type: "state", values: { malformed: 2, lastMalformedReason: expect.stringContaining("whole number") } });
  });

  it("switches recording per camera, channel or room; bookmarks and presets are unsupported", async () => {
    const t = setup();
    await t.start();
    const run = (values: Record<string, unknown>) => t.driver.command!(t.cmd(values), new AbortController().signal);
    expect(await run({ recording: true, camera: "front_door" })).toEqual({ status: "ok", state: { requested: { front_door: true } } });
    expect(await run({ recording: false, channel: "ch2" })).toMatchObject({ status: "ok" });
    expect(await run({ recording: true, room: "interro-1" })).toEqual({ status: "ok", state: { requested: { interrogation_1: true, interrogation_1_wide: true } } });
    expect(t.mem.published).toEqual([
      { topic: "frigate/front_door/recordings/set", payload: "ON", qos: 1 },
      { topic: "frigate/interrogation_1_wide/recordings/set", payload: "OFF", qos: 1 },
      { topic: "frigate/interrogation_1/recordings/set", payload: "ON", qos: 1 },
      { topic: "frigate/interrogation_1_wide/recordings/set", payload: "ON", qos: 1 },
    ]);
    expect(await run({ recording: true })).toMatchObject({ status: "error", code: "invalid" });
    expect(await run({ recording: "yes", camera: "front_door" })).toMatchObject({ status: "error", code: "invalid" });
    expect(await run({ recording: true, room: "holding-1" })).toMatchObject({ status: "error", code: "invalid" });
    expect(await run({ bookmark: "ESCAPE_ATTEMPT p1", at: t.clock.now(), alarm: "k" })).toMatchObject({ status: "error", code: "unsupported", message: expect.stringContaining("HTTP API") });
    expect(await run({ preset: 3 })).toMatchObject({ status: "error", code: "unsupported" });
    t.mem.set("reopening");
    expect(await run({ recording: true, camera: "front_door" })).toMatchObject({ status: "error", code: "offline" });
    const aborted = new AbortController();
    aborted.abort();
    t.mem.set("open");
    expect(await t.driver.command!(t.cmd({ recording: true, camera: "front_door" }), aborted.signal)).toMatchObject({ status: "error", code: "timeout" });
    expect(t.mem.published).toHaveLength(4);
    await t.driver.stop("shutdown");
  });

  it("a single-camera device needs no selector", async () => {
    const t = setup({ cameras: { i1: { room: "interro-1" } } });
    await t.start();
    expect(await t.driver.command!(t.cmd({ recording: false }), new AbortController().signal)).toEqual({ status: "ok", state: { requested: { i1: false } } });
    await t.driver.stop("shutdown");
  });
});
