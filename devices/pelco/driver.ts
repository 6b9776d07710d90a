import type { Command, CommandResult, DeviceDriver, DriverContext } from "../../src/drivers/contract.js";
import { requireSerialLease, type SerialLease } from "../../src/drivers/polling.js";
import { StaleRequestError } from "../../src/transports/request-bus.js";
import { encodePelco, type PtzCommand } from "./codec.js";
import { parsePtzCommand } from "./commands.js";
import type { PelcoOptions } from "./definition.js";

/**
 * A frame is 7–8 bytes, milliseconds on the wire even at 2400 baud. A write that takes longer
 * means the port went away under it (seen on PTYs: the write callback never comes), and the bus
 * turn must not be held forever.
 */
export const WRITE_TIMEOUT_MS = 1_000;

function writeWithin(write: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`serial write did not complete within ${ms} ms`)), ms);
  });
  return Promise.race([write, late]).finally(() => clearTimeout(timer));
}

/**
 * Writes Pelco frames for one camera. The camera does not answer (Pelco-D replies are optional
 * and often not wired back), so there is nothing to poll: availability is the serial port's,
 * decided by the core. Frames go out in an exclusive bus turn, so cameras sharing the line
 * never get interleaved bytes.
 */
export function createPelcoDriver(ctx: DriverContext<PelcoOptions>): DeviceDriver {
  const o = ctx.config;
  const address = o.address + o.addressOffset;
  let lease: SerialLease | null = null;
  let autoStop: NodeJS.Timeout | null = null;

  const send = (cmd: PtzCommand, opts: { deadline?: number; signal?: AbortSignal }) => {
    if (!lease) return Promise.reject(new Error("driver not started"));
    const frame = encodePelco(o.protocol, address, cmd);
    return lease.exclusive(async (h) => {
      if (opts.deadline !== undefined && ctx.now() >= opts.deadline) throw new StaleRequestError(lease!.key, opts.deadline);
      await writeWithin(h.write(frame), WRITE_TIMEOUT_MS);
    }, opts);
  };

  const cancelAutoStop = () => {
    if (autoStop) clearTimeout(autoStop);
    autoStop = null;
  };

  const sendStop = () =>
    send({ kind: "stop" }, {}).then(
      () => ctx.emit({ type: "state", values: { moving: false } }),
      (err) => ctx.log.error({ err }, "could not send stop to the camera; it may still be moving"),
    );

  return {
    async start() {
      lease = requireSerialLease(ctx.transport, ctx.deviceId);
    },

    async stop() {
      // A camera told to move for a while must not keep moving because we went away.
      if (autoStop) {
        cancelAutoStop();
        await sendStop();
      }
    },

    async command(cmd: Command, signal: AbortSignal): Promise<CommandResult> {
      const parsed = parsePtzCommand(cmd.values, o.defaultSpeed);
      if (!parsed.ok) return { status: "error", code: "invalid", message: parsed.message };
      if (!lease || lease.state !== "open") return { status: "error", code: "offline", message: `serial port ${lease?.key ?? ""} is ${lease?.state ?? "not acquired"}` };
      cancelAutoStop();
      try {
        await send(parsed.command, { deadline: cmd.deadline, signal });
      } catch (err) {
        if (err instanceof StaleRequestError) return { status: "error", code: "timeout", message: err.message };
        // Nothing answers on this line, so a failed write can only be the port (gone, EIO).
        return { status: "error", code: "offline", message: err instanceof Error ? err.message : String(err) };
      }
      const c = parsed.command;
      const state: Record<string, unknown> = {};
      if (c.kind === "preset" && c.action === "goto") state.preset = c.preset;
      if (c.kind === "move" || c.kind === "stop") state.moving = c.kind === "move";
      if (parsed.stopAfterMs !== undefined) {
        autoStop = setTimeout(() => {
          autoStop = null;
          void sendStop();
        }, parsed.stopAfterMs);
      }
      if (Object.keys(state).length) ctx.emit({ type: "state", values: state });
      return { status: "ok", state };
    },
  };
}
