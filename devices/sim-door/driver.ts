import type { Command, CommandResult, DeviceDriver, DriverContext } from "../../src/drivers/contract.js";
import type { SimDoorOptions, SimDoorPoint } from "./definition.js";
import { registerPanel, type SimDoorPanel } from "./panel.js";

export function createSimDoorDriver(ctx: DriverContext<SimDoorOptions>): DeviceDriver {
  return new SimDoorController(ctx);
}

type LockWord = "lock" | "unlock" | "pulse";
const LOCK_WORDS = new Set<unknown>(["lock", "unlock", "pulse"]);

/**
 * One simulated controller. Its truth is `locks`, `contacts` and `inputs`; it reports changes
 * while online and stays silent while offline, reporting everything again when it is back.
 */
class SimDoorController implements DeviceDriver, SimDoorPanel {
  readonly deviceId: string;
  readonly received: Array<{ at: number; id: string; values: Readonly<Record<string, unknown>> }> = [];
  private readonly o: SimDoorOptions;
  private readonly locks = new Map<string, boolean>();
  private readonly contacts = new Map<string, boolean>();
  private readonly inputs = new Map<string, boolean>();
  private readonly byLock = new Map<string, SimDoorPoint>();
  private readonly pulses = new Map<string, NodeJS.Timeout>();
  private readonly bounces = new Map<string, NodeJS.Timeout[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private watchdog: NodeJS.Timeout | null = null;
  private online = false;
  private unregister: (() => void) | null = null;

  constructor(private readonly ctx: DriverContext<SimDoorOptions>) {
    this.deviceId = ctx.deviceId;
    this.o = ctx.config;
    for (const d of this.o.doors) {
      this.locks.set(d.lock, d.locked);
      this.contacts.set(d.contact, d.open);
      this.byLock.set(d.lock, d);
      if (d.requestToExit) this.inputs.set(d.requestToExit, false);
    }
    for (const i of this.o.inputs) this.inputs.set(i, false);
  }

  async start(): Promise<void> {
    this.unregister = registerPanel(this);
    for (const w of this.o.offline) {
      this.later(() => this.goOffline(w.power), w.atMs);
      this.later(() => this.goOnline(), w.atMs + w.forMs);
    }
    this.feedWatchdog();
    this.goOnline();
  }

  async stop(): Promise<void> {
    for (const t of [...this.timers, ...this.pulses.values(), ...[...this.bounces.values()].flat()]) clearTimeout(t);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.timers.clear();
    this.pulses.clear();
    this.bounces.clear();
    this.unregister?.();
    this.online = false;
  }

  async command(cmd: Command, signal: AbortSignal): Promise<CommandResult> {
    this.received.push({ at: performance.now(), id: cmd.id, values: cmd.values });
    if (!this.online) return { status: "error", code: "offline", message: `${this.deviceId} does not answer` };
    if (this.ctx.now() >= cmd.deadline) return { status: "error", code: "timeout", message: "deadline passed before the controller got it" };
    const parsed = this.parse(cmd.values);
    if (typeof parsed === "string") return { status: "error", code: "invalid", message: parsed };
    if (cmd.values.heartbeat === true) this.feedWatchdog();
    if (parsed.length === 0) return { status: "ok" };
    if (!(await this.wait(this.o.latencyMs, signal))) return { status: "error", code: "timeout", message: "aborted before the lock moved" };
    if (!this.online) return { status: "error", code: "offline", message: `${this.deviceId} went offline before acting` };
    if (this.ctx.now() > cmd.deadline) return { status: "error", code: "timeout", message: "deadline passed: not acted" };
    const ms = typeof cmd.values.ms === "number" ? cmd.values.ms : this.o.pulseMs;
    const state: Record<string, unknown> = {};
    for (const [point, word] of parsed) {
      clearTimeout(this.pulses.get(point));
      this.pulses.delete(point);
      this.locks.set(point, word === "lock");
      if (word === "pulse") {
        this.pulses.set(
          point,
          setTimeout(() => {
            this.pulses.delete(point);
            this.setLock(point, true);
          }, ms),
        );
      }
      state[point] = word === "lock" ? "locked" : "unlocked";
    }
    this.report(state);
    return { status: "ok", state };
  }

  async read(names: readonly string[]): Promise<Record<string, unknown>> {
    if (!this.online) throw new Error(`${this.deviceId} does not answer`);
    const all = this.physical();
    return Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]]));
  }

  // ── the physical side (SimDoorPanel) ──

  open(contact: string): void {
    this.setContact(contact, true);
  }

  close(contact: string): void {
    this.setContact(contact, false);
  }

  pressExit(button: string, ms = 300): void {
    this.setInput(button, true);
    this.later(() => this.setInput(button, false), ms);
  }

  setInput(name: string, active: boolean): void {
    if (!this.inputs.has(name)) throw new Error(`${this.deviceId} has no input "${name}"`);
    if (this.inputs.get(name) === active) return;
    this.inputs.set(name, active);
    this.report({ [name]: active });
  }

  goOffline(power = false): void {
    if (power) {
      for (const [point, d] of this.byLock) if (d.onPowerLoss === "unlock") this.locks.set(point, false);
      for (const t of this.pulses.values()) clearTimeout(t);
      this.pulses.clear();
    }
    if (!this.online) return;
    this.online = false;
    this.ctx.emit({ type: "availability", online: false, reason: power ? "power lost" : "no answer" });
  }

  goOnline(): void {
    if (this.online) return;
    this.online = true;
    this.ctx.emit({ type: "availability", online: true });
    this.ctx.emit({ type: "state", values: this.physical() });
  }

  physical(): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [p, locked] of this.locks) values[p] = locked ? "locked" : "unlocked";
    for (const [p, open] of this.contacts) values[p] = open ? "open" : "closed";
    for (const [p, active] of this.inputs) values[p] = active;
    return values;
  }

  // ── internals ──

  private parse(values: Readonly<Record<string, unknown>>): Array<[string, LockWord]> | string {
    const out: Array<[string, LockWord]> = [];
    for (const [key, value] of Object.entries(values)) {
      if (key === "ms" || key === "heartbeat") continue;
      if (!this.byLock.has(key)) return `unknown lock "${key}" (locks: ${[...this.byLock.keys()].join(", ") || "none"})`;
      if (!LOCK_WORDS.has(value)) return `"${key}" takes lock, unlock or pulse, not ${JSON.stringify(value)}`;
      out.push([key, value as LockWord]);
    }
    return out;
  }

  private setLock(point: string, locked: boolean): void {
    this.locks.set(point, locked);
    this.report({ [point]: locked ? "locked" : "unlocked" });
  }

  /** A contact settles at once, but reports a few bounces on the way (reed contacts chatter). */
  private setContact(contact: string, open: boolean): void {
    if (!this.contacts.has(contact)) throw new Error(`${this.deviceId} has no contact "${contact}"`);
    for (const t of this.bounces.get(contact) ?? []) clearTimeout(t);
    this.bounces.delete(contact);
    this.contacts.set(contact, open);
    const word = (o: boolean) => (o ? "open" : "closed");
    this.report({ [contact]: word(open) });
    if (this.o.bounceMs <= 0) return;
    const b = this.o.bounceMs;
    this.bounces.set(contact, [
      setTimeout(() => this.report({ [contact]: word(!open) }), Math.max(1, Math.round(b / 3))),
      setTimeout(() => this.report({ [contact]: word(open) }), Math.max(2, Math.round((2 * b) / 3))),
    ]);
  }

  private report(values: Record<string, unknown>): void {
    if (this.online) this.ctx.emit({ type: "state", values });
  }

  /** Without heartbeats the board drops its outputs to their power-loss state (a deadman). */
  private feedWatchdog(): void {
    if (this.o.heartbeatTimeoutMs <= 0) return;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      this.ctx.log.warn("no heartbeat: outputs reverted to their power-loss state");
      for (const [point, d] of this.byLock) if (d.onPowerLoss === "unlock" && this.locks.get(point)) this.setLock(point, false);
    }, this.o.heartbeatTimeoutMs);
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Resolves false when aborted first. */
  private wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!signal.aborted);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        resolve(false);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
