import { randomBytes } from "node:crypto";
import { systemClock, type Clock, type TimerHandle } from "../../src/core/clock.js";
import { FatalDriverError } from "../../src/core/errors.js";
import type { Command, CommandResult, DeviceDriver, DeviceMessage, DriverContext } from "../../src/drivers/contract.js";
import type { TransportLease } from "../../src/transports/lease.js";
import { parseAction } from "./actions.js";
import { Cmd } from "./commands.js";
import type { OsdpOptions } from "./definition.js";
import { Exchanger, isWritable, type Party } from "./exchange.js";
import { FrameReader, replyFilter } from "./frame-reader.js";
import { PdSession, type CommandOutcome, type SessionUpdate } from "./pd-session.js";
import { PdView } from "./pd-view.js";
import { resolveScbk } from "./scbk.js";

interface Pd extends Party {
  view: PdView;
}

export interface OsdpDriverDeps {
  /** Timers and the monotonic clock (FakeClock in tests). */
  clock?: Clock;
  random?: (n: number) => Uint8Array;
}

export function createOsdpDriver(ctx: DriverContext<OsdpOptions>, deps: OsdpDriverDeps = {}): DeviceDriver {
  return new OsdpDriver(ctx, deps);
}

/**
 * The control panel on one RS-485 bus. A single loop walks the PDs in turn, takes the bus with
 * `lease.exclusive` for each request/reply (other devices on the same port queue between), and
 * turns session news into state, events and availability (online only while every PD answers).
 */
class OsdpDriver implements DeviceDriver {
  private readonly clock: Clock;
  private readonly pds: Pd[] = [];
  private readonly waiters = new Map<number, (o: CommandOutcome) => void>();
  private readonly offs: (() => void)[] = [];
  private readonly timers = new Set<TimerHandle>();
  private lease: TransportLease | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private exchanger!: Exchanger;
  private abort = new AbortController();
  private nextTag = 1;
  private allOnline: boolean | null = null;

  constructor(
    private readonly ctx: DriverContext<OsdpOptions>,
    private readonly deps: OsdpDriverDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  async start(): Promise<void> {
    const lease = this.ctx.transport;
    if (!lease || lease.kind !== "serial" || !lease.onData) throw new FatalDriverError("osdp needs a serial transport");
    const o = this.ctx.config;
    const random = this.deps.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
    this.pds.length = 0;
    for (const pd of o.pds) {
      const scbk = resolveScbk(pd);
      const session = new PdSession({
        address: pd.address, useCrc: pd.crc, secure: pd.secure, scbk, installMode: pd.installMode, retries: o.retries,
        offlineAfterMs: o.offlineAfterMs, pollIntervalMs: o.pollIntervalMs, offlineRetryMs: o.offlineRetryMs,
        queryStatusOnConnect: o.queryStatusOnConnect, random,
      });
      this.pds.push({ name: pd.name, session, view: new PdView(pd), reader: new FrameReader(replyFilter(pd.address, pd.crc)) });
    }
    this.exchanger = new Exchanger(this.clock, o.replyTimeoutMs, this.ctx.log);
    this.lease = lease;
    this.running = true;
    this.abort = new AbortController();
    this.offs.push(lease.onData((chunk) => this.exchanger.onBytes(chunk)));
    this.offs.push(lease.onStateChange((s) => (s === "open" ? this.kick() : this.lineDown(`transport ${s}`))));
    for (const pd of this.pds) this.emitAll(pd.view.set({ [`${pd.view.pd.name}.online`]: false, [`${pd.view.pd.name}.secure`]: false }));
    this.updateAvailability();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort(new Error("driver stopping"));
    this.kick();
    await this.loop;
    for (const off of this.offs.splice(0)) off();
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    for (const tag of [...this.waiters.keys()]) this.settle(tag, { ok: false, code: "offline", message: "driver stopped" });
  }

  async command(cmd: Command, signal: AbortSignal): Promise<CommandResult> {
    const parsed = parseAction(cmd.values, this.ctx.config);
    if (!parsed.ok) return { status: "error", code: "invalid", message: parsed.message };
    const a = parsed.action;
    const pd = this.pds.find((p) => p.view.pd === a.pd)!;
    const outcome = await this.submit(pd, a.code, a.data, cmd.deadline, signal);
    if (!outcome.ok) return { status: "error", code: outcome.code, message: outcome.message };
    if (a.refreshAfterMs !== undefined) this.later(a.refreshAfterMs, () => void this.submit(pd, Cmd.OSTAT, new Uint8Array(0), this.ctx.now() + 2000));
    this.emitAll(pd.view.set(a.state));
    return { status: "ok", state: a.state };
  }

  /** Asks the PDs again (LSTAT, ISTAT, OSTAT) and returns the requested points. */
  async read(names: readonly string[], signal: AbortSignal): Promise<Record<string, unknown>> {
    const deadline = this.ctx.now() + 2000;
    const asked = this.pds.filter((p) => names.some((n) => n.startsWith(`${p.view.pd.name}.`)) && p.session.isOnline);
    await Promise.all(asked.flatMap((p) => [Cmd.LSTAT, Cmd.ISTAT, Cmd.OSTAT].map((c) => this.submit(p, c, new Uint8Array(0), deadline, signal))));
    const all = Object.assign({}, ...this.pds.map((p) => p.view.snapshot())) as Record<string, unknown>;
    return Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]]));
  }

  private submit(pd: Pd, code: number, data: Uint8Array, deadline: number, signal?: AbortSignal): Promise<CommandOutcome> {
    const name = pd.view.pd.name;
    if (!this.running || !pd.session.isOnline) return Promise.resolve({ ok: false, code: "offline", message: `PD ${name} is offline` });
    const remaining = deadline - this.ctx.now();
    if (remaining <= 0 || signal?.aborted) return Promise.resolve({ ok: false, code: "timeout", message: "deadline passed before the command was queued" });
    const tag = this.nextTag++;
    return new Promise<CommandOutcome>((resolve) => {
      const onAbort = () => this.settle(tag, { ok: false, code: "timeout", message: "aborted at the deadline" });
      this.waiters.set(tag, (o) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(o);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      pd.session.enqueue({ tag, code, data, deadline: this.clock.monotonic() + remaining });
      this.kick();
    });
  }

  private settle(tag: number, o: CommandOutcome): void {
    const w = this.waiters.get(tag);
    this.waiters.delete(tag);
    w?.(o);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const lease = this.lease!;
      if (lease.state !== "open") {
        await this.sleep(Infinity);
        continue;
      }
      const pd = this.pds.reduce((a, b) => (b.session.dueAt() < a.session.dueAt() ? b : a));
      const wait = pd.session.dueAt() - this.clock.monotonic();
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      try {
        await lease.exclusive(async (h) => {
          if (!isWritable(h)) throw new FatalDriverError("the serial lease handle has no write()");
          const { updates, error } = await this.exchanger.run(pd, h);
          this.apply(pd, updates);
          if (error !== undefined) throw error;
        }, { signal: this.abort.signal });
      } catch (err) {
        if (!this.running) break;
        this.ctx.log.debug({ err: (err as Error).message }, "OSDP exchange failed");
        if (lease.state === "open") await this.sleep(this.ctx.config.pollIntervalMs);
      }
    }
  }

  private apply(pd: Pd, updates: SessionUpdate[]): void {
    const name = pd.view.pd.name;
    for (const u of updates) {
      switch (u.kind) {
        case "reply":
          this.emitAll(pd.view.fromReply(u.reply));
          break;
        case "result":
          this.settle(u.tag, u.outcome);
          break;
        case "online":
          this.ctx.log.info({ pd: name, secure: pd.session.isSecure }, "OSDP PD online");
          this.emitAll(pd.view.set({ [`${name}.online`]: true, [`${name}.secure`]: pd.session.isSecure }));
          break;
        case "offline":
          this.ctx.log.warn({ pd: name, reason: u.reason }, "OSDP PD offline");
          this.emitAll(pd.view.set({ [`${name}.online`]: false, [`${name}.secure`]: false }));
          break;
        case "secure":
          if (u.defaultKey) this.ctx.log.warn({ pd: name }, "OSDP secure channel runs on the default key SCBK-D");
          break;
        case "keyset":
          this.ctx.log.info({ pd: name }, "OSDP PD took the configured SCBK; install mode is over for it");
          break;
        case "problem":
          this.ctx.log.debug({ pd: name, problem: u.message }, "OSDP link problem");
          break;
      }
    }
    this.updateAvailability();
  }

  private updateAvailability(): void {
    const offline = this.pds.filter((p) => !p.session.isOnline).map((p) => p.view.pd.name);
    const online = offline.length === 0 && this.lease?.state === "open";
    if (online === this.allOnline) return;
    this.allOnline = online;
    this.emit(online ? { type: "availability", online } : { type: "availability", online, reason: `PD offline: ${offline.join(", ") || "transport closed"}` });
  }

  private lineDown(reason: string): void {
    this.exchanger.abandon();
    for (const pd of this.pds) this.apply(pd, pd.session.disconnect(reason));
    this.allOnline = null; // the core marked us offline itself; say it again when PDs return
    this.updateAvailability();
  }

  private emitAll(msgs: DeviceMessage[]): void {
    for (const m of msgs) this.emit(m);
  }

  private emit(m: DeviceMessage): void {
    try {
      this.ctx.emit(m);
    } catch (err) {
      this.ctx.log.error({ err }, "emit failed");
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = this.clock.setTimeout(() => {
      this.timers.delete(t);
      if (this.running) fn();
    }, ms);
    this.timers.add(t);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = Number.isFinite(ms) ? this.clock.setTimeout(() => this.kick(), ms) : null;
      this.wake = () => {
        if (t) this.clock.clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private kick(): void {
    this.wake?.();
  }
}
