import type { DeviceDriver, DriverContext } from "../../src/drivers/contract.js";
import { FatalDriverError, NotReadyError } from "../../src/core/errors.js";
import type { LeaseState, TransportLease } from "../../src/transports/lease.js";
import { decodeRtls, type RtlsDecoded } from "./codec.js";
import type { RtlsMqttOptions } from "./definition.js";
import { MalformedCounter } from "../../src/drivers/malformed.js";

/**
 * The part of the local-broker lease handle this driver uses. The MQTT transport owns the
 * connection, resubscribes after reconnects and fans messages out to every subscriber.
 */
export interface MqttSubscribeHandle {
  subscribe(filter: string, onMessage: (topic: string, payload: Buffer) => void): () => void;
  publish(topic: string, payload: string | Buffer, opts?: { qos?: 0 | 1 | 2; retain?: boolean }): unknown;
}

/** Topic filters the driver subscribes to for these options. */
export function rtlsTopicFilters(o: Pick<RtlsMqttOptions, "format" | "prefix">): string[] {
  return o.format === "dwm"
    ? [`${o.prefix}/node/+/uplink/location`, `${o.prefix}/node/+/uplink/status`]
    : [`${o.prefix}/devices/+/+`, `${o.prefix}/rooms/+/status`];
}

function isSubscribeHandle(h: unknown): h is MqttSubscribeHandle {
  return typeof h === "object" && h !== null && typeof (h as MqttSubscribeHandle).subscribe === "function";
}

/**
 * Subscribe all filters through the lease. Pooled leases carry the handle directly (MQTT has no
 * request/response discipline to queue for); otherwise it is borrowed once through `exclusive`.
 */
async function subscribeAll(
  lease: TransportLease<unknown>,
  filters: readonly string[],
  onMessage: (topic: string, payload: Buffer) => void,
  signal: AbortSignal,
): Promise<Array<() => void>> {
  const subscribeWith = async (h: unknown): Promise<Array<() => void>> => {
    if (!isSubscribeHandle(h)) throw new FatalDriverError("the mqtt transport handle has no subscribe()");
    const done: Array<() => void> = [];
    try {
      for (const f of filters) done.push(h.subscribe(f, onMessage));
    } catch (e) {
      for (const u of done) u();
      throw new FatalDriverError(`cannot subscribe: ${(e as Error).message}`);
    }
    return done;
  };
  const direct = (lease as { handle?: unknown }).handle;
  if (direct !== undefined) return subscribeWith(direct);
  try {
    return await lease.exclusive(subscribeWith, { signal });
  } catch (e) {
    if (e instanceof FatalDriverError) throw e;
    throw new NotReadyError(`cannot subscribe on the local broker: ${(e as Error).message}`);
  }
}

export function createRtlsMqttDriver(ctx: DriverContext<RtlsMqttOptions>): DeviceDriver {
  const o = ctx.config;
  const filter = o.nodeFilter ? new Set(o.nodeFilter.map((n) => (o.format === "dwm" ? n.toLowerCase() : n))) : undefined;
  const nodes: Record<string, "online" | "offline"> = {};
  const malformed = new MalformedCounter({
    log: ctx.log,
    now: ctx.now,
    reportEvery: o.malformedReportEvery,
    report: (values) => ctx.emit({ type: "state", values }),
  });
  let unsubscribes: Array<() => void> = [];
  let offState: (() => void) | undefined;
  let running = false;

  const accepted = (node: string): boolean => !filter || filter.has(node);

  const handle = (d: RtlsDecoded, topic: string): void => {
    switch (d.kind) {
      case "error":
        malformed.add(d.reason, topic);
        return;
      case "ignored":
        return;
      case "observation": {
        const ob = d.observation;
        if (!accepted(ob.kind === "ble" ? ob.nodeId : ob.tagId)) return;
        if (ob.kind === "coordinates" && o.minQuality !== undefined && (ob.quality ?? 0) < o.minQuality) return;
        ctx.emit({ type: "observation", observation: ob });
        return;
      }
      case "event":
        if (!accepted(String(d.data.tagId ?? ""))) return;
        ctx.emit({ type: "event", name: d.name, data: d.data, ...(d.deviceTime !== undefined ? { deviceTime: d.deviceTime } : {}) });
        return;
      case "node-status": {
        if (!accepted(d.nodeId)) return;
        const status = d.online ? "online" : "offline";
        if (nodes[d.nodeId] === status) return;
        nodes[d.nodeId] = status;
        ctx.emit({ type: "event", name: "node_status", data: { node: d.nodeId, status } });
        ctx.emit({ type: "state", values: { nodes: { ...nodes } } });
        return;
      }
    }
  };

  const onMessage = (topic: string, payload: Buffer): void => {
    if (!running) return;
    try {
      handle(decodeRtls(o.format, topic, payload, o.maxPayloadBytes), topic);
    } catch (e) {
      // The codec does not throw; this guards the emit path so one message never stops the stream.
      malformed.add(`unexpected: ${(e as Error).message}`, topic);
    }
  };

  const onLeaseState = (s: LeaseState): void => {
    ctx.emit(s === "open" ? { type: "availability", online: true } : { type: "availability", online: false, reason: `local broker ${s}` });
  };

  return {
    async start(signal) {
      const lease = ctx.transport;
      if (!lease || lease.kind !== "mqtt") throw new FatalDriverError("rtls-mqtt needs an mqtt transport");
      running = true;
      try {
        unsubscribes = await subscribeAll(lease, rtlsTopicFilters(o), onMessage, signal);
      } catch (e) {
        running = false;
        throw e;
      }
      offState = lease.onStateChange(onLeaseState);
      onLeaseState(lease.state);
      ctx.log.info({ filters: rtlsTopicFilters(o) }, "rtls-mqtt subscribed");
    },
    async stop() {
      running = false;
      offState?.();
      offState = undefined;
      for (const u of unsubscribes) {
        try {
          u();
        } catch (e) {
          ctx.log.debug({ err: e }, "unsubscribe failed");
        }
      }
      unsubscribes = [];
      malformed.flush();
    },
  };
}
