import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SiteConfig } from "../../src/config/schema.js";
import { FakeClock } from "../../src/core/clock.js";
import type { EventEnvelope } from "../../src/core/envelope.js";
import { EventFactory } from "../../src/core/events.js";
import { createLogger } from "../../src/core/logger.js";
import type { CommandOutcome } from "../../src/custody/commands.js";
import type { CustodyService } from "../../src/custody/index.js";
import { createCustody, createPresence, createRules, feedRules, type EngineHost } from "../../src/daemon/engine-components.js";
import { EventPipeline } from "../../src/daemon/event-pipeline.js";
import type { DeviceMessage, DriverDefinition } from "../../src/drivers/contract.js";
import { DeviceMessageNormalizer } from "../../src/drivers/normalizer.js";
import type { PresenceEngine } from "../../src/presence/index.js";
import type { RuleEngine } from "../../src/rules/index.js";
import { AuditLog } from "../../src/store/audit-log.js";
import { openDatabase, type Db } from "../../src/store/db.js";
import { MetaStore } from "../../src/store/meta.js";
import { Outbox } from "../../src/store/outbox.js";
import { frigate } from "../../devices/frigate/definition.js";
import { readerOf, scenarioSite, type RoomId } from "./site.js";

/** 2026-01-05 09:00 in Asia/Shanghai: a working morning, far from the night-release hours. */
export const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

export const OPERATOR = { kind: "operator", id: "op-desk" } as const;
/** The daemon's tick period for presence and rules (engine-components.ts). */
const TICK_MS = 1000;
/** Step while nobody moves for hours (`idle`). */
const IDLE_STEP_MS = 10 * SEC;
/** Longest a walk to the next room may take before the scenario calls it stuck. */
const MAX_HOP_MS = 30 * SEC;

export const tagOf = (personId: string): string => `t-${personId}`;

/**
 * The daemon's engines, wired by the daemon's own functions (createCustody → createPresence →
 * createRules, feedRules) over a real SQLite store file, outbox and event pipeline, on a fake
 * clock. Time passes in the daemon's rhythm: every second each worn tag is read by the reader of
 * the room its wearer is in, then presence ticks, then rules tick; custody's own jump check and
 * checkpoints run on the fake clock's timers.
 */
export class Scenario {
  readonly clock = new FakeClock(T0);
  readonly config: SiteConfig;
  /** Every event the pipeline recorded, as its listeners saw it. */
  readonly seen: EventEnvelope[] = [];
  readonly custody: CustodyService;
  readonly presence: PresenceEngine;
  readonly rules: RuleEngine;
  // The store is a real file with WAL and synchronous=FULL; on tmpfs its fsyncs cost nothing, and
  // the scenarios commit often (presence flushes every second, as in the daemon).
  private readonly dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "scenario-"));
  private readonly db: Db;
  private readonly outbox: Outbox;
  private readonly pipeline: EventPipeline;
  private readonly normalizer: DeviceMessageNormalizer;
  private readonly off: () => void;
  /** Where each worn tag is read now; a tag not here is not read. */
  private readonly worn = new Map<string, RoomId>();
  private n = 0;

  constructor(rules: Record<string, Record<string, unknown>> = {}) {
    this.config = scenarioSite(rules);
    const log = createLogger({ level: "silent" });
    this.db = openDatabase(join(this.dir, "state.db"));
    this.outbox = new Outbox(this.db, new MetaStore(this.db).bumpEpoch(), { log });
    const factory = new EventFactory(this.config.center.id, this.clock, this.outbox);
    const pipeline = (this.pipeline = new EventPipeline(factory, this.outbox, log));
    this.normalizer = new DeviceMessageNormalizer(`${this.config.localBroker.baseTopic}/${this.config.gateway.id}`);
    // Registered before the rules' listener, so an event is listed before the alarms it causes.
    pipeline.onEvent((e) => this.seen.push(e));
    // Filled in start order, as the daemon's Wiring is: custody, presence, rules.
    const parts: Partial<EngineHost> = {
      config: this.config,
      clock: this.clock,
      log,
      db: this.db,
      outbox: this.outbox,
      pipeline,
      audit: new AuditLog(this.outbox, factory),
      topicScope: { base: this.config.localBroker.baseTopic, gatewayId: this.config.gateway.id },
    };
    const host = parts as EngineHost;
    host.custody = this.custody = createCustody(host);
    this.custody.start();
    host.presence = this.presence = createPresence(host);
    host.rules = this.rules = createRules(host);
    this.off = feedRules(host);
  }

  // ─── Commands ─────────────────────────────────────────────────────────────────────────

  run(name: string, args: Record<string, unknown>, o: { reason?: string } = {}): CommandOutcome {
    return this.custody.execute({ commandId: `cmd-${++this.n}`, name, args, by: OPERATOR, ...(o.reason !== undefined && { reason: o.reason }) });
  }

  /** Runs a command and insists it went through without warnings. */
  ok(name: string, args: Record<string, unknown>): Extract<CommandOutcome, { status: "ok" }> {
    const r = this.run(name, args);
    if (r.status !== "ok" || r.codes.length > 0) throw new Error(`${name} ${JSON.stringify(args)}: ${JSON.stringify(r)}`);
    return r;
  }

  override(name: string, args: Record<string, unknown>, reason: string): CommandOutcome {
    return this.run("override", { command: { name, args } }, { reason });
  }

  /** An officer registered and wearing a tag, read from the start in `roomId`. */
  officer(personId: string, roomId: RoomId, sex: "male" | "female" = "male"): void {
    this.ok("register", { personId, role: "officer", sex });
    this.ok("bind", { personId, tagIds: [tagOf(personId)] });
    this.worn.set(tagOf(personId), roomId);
  }

  /** A detainee registered on a criminal summons, bound at the registration desk and read there. */
  detainee(personId: string, extra: Record<string, unknown> = {}): void {
    this.ok("register", { personId, role: "detainee", legalBasis: "summons", sex: "male", birthDate: "1988-02-03", ...extra });
    this.ok("bind", { personId, tagIds: [tagOf(personId)] });
    this.worn.set(tagOf(personId), "registration");
  }

  // ─── Devices ──────────────────────────────────────────────────────────────────────────

  /** A driver's message, routed as the daemon's drivers component routes it (normalizer → presence, pipeline). */
  device(deviceId: string, def: DriverDefinition<unknown>, msg: DeviceMessage): void {
    const out = this.normalizer.normalize(deviceId, def, msg, this.clock.now());
    if (out.observation) this.presence.ingest(out.observation.observation, out.observation.receivedAt, out.observation.source);
    if (out.events.length > 0) this.pipeline.record(out.events);
  }

  /** A recorder channel's status as the Frigate NVR driver reports it (`recorder_status`, devices/frigate/reports.ts). */
  recorder(channelId: string, roomId: RoomId, recording: boolean): void {
    this.device("nvr-1", frigate, { type: "event", name: "recorder_status", data: { recorderId: "nvr-1", channelId, roomId, recording, online: true } });
  }

  /**
   * The wristband put back into its dock, and read no more. No dock driver exists yet: this is
   * the DEVICE_EVENT "docked" the normalizer makes of such a driver's event (R30 reads it).
   */
  dock(tagId: string): void {
    this.worn.delete(tagId);
    this.pipeline.record([{ type: "DEVICE_EVENT", category: "device", source: { deviceId: "dock-1" }, subjects: [{ kind: "device", id: "dock-1" }], payload: { deviceId: "dock-1", name: "docked", tagId } }]);
  }

  // ─── Movement and time ────────────────────────────────────────────────────────────────

  /**
   * Walks people together through rooms, one hop at a time: each hop lasts until presence has
   * accepted every walker in the next room (throws if that takes longer than MAX_HOP_MS).
   */
  walk(personIds: readonly string[], ...route: RoomId[]): void {
    for (const roomId of route) {
      for (const p of personIds) this.worn.set(tagOf(p), roomId);
      const started = this.clock.now();
      while (!personIds.every((p) => this.presence.location(tagOf(p))?.zoneId === roomId)) {
        if (this.clock.now() - started > MAX_HOP_MS) throw new Error(`${personIds.join(", ")} did not reach ${roomId}`);
        this.step();
      }
    }
  }

  /** Lets `ms` pass in one-second steps. */
  advance(ms: number): void {
    for (let left = ms; left > 0; left -= TICK_MS) this.step(Math.min(TICK_MS, left));
  }

  /**
   * Lets hours pass in which nobody moves, in 10 s steps: readers report every 10 s (well inside
   * presence's offline timeout) and the engines tick at that pace. Rules counted in hours look
   * only every 10 s anyway (CLOCK_TICK_MS); for anything else, use `advance`.
   */
  idle(ms: number): void {
    for (let left = ms; left > 0; left -= IDLE_STEP_MS) this.step(Math.min(IDLE_STEP_MS, left));
  }

  /** Runs until `at` (epoch ms). */
  until(at: number): void {
    this.advance(at - this.clock.now());
  }

  roomOf(personId: string): string | null | undefined {
    return this.presence.location(tagOf(personId))?.zoneId;
  }

  private step(ms = TICK_MS): void {
    this.clock.advance(ms);
    const now = this.clock.now();
    for (const [tagId, roomId] of this.worn) this.presence.ingest({ kind: "reader", tagId, readerId: readerOf(roomId), method: "rfid" }, now, { deviceId: "readers", driver: "reader", protocol: "rfid" });
    this.presence.tick(now);
    this.rules.tick(now);
  }

  // ─── What happened ────────────────────────────────────────────────────────────────────

  /** Everything committed to the outbox, in seq order (audit records included). */
  committed(): EventEnvelope[] {
    this.outbox.flush();
    return this.outbox.read(1, 1_000_000);
  }

  /** The committed stream without the audit log's records: what the pipeline's listeners were handed. */
  stream(): EventEnvelope[] {
    return this.committed().filter((e) => e.type !== "AUDIT_RECORD");
  }

  lifecycle(personId?: string): EventEnvelope[] {
    return this.stream().filter((e) => e.category === "lifecycle" && (personId === undefined || e.personId === personId));
  }

  alarmEvents(): EventEnvelope[] {
    return this.stream().filter((e) => e.type.startsWith("ALARM_"));
  }

  /** Alarm types in the order they were raised. */
  raised(): string[] {
    return this.alarmEvents()
      .filter((e) => e.type === "ALARM_RAISED")
      .map((e) => String(e.payload.alarmType));
  }

  /** Each alarm event as "EVENT alarmType", repeats in a row shown once (renotifications, repeats). */
  alarmTrail(): string[] {
    const out: string[] = [];
    for (const e of this.alarmEvents()) {
      const line = `${e.type} ${String(e.payload.alarmType)}`;
      if (out.at(-1) !== line) out.push(line);
    }
    return out;
  }

  /** The alarm id of the open alarm of a type (for ack/resolve commands). */
  alarmId(alarmType: string): string {
    const a = this.rules.openAlarms().find((x) => x.type === alarmType);
    if (!a) throw new Error(`no open ${alarmType}`);
    return a.alarmId;
  }

  /** When presence last accepted a person in a room. */
  enteredAt(personId: string, roomId: RoomId): number {
    const e = this.stream().findLast((x) => x.type === "ZONE_ENTER" && x.personId === personId && x.payload.toZoneId === roomId);
    if (!e) throw new Error(`${personId} never entered ${roomId}`);
    return e.receivedAt;
  }

  /** Rooms a person's tag was accepted in, in order. */
  path(personId: string): string[] {
    return this.stream()
      .filter((e) => e.type === "ZONE_ENTER" && e.personId === personId)
      .map((e) => String(e.payload.toZoneId));
  }

  close(): void {
    this.off();
    this.rules.close();
    this.presence.close();
    this.custody.stop();
    this.outbox.close();
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
