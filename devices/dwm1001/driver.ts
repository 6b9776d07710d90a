import type { DeviceDriver, DriverContext, Observation } from "../../src/drivers/contract.js";
import { PolledAvailability, PollLoop, requireSerialLease, type SerialLease } from "../../src/drivers/polling.js";
import type { SerialHandle } from "../../src/transports/serial.js";
import { CMD, decodeLocation, decodeNodeId, decodeStatus, encodeRequest, ERROR_TEXT, type DwmResponse, type Location } from "./codec.js";
import type { Dwm1001Options } from "./definition.js";
import { responseComplete, scanResponse } from "./frame-reader.js";

/** The module answered, but with an error code (busy, not permitted …). */
class DwmErrorReply extends Error {
  override name = "DwmErrorReply";
  constructor(readonly command: number, readonly code: number) {
    super(`command 0x${command.toString(16).padStart(2, "0")} answered error ${code} (${ERROR_TEXT[code] ?? "unknown"})`);
  }
}

/** One request and its reply, inside a bus turn: noise before the reply is skipped by the scan. */
async function ask(h: SerialHandle, command: number, timeoutMs: number): Promise<DwmResponse> {
  const reply = await h.request(encodeRequest(command), responseComplete(command), timeoutMs);
  const r = scanResponse(reply, command);
  if (r.kind !== "complete") throw new Error("reply vanished between framing and decoding"); // cannot happen: same scan
  if (r.response.error !== 0) throw new DwmErrorReply(command, r.response.error);
  return r.response;
}

export function createDwm1001Driver(ctx: DriverContext<Dwm1001Options>): DeviceDriver {
  const o = ctx.config;
  const availability = new PolledAvailability((m) => ctx.emit(m), o.missedPolls);
  const reported: Record<string, unknown> = {};
  let lease: SerialLease | null = null;
  let offState: (() => void) | null = null;
  let nodeId: string | null = null;
  let polls = 0;
  let lastFault = "";
  const stopping = new AbortController();

  /** State is published retained: send only what changed. */
  const report = (values: Record<string, unknown>) => {
    const changed = Object.fromEntries(Object.entries(values).filter(([k, v]) => reported[k] !== v));
    if (Object.keys(changed).length === 0) return;
    Object.assign(reported, changed);
    ctx.emit({ type: "state", values: changed });
  };

  const observe = (loc: Location, selfId: string) => {
    if (loc.ranging.kind === "anchors") {
      const p = loc.position;
      if (p.quality < o.minQuality) return;
      const obs: Observation = { kind: "coordinates", tagId: selfId, x: p.x / 1000, y: p.y / 1000, z: p.z / 1000, quality: p.quality, method: "uwb" };
      if (o.floor !== undefined) obs.floor = o.floor;
      ctx.emit({ type: "observation", observation: obs });
      return;
    }
    for (const t of loc.ranging.tags) {
      if (t.quality < o.minQuality) continue;
      ctx.emit({ type: "observation", observation: { kind: "reader", tagId: t.tagId, readerId: selfId, method: "uwb" } });
    }
  };

  const readAll = async (h: SerialHandle) => {
    const values: Record<string, unknown> = {};
    if (nodeId === null) {
      nodeId = decodeNodeId(await ask(h, CMD.NODE_ID_GET, o.timeoutMs));
      if (nodeId !== null) values.node_id = nodeId;
    }
    if (polls++ % o.statusEvery === 0) {
      const status = decodeStatus(await ask(h, CMD.STATUS_GET, o.timeoutMs));
      if (status) values.uwb_joined = status.uwbmacJoined;
    }
    const loc = decodeLocation(await ask(h, CMD.LOC_GET, o.timeoutMs));
    return { values, loc };
  };

  const poll = async () => {
    if (!lease) return;
    if (lease.state !== "open") return availability.transport(lease.state);
    try {
      const { values, loc } = await lease.exclusive(readAll, { signal: stopping.signal });
      availability.answered();
      lastFault = "";
      if (loc) {
        values.role = loc.ranging.kind === "anchors" ? "tag" : "anchor";
        values.in_range = loc.ranging.kind === "anchors" ? loc.ranging.anchors.length : loc.ranging.tags.length;
      }
      report(values);
      const selfId = o.tagId ?? (nodeId !== null ? nodeId.slice(-4) : null); // short id = low 16 bits
      if (loc && selfId) observe(loc, selfId);
    } catch (err) {
      if (stopping.signal.aborted) return;
      const e = err instanceof Error ? err : new Error(String(err));
      if (e instanceof DwmErrorReply) availability.answered();
      else availability.missed(e.message);
      if (e.message !== lastFault) ctx.log.warn({ err: e.message }, "poll failed");
      lastFault = e.message;
    }
  };

  const loop = new PollLoop(poll, o.pollMs, (err) => ctx.log.error({ err }, "poll failed unexpectedly"));

  return {
    async start() {
      lease = requireSerialLease(ctx.transport, ctx.deviceId);
      offState = lease.onStateChange((s) => {
        availability.transport(s);
        if (s !== "open") nodeId = null; // a re-plugged port may have another module behind it
      });
      loop.start();
    },
    async stop() {
      stopping.abort();
      await loop.stop();
      offState?.();
      offState = null;
    },
  };
}
