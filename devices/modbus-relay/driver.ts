import type { Command, CommandResult, DeviceDriver, DriverContext } from "../../src/drivers/contract.js";
import { PolledAvailability, PollLoop, requireSerialLease, type SerialLease } from "../../src/drivers/polling.js";
import { StaleRequestError } from "../../src/transports/request-bus.js";
import type { SerialHandle } from "../../src/transports/serial.js";
import { blockFor, coilWord, inputChanges, namedBits, parseCommand, type BitBlock, type CoilAction } from "./codec.js";
import { INPUT_CHANGED, type ModbusRelayOptions } from "./definition.js";
import { EXCEPTION_TEXT, modbusFailure, modbusTurn, type ModbusClient } from "./modbus-turn.js";
import { PulseOff } from "./pulse-off.js";

interface Reading {
  inputs?: Record<string, boolean>;
  coils?: Record<string, boolean>;
}

class DeadlinePassed extends Error {
  override name = "DeadlinePassed";
}

export function createModbusRelayDriver(ctx: DriverContext<ModbusRelayOptions>): DeviceDriver {
  return new ModbusRelayDriver(ctx);
}

/**
 * Polls one board's discrete inputs (and coils) on the shared serial lease, reports changes,
 * and switches coils on command. The board decides availability: it is online while it answers.
 */
class ModbusRelayDriver implements DeviceDriver {
  private lease: SerialLease | null = null;
  private readonly o: ModbusRelayOptions;
  private readonly availability: PolledAvailability;
  private readonly loop: PollLoop;
  private readonly pulses: PulseOff;
  private readonly inputBlock: BitBlock | null;
  private readonly coilBlock: BitBlock | null;
  private inputs: Record<string, boolean> | null = null;
  private coils: Record<string, boolean> = {};
  private readonly stopping = new AbortController();
  private offState: (() => void) | null = null;
  private lastFault = "";

  constructor(private readonly ctx: DriverContext<ModbusRelayOptions>) {
    this.o = ctx.config;
    this.availability = new PolledAvailability((m) => ctx.emit(m), this.o.missedPolls);
    this.loop = new PollLoop(() => this.poll(), this.o.pollMs, (err) => ctx.log.error({ err }, "poll failed unexpectedly"));
    this.pulses = new PulseOff(async (name, address) => {
      await this.write([{ name, address, action: "off" }], {});
      this.coils[name] = false;
      ctx.emit({ type: "state", values: { [name]: "off" } });
    }, ctx.log);
    this.inputBlock = blockFor(this.o.inputs);
    this.coilBlock = this.o.readCoils ? blockFor(this.o.coils) : null;
  }

  async start(): Promise<void> {
    const lease = requireSerialLease(this.ctx.transport, this.ctx.deviceId);
    this.lease = lease;
    this.offState = lease.onStateChange((s) => this.availability.transport(s));
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.pulses.flush();
    this.stopping.abort();
    this.offState?.();
    this.offState = null;
  }

  async command(cmd: Command, signal: AbortSignal): Promise<CommandResult> {
    const parsed = parseCommand(cmd.values, this.o.coils, this.o.pulseMs);
    if (!parsed.ok) return { status: "error", code: "invalid", message: parsed.message };
    const lease = this.lease;
    if (!lease || lease.state !== "open") return { status: "error", code: "offline", message: `serial port ${lease?.key ?? ""} is ${lease?.state ?? "not acquired"}` };
    for (const a of parsed.actions) this.pulses.cancel(a.name);
    try {
      await this.write(parsed.actions, { deadline: cmd.deadline, signal });
    } catch (err) {
      return this.commandError(err);
    }
    const state: Record<string, unknown> = {};
    for (const a of parsed.actions) {
      state[a.name] = coilWord(a.action !== "off");
      this.coils[a.name] = a.action !== "off";
      if (a.action === "pulse") this.pulses.schedule(a.name, a.address, a.ms);
    }
    this.ctx.emit({ type: "state", values: state });
    return { status: "ok", state };
  }

  async read(names: readonly string[], signal: AbortSignal): Promise<Record<string, unknown>> {
    const r = await this.turn((c) => this.readAll(c, true), { signal });
    this.availability.answered();
    this.apply(r);
    const all: Record<string, unknown> = { ...r.inputs };
    for (const [name, on] of Object.entries(r.coils ?? {})) all[name] = coilWord(on);
    return Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]]));
  }

  private turn<T>(fn: (c: ModbusClient) => Promise<T>, opts: { deadline?: number; signal?: AbortSignal }): Promise<T> {
    const lease = this.lease;
    if (!lease) return Promise.reject(new Error("driver not started"));
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.stopping.signal]) : this.stopping.signal;
    const run = (h: SerialHandle) =>
      modbusTurn({ path: h.path, write: (d) => h.write(d), onData: (cb) => lease.onData(cb) }, { unitId: this.o.slaveId, timeoutMs: this.o.timeoutMs }, fn);
    return lease.exclusive(run, opts.deadline === undefined ? { signal } : { signal, deadline: opts.deadline });
  }

  /** Write coils in order; none is written once `deadline` has passed. */
  private write(actions: readonly CoilAction[], opts: { deadline?: number; signal?: AbortSignal }): Promise<void> {
    return this.turn(async (c) => {
      for (const a of actions) {
        if (opts.deadline !== undefined && this.ctx.now() >= opts.deadline) throw new DeadlinePassed("command deadline passed before all outputs were written");
        await c.writeCoil(a.address, a.action !== "off");
      }
    }, opts);
  }

  private async readAll(c: ModbusClient, coilsToo = false): Promise<Reading> {
    const r: Reading = {};
    if (this.inputBlock) r.inputs = namedBits(this.o.inputs, this.inputBlock, (await c.readDiscreteInputs(this.inputBlock.start, this.inputBlock.count)).data);
    const coilBlock = coilsToo ? blockFor(this.o.coils) : this.coilBlock;
    if (coilBlock) r.coils = namedBits(this.o.coils, coilBlock, (await c.readCoils(coilBlock.start, coilBlock.count)).data);
    return r;
  }

  private async poll(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    if (lease.state !== "open") return this.availability.transport(lease.state);
    try {
      const r = await this.turn((c) => this.readAll(c), {});
      this.availability.answered();
      this.lastFault = "";
      this.apply(r);
    } catch (err) {
      if (this.stopping.signal.aborted) return;
      const f = modbusFailure(err);
      if (f.answered) this.availability.answered();
      else this.availability.missed(f.message);
      if (f.message !== this.lastFault) this.ctx.log.warn({ err: f.message, code: f.code, meaning: f.code && EXCEPTION_TEXT[f.code] }, "poll failed");
      this.lastFault = f.message;
    }
  }

  /** Emit what changed: state for new values, an event per changed input. */
  private apply(r: Reading): void {
    const values: Record<string, unknown> = {};
    if (r.inputs) {
      for (const ch of inputChanges(this.inputs, r.inputs)) {
        this.ctx.emit({ type: "event", name: INPUT_CHANGED, data: { input: ch.input, value: ch.value, previous: ch.previous } });
      }
      for (const [name, v] of Object.entries(r.inputs)) if (this.inputs?.[name] !== v) values[name] = v;
      this.inputs = { ...this.inputs, ...r.inputs };
    }
    for (const [name, on] of Object.entries(r.coils ?? {})) {
      // A pulsed output reads "on" until its off-write; report what the board says all the same.
      if (this.coils[name] !== on) values[name] = coilWord(on);
      this.coils[name] = on;
    }
    if (Object.keys(values).length > 0) this.ctx.emit({ type: "state", values });
  }

  private commandError(err: unknown): CommandResult {
    if (err instanceof StaleRequestError || err instanceof DeadlinePassed) return { status: "error", code: "timeout", message: err.message };
    const f = modbusFailure(err);
    if (f.answered) return { status: "error", code: "device", message: `board refused: exception ${f.code} (${EXCEPTION_TEXT[f.code!] ?? "unknown"})` };
    return { status: "error", code: "timeout", message: f.message };
  }
}
