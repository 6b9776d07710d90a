import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { rtlsMqtt, RtlsMqttOptions } from "../../devices/rtls-mqtt/definition.js";
import { rtlsTopicFilters, type MqttSubscribeHandle } from "../../devices/rtls-mqtt/driver.js";
import { FatalDriverError } from "../../src/core/errors.js";
import type { Logger } from "../../src/core/logger.js";
import type { DeviceMessage } from "../../src/drivers/contract.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import type { TransportLease } from "../../src/transports/lease.js";

/** A lease whose handle records subscriptions, so a test can push messages straight in. */
function recordingLease(): { lease: TransportLease<MqttSubscribeHandle>; push: (topic: string, payload: string) => void } {
  const subs = new Map<string, (topic: string, payload: Buffer) => void>();
  const handle: MqttSubscribeHandle = {
    subscribe(filter, cb) {
      subs.set(filter, cb);
      return () => subs.delete(filter);
    },
    publish: () => undefined,
  };
  const lease: TransportLease<MqttSubscribeHandle> = {
    kind: "mqtt",
    key: "mqtt:rec",
    state: "open",
    onStateChange: () => () => undefined,
    exclusive: (fn) => fn(handle),
    release: async () => undefined,
  };
  // Enough matching for these tests: DWM filters differ only in their last level.
  const push = (topic: string, payload: string): void => {
    for (const [f, cb] of subs) if (f.split("/").at(-1) === topic.split("/").at(-1)) cb(topic, Buffer.from(payload));
  };
  return { lease, push };
}

function logSink(): { log: Logger; lines: Array<{ level: number; msg: string; suppressed?: number }> } {
  const lines: Array<{ level: number; msg: string; suppressed?: number }> = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { log: pino({ level: "debug" }, dest), lines };
}

describe("rtls-mqtt definition and driver", () => {
  it("is registered as a builtin with per-format defaults", () => {
    expect(builtinDrivers().get("rtls-mqtt")).toBe(rtlsMqtt);
    expect(RtlsMqttOptions.parse({ format: "dwm" })).toMatchObject({ prefix: "dwm", maxPayloadBytes: 8192 });
    expect(RtlsMqttOptions.parse({ format: "espresense" }).prefix).toBe("espresense");
    expect(rtlsTopicFilters({ format: "dwm", prefix: "a/b" })).toEqual(["a/b/node/+/uplink/location", "a/b/node/+/uplink/status"]);
    expect(RtlsMqttOptions.safeParse({ format: "dwm", prefix: "dwm/#" }).success).toBe(false);
    expect(RtlsMqttOptions.safeParse({ format: "uwb" }).success).toBe(false);
    expect(rtlsMqtt.capabilities(RtlsMqttOptions.parse({ format: "espresense" })).map((c) => c.name)).toEqual(["distance", "node_status", "malformed"]);
  });

  it("fails fatally without an mqtt transport", async () => {
    const d = rtlsMqtt.create({
      deviceId: "x",
      config: RtlsMqttOptions.parse({ format: "dwm" }),
      log: pino({ level: "silent" }),
      transport: null,
      store: { get: () => undefined, set: () => undefined },
      now: Date.now,
      emit: () => undefined,
    });
    await expect(d.start(new AbortController().signal)).rejects.toBeInstanceOf(FatalDriverError);
  });

  it("a flood of garbage gives one warn per interval and a counter every N, never a throw", async () => {
    let now = 0;
    const rec = recordingLease();
    const { log, lines } = logSink();
    const out: DeviceMessage[] = [];
    const d = rtlsMqtt.create({
      deviceId: "x",
      config: RtlsMqttOptions.parse({ format: "dwm", malformedReportEvery: 250 }),
      log,
      transport: rec.lease,
      store: { get: () => undefined, set: () => undefined },
      now: () => now,
      emit: (m) => out.push(m),
    });
    await d.start(new AbortController().signal);
    for (let i = 0; i < 1000; i++) {
      now += 5; // 5 s of garbage at 200 messages/s
      rec.push("dwm/node/0f07/uplink/location", i % 2 ? "\u0000\u0001" : '{"position":null}');
    }
    now += 10_000;
    rec.push("dwm/node/0f07/uplink/location", "{");
    rec.push("dwm/node/0f07/uplink/location", '{"position":{"x":1,"y":2}}');
    await d.stop("shutdown");

    const warns = lines.filter((l) => l.level === 40);
    expect(warns.map((w) => w.suppressed)).toEqual([0, 999]);
    const counts = out.filter((m) => m.type === "state").map((m) => (m.type === "state" ? m.values.malformed : 0));
    expect(counts).toEqual([1, 250, 500, 750, 1000, 1001]);
    expect(out.filter((m) => m.type === "observation")).toHaveLength(1);
  });
});
