import { systemClock, type Clock, type TimerHandle } from "../../src/core/clock.js";
import { FatalDriverError } from "../../src/core/errors.js";
import type { Command, CommandResult, DeviceDriver, DriverContext } from "../../src/drivers/contract.js";
import type { LeaseState, TransportLease } from "../../src/transports/lease.js";
import type { MqttHandle } from "../../src/transports/mqtt-local.js";
import { MalformedCounter } from "../../src/drivers/malformed.js";
import { decodeFrigate, frigateTopicFilters } from "./codec.js";
import { planCommand } from "./commands.js";
import type { FrigateOptions } from "./definition.js";
import { FrigateSession } from "./session.js";

export interface FrigateDriverDeps {
  /** Timers for repeating headcounts (FakeClock in tests). */
  readonly clock?: Clock;
}

export function frigateFilters(o: FrigateOptions): string[] {
  return frigateTopicFilters(o.prefix, Object.keys(o.cameras), o.headcountLabel, o.reviews, o.objects);
}

/** The broker handle of an MQTT lease; leases from the transport pool always carry it. */
function mqttHandle(lease: TransportLease<unknown> | null, deviceId: string): MqttHandle {
  const h = lease?.kind === "mqtt" ? (lease.handle as Partial<MqttHandle> | undefined) : undefined;
  if (!h || typeof h.subscribe !== "function" || typeof h.publish !== "function") {
    throw new FatalDriverError(`device ${deviceId} needs the mqtt transport (transport: { kind: mqtt })`);
  }
  return h as MqttHandle;
}

/**
 * Publishes unless `signal` has aborted, and rejects when it aborts before the broker took the
 * message: nothing is sent, or reported done, after the deadline.
 */
function publishBefore(handle: MqttHandle, m: { topic: string; payload: string }, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Error("deadline passed"));
  const p = handle.publish(m.topic, m.payload, { qos: 1 });
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new Error("deadline passed"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Frigate over the local broker: subscribes to its topics, keeps what it said in a
 * FrigateSession and reports changes; switches recording per camera on command.
 */
export function createFrigateDriver(ctx: DriverContext<FrigateOptions>, deps: FrigateDriverDeps = {}): DeviceDriver {
  const o = ctx.config;
  const clock = deps.clock ?? systemClock;
  const repeatMs = o.headcountRepeatS * 1000;
  const session = new FrigateSession(o, ctx.deviceId, (m) => ctx.emit(m), () => clock.monotonic(), ctx.log);
  const malformed = new MalformedCounter({ log: ctx.log, now: ctx.now, reportEvery: o.malformedReportEvery, report: (values) => ctx.emit({ type: "state", values }) });
  let handle: MqttHandle | null = null;
  const undos: Array<() => void> = [];
  let timer: TimerHandle | undefined;
  let running = false;

  const onMessage = (topic: string, payload: Buffer): void => {
    if (!running) return;
    try {
      const d = decodeFrigate(o.prefix, topic, payload, o.maxPayloadBytes);
      if (d.kind === "error") malformed.add(d.reason, topic);
      else session.handle(d);
    } catch (e) {
      // The codec does not throw; this guards the emit path so one message never stops the stream.
      malformed.add(`unexpected: ${(e as Error).message}`, topic);
    }
  };

  // A quarter of the interval between checks: a count is at most 1.25 intervals old.
  const scheduleRepeat = (): void => {
    if (!running || repeatMs === 0) return;
    timer = clock.setTimeout(() => {
      session.repeatHeadcounts(repeatMs);
      scheduleRepeat();
    }, repeatMs / 4);
  };

  const onLeaseState = (s: LeaseState): void => session.transport(s === "open", s);

  return {
    async start() {
      handle = mqttHandle(ctx.transport, ctx.deviceId);
      const lease = ctx.transport!;
      running = true;
      try {
        for (const f of frigateFilters(o)) undos.push(handle.subscribe(f, onMessage));
      } catch (e) {
        running = false;
        for (const undo of undos.splice(0)) undo();
        throw new FatalDriverError(`cannot subscribe: ${(e as Error).message}`);
      }
      undos.push(lease.onStateChange(onLeaseState));
      onLeaseState(lease.state);
      scheduleRepeat();
      ctx.log.info({ filters: frigateFilters(o) }, "frigate subscribed");
    },

    async stop() {
      running = false;
      if (timer) clock.clearTimeout(timer);
      timer = undefined;
      // Subscriptions and the lease watch; one failing undo must not keep the others.
      for (const undo of undos.splice(0)) {
        try {
          undo();
        } catch (e) {
          ctx.log.debug({ err: e }, "unsubscribe failed");
        }
      }
      malformed.flush();
    },

    async command(cmd: Command, signal: AbortSignal): Promise<CommandResult> {
      const plan = planCommand(cmd.values, o.prefix, o.cameras);
      if (!("kind" in plan)) return plan;
      if (!handle || !running) return { status: "error", code: "offline", message: "driver not started" };
      if (ctx.transport?.state !== "open") return { status: "error", code: "offline", message: `local broker ${ctx.transport?.state ?? "missing"}` };
      try {
        for (const m of plan.messages) await publishBefore(handle, m, signal);
      } catch (e) {
        return signal.aborted ? { status: "error", code: "timeout", message: "deadline passed before the broker took the command" } : { status: "error", code: "offline", message: (e as Error).message };
      }
      ctx.log.info({ cameras: plan.cameras, recording: plan.recording, by: cmd.requestedBy, reason: cmd.reason }, "frigate recording switched");
      // Frigate confirms on <camera>/recordings/state, which becomes RECORDER_STATUS like any change.
      return { status: "ok", state: { requested: Object.fromEntries(plan.cameras.map((c) => [c, plan.recording])) } };
    },
  };
}
