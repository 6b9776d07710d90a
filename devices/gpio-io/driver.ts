import { systemClock, type Clock, type TimerHandle } from "../../src/core/clock.js";
import { FatalDriverError, NotReadyError } from "../../src/core/errors.js";
import type { Command, CommandResult, DeviceDriver, DriverContext } from "../../src/drivers/contract.js";
import type { GpioHandle, GpioLine, GpioValue } from "../../src/transports/gpio.js";
import type { TransportLease } from "../../src/transports/lease.js";
import { whenState } from "../../src/transports/when-state.js";
import { parseOutputCommand } from "./command.js";
import { DebouncedInput, type InputChange } from "./debounced-input.js";
import { INPUT_CHANGED, type GpioIoOptions } from "./definition.js";
import { PulseEnds } from "./pulse-ends.js";

export interface GpioIoDeps {
  /** Debounce, pulse and poll timers (FakeClock in tests). */
  clock?: Clock;
  /** How long start() waits for the chip before it reports not ready. */
  openTimeoutMs?: number;
}

type OutputConfig = GpioIoOptions["outputs"][string];
const word = (on: boolean): "on" | "off" => (on ? "on" : "off");

export function createGpioIoDriver(ctx: DriverContext<GpioIoOptions>, deps: GpioIoDeps = {}): DeviceDriver {
  return new GpioIoDriver(ctx, deps);
}

/**
 * Named GPIO outputs and inputs on one chip. Outputs are driven to their safe value at start and
 * stop, and reported as read back after every write. Inputs are reported on change, debounced,
 * from edge interrupts and (as a safety net, or where edges are not available) from polling.
 */
class GpioIoDriver implements DeviceDriver {
  private readonly clock: Clock;
  private readonly o: GpioIoOptions;
  private readonly outputs = new Map<string, { cfg: OutputConfig; line: GpioLine }>();
  private readonly inputs = new Map<string, { input: DebouncedInput; line: GpioLine; unwatch: () => void }>();
  private readonly pulses: PulseEnds;
  private readonly pulseMs: Map<string, number>;
  private pollTimer: TimerHandle | null = null;
  private running = false;
  /** Set when an input could not get edge interrupts (e.g. sysfs value files that cannot be polled). */
  private noEdges = false;

  constructor(
    private readonly ctx: DriverContext<GpioIoOptions>,
    private readonly deps: GpioIoDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.o = ctx.config;
    this.pulses = new PulseEnds(this.clock, (name) => this.drive(name, false).then(() => undefined), ctx.log);
    this.pulseMs = new Map(Object.entries(this.o.outputs).map(([name, cfg]) => [name, cfg.pulseMs]));
  }

  async start(signal: AbortSignal): Promise<void> {
    const lease = this.ctx.transport as TransportLease<GpioHandle> | null;
    if (!lease || lease.kind !== "gpio" || !lease.handle) throw new FatalDriverError("gpio-io needs a gpio transport");
    await whenState(lease, "open", { timeoutMs: this.deps.openTimeoutMs ?? 5_000, signal });
    this.running = true;
    try {
      await this.openLines(lease.handle);
    } catch (err) {
      await this.closeLines();
      this.running = false;
      throw err instanceof FatalDriverError ? err : new NotReadyError(`GPIO lines on ${lease.key} cannot be opened: ${(err as Error).message}`);
    }
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.pulses.cancelAll();
    for (const { input } of this.inputs.values()) input.cancel();
    await this.closeLines();
  }

  async command(cmd: Command, signal: AbortSignal): Promise<CommandResult> {
    const parsed = parseOutputCommand(cmd.values, this.pulseMs);
    if (!parsed.ok) return { status: "error", code: "invalid", message: parsed.message };
    if (!this.running) return { status: "error", code: "offline", message: "gpio-io is not running" };
    const state: Record<string, unknown> = {};
    for (const a of parsed.actions) {
      if (signal.aborted || this.ctx.now() >= cmd.deadline) {
        const done = Object.keys(state);
        return { status: "error", code: "timeout", message: `deadline passed before "${a.output}" was written${done.length ? ` (already written: ${done.join(", ")})` : ""}` };
      }
      this.pulses.cancel(a.output);
      try {
        const on = a.action !== "off";
        const readBack = await this.drive(a.output, on);
        state[a.output] = word(readBack);
        if (readBack !== on) return { status: "error", code: "device", message: `"${a.output}" reads back ${word(readBack)} after writing ${word(on)}` };
      } catch (err) {
        return { status: "error", code: "device", message: `writing "${a.output}" failed: ${(err as Error).message}` };
      }
      if (a.action === "pulse") this.pulses.schedule(a.output, a.ms);
    }
    return { status: "ok", state };
  }

  async read(names: readonly string[]): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {};
    for (const name of names) {
      const out = this.outputs.get(name);
      if (out) values[name] = word(this.level(out.cfg, await out.line.read()));
      const inp = this.inputs.get(name);
      if (inp) values[name] = inp.input.logical(await inp.line.read());
    }
    return values;
  }

  private async openLines(gpio: GpioHandle): Promise<void> {
    const initial: Record<string, unknown> = {};
    for (const [name, cfg] of Object.entries(this.o.outputs)) {
      const line = await gpio.open(cfg.line, "out");
      this.outputs.set(name, { cfg, line });
      initial[name] = word(await this.write(name, cfg.safe === "on"));
    }
    for (const [name, cfg] of Object.entries(this.o.inputs)) {
      const input = new DebouncedInput(name, cfg, this.clock, (c) => this.changed(c));
      // Both edges always: debouncing needs to see the line settle either way; cfg.edge filters events.
      const line = await gpio.open(cfg.line, "in", "both");
      const entry = { input, line, unwatch: () => {} };
      this.inputs.set(name, entry);
      input.initial(await line.read());
      initial[name] = input.value;
      entry.unwatch = this.watch(name, line, input);
    }
    this.ctx.emit({ type: "state", values: initial });
  }

  /** Edge interrupts where the backend has them; otherwise polling alone. */
  private watch(name: string, line: GpioLine, input: DebouncedInput): () => void {
    try {
      return line.watch((v) => {
        if (this.running) input.edge(v);
      });
    } catch (err) {
      this.ctx.log.warn({ err, input: name, pollMs: this.pollInterval() }, "edge interrupts unavailable on this input; polling it");
      this.noEdges = true;
      return () => {};
    }
  }

  /** Polling is a safety net (pollMs); when edges are unavailable it is the only source, at least every second. */
  private pollInterval(): number {
    return this.o.pollMs > 0 ? this.o.pollMs : this.noEdges ? 1_000 : 0;
  }

  private schedulePoll(): void {
    const ms = this.pollInterval();
    if (!this.running || ms === 0 || this.inputs.size === 0) return;
    this.pollTimer = this.clock.setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    this.pollTimer = null;
    for (const [name, { input, line }] of this.inputs) {
      if (!this.running) return;
      try {
        input.poll(await line.read());
      } catch (err) {
        this.ctx.log.warn({ err, input: name }, "reading a GPIO input failed");
      }
    }
    this.schedulePoll();
  }

  private changed(c: InputChange): void {
    this.ctx.emit({ type: "state", values: { [c.input]: c.value } });
    if (c.event) this.ctx.emit({ type: "event", name: INPUT_CHANGED, data: { input: c.input, value: c.value, previous: c.previous } });
  }

  /** Write and report an output; resolves with its read-back level (true = on). */
  private async drive(name: string, on: boolean): Promise<boolean> {
    const readBack = await this.write(name, on);
    this.ctx.emit({ type: "state", values: { [name]: word(readBack) } });
    return readBack;
  }

  private async write(name: string, on: boolean): Promise<boolean> {
    const out = this.outputs.get(name);
    if (!out) throw new Error(`output "${name}" is not open`);
    await out.line.write(on !== out.cfg.activeLow ? 1 : 0);
    return this.level(out.cfg, await out.line.read());
  }

  private level(cfg: { activeLow: boolean }, raw: GpioValue): boolean {
    return (raw === 1) !== cfg.activeLow;
  }

  /** Outputs back to their safe value (reported as read back), then every line closed (unexported on sysfs). */
  private async closeLines(): Promise<void> {
    const safe: Record<string, unknown> = {};
    for (const name of this.outputs.keys()) {
      const cfg = this.outputs.get(name)!.cfg;
      await this.write(name, cfg.safe === "on").then(
        (readBack) => (safe[name] = word(readBack)),
        (err) => this.ctx.log.error({ err, output: name }, "could not return an output to its safe value"),
      );
    }
    if (Object.keys(safe).length > 0) this.ctx.emit({ type: "state", values: safe });
    for (const { unwatch, line } of this.inputs.values()) {
      unwatch();
      await line.close().catch(() => {});
    }
    for (const { line } of this.outputs.values()) await line.close().catch(() => {});
    this.outputs.clear();
    this.inputs.clear();
  }
}
