import { createHash } from "node:crypto";
import type { Clock, TimerHandle } from "../core/clock.js";
import type { EventDraft } from "../core/envelope.js";
import { uuidv7 } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import type { AuditInput } from "../store/audit-log.js";
import { canonicalJson } from "../store/chain.js";
import type { Db } from "../store/db.js";
import type { AlarmCommands } from "./alarm-commands.js";
import { CustodyTagBindings } from "./bindings.js";
import { ClockGuard, type WallJump } from "./clock-guard.js";
import { readClock } from "./clock.js";
import { CommandEnvelope, issuesText, type CommandOutcome } from "./commands.js";
import { dispatch } from "./dispatch.js";
import { actorRef, type Actor } from "./drafts.js";
import type { CustodyClockReading } from "./model.js";
import type { OpContext } from "./ops-context.js";
import { custodyParams, type CustodyParams } from "./params.js";
import { peopleFacts } from "./people.js";
import type { TagHealth } from "./prechecks.js";
import type { RoomLookup } from "./rooms.js";
import { CustodyState, type CustodyReader } from "./state.js";
import { CustodyStore } from "./store.js";
import type { Verdict } from "./verdict.js";
import { CustodyStateView } from "./view.js";

/** Where every command, override and clock jump is recorded; `AuditLog` (src/store) is one. */
export interface AuditSink {
  record(input: AuditInput): unknown;
}

export interface CustodyServiceOptions {
  readonly db: Db;
  readonly clock: Clock;
  /** Room facts for the pre-checks: `roomsFromConfig(config)`. */
  readonly rooms: RoomLookup;
  /** Lifecycle events of each command, in order, in one call (the event pipeline's `record`). */
  readonly sink: (drafts: readonly EventDraft[]) => void;
  readonly audit: AuditSink;
  /** `config.rules`: custody parameters under R03–R31 (params.ts). */
  readonly rules?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `config.center.timezone`: birthdays and night release (R06) are local-time facts. */
  readonly timeZone?: string;
  readonly alarms?: AlarmCommands;
  /** Device knowledge about a tag for R02 (low battery, tamper). */
  readonly tagHealth?: (tagId: string) => TagHealth | undefined;
  readonly log?: Logger;
  /** Clock-jump check interval. Default 1000 ms. */
  readonly tickMs?: number;
  /** Legal timebase checkpoint interval. Default 60 s (and at every jump and at stop). */
  readonly checkpointEveryMs?: number;
  /** Wall-vs-monotonic drift that counts as a jump. Default 5000 ms. */
  readonly jumpThresholdMs?: number;
  /** Exited sessions kept in memory for R31. Default 48 h. */
  readonly retainClosedH?: number;
}

/**
 * Custody state and its one command API (issue 4 §5). `execute` validates a command, answers a
 * repeated command id from SQLite without running it again, runs the pre-checks, commits the
 * change together with the stored answer in one transaction, then hands the lifecycle events to
 * the sink and writes the audit record. Overrides pass needs-override pre-checks only; they
 * set no flag anywhere, so the runtime detectors see the same facts as without them.
 */
export class CustodyService {
  readonly params: CustodyParams;
  readonly view: CustodyStateView;
  readonly bindings: CustodyTagBindings;
  private readonly state = new CustodyState();
  private readonly store: CustodyStore;
  private readonly guard: ClockGuard;
  private readonly clock: Clock;
  private readonly timeZone: string;
  private timer: TimerHandle | undefined;
  private lastCheckpointMono: number;

  constructor(private readonly opts: CustodyServiceOptions) {
    this.clock = opts.clock;
    this.timeZone = opts.timeZone ?? "Asia/Shanghai";
    this.params = custodyParams(opts.rules);
    this.store = new CustodyStore(opts.db);
    this.state.apply(this.store.load(this.clock.now() - this.retainMs()));
    this.guard = new ClockGuard({ clock: this.clock, checkpoint: this.store.timebase(), ...(opts.jumpThresholdMs !== undefined && { jumpThresholdMs: opts.jumpThresholdMs }) });
    if (this.guard.startJump) this.onJump(this.guard.startJump);
    this.store.saveTimebase(this.guard.checkpoint());
    this.lastCheckpointMono = this.clock.monotonic();
    this.view = new CustodyStateView(this.state, { legalNow: () => this.guard.legalNow(), wallNow: () => this.clock.now() }, this.timeZone);
    this.bindings = new CustodyTagBindings(this.state);
  }

  /** Read access to the live state (sessions, bindings, holding occupants). */
  get reader(): CustodyReader {
    return this.state;
  }

  execute(input: unknown): CommandOutcome {
    const env = CommandEnvelope.safeParse(input);
    if (!env.success) {
      const raw = (input ?? {}) as { commandId?: unknown; name?: unknown };
      const outcome: CommandOutcome = { status: "invalid", message: issuesText(env.error), ...stringField("commandId", raw.commandId), ...stringField("name", raw.name) };
      this.opts.audit.record({ actor: "unverified", action: `custody.${outcome.name ?? "unknown"}`, data: { commandId: outcome.commandId ?? null, status: "invalid" } });
      return outcome;
    }
    const { commandId, name, args, by, reason } = env.data;
    const digest = createHash("sha256").update(canonicalJson({ name, args })).digest("hex");
    const known = this.store.command(commandId);
    if (known) {
      const same = known.digest === digest;
      const outcome: CommandOutcome = same
        ? { ...(known.result as CommandOutcome), replayed: true }
        : { status: "invalid", commandId, name, message: `command id "${commandId}" was already used for another command` };
      this.auditCommand(name, by, reason, args, outcome, { replayed: same });
      return outcome;
    }

    const now = this.clock.now();
    const ctx = this.context(commandId, by, now);
    let d;
    try {
      d = dispatch(ctx, name, args, reason, this.opts.alarms);
    } catch (err) {
      this.opts.log?.error({ err, command: name, commandId }, "custody command failed");
      return this.failed(name, by, reason, args, { status: "error", commandId, name, code: "INTERNAL", message: (err as Error).message });
    }
    const change = d.result?.change;
    try {
      this.store.transaction(() => {
        if (change) this.store.save(change, now);
        this.store.saveCommand({ commandId, name, digest, at: now, result: d.outcome });
      });
    } catch (err) {
      // Nothing was committed, so nothing changes in memory either; the same id may be retried.
      this.opts.log?.error({ err, command: name, commandId }, "custody state could not be stored");
      return this.failed(name, by, reason, args, { status: "error", commandId, name, code: "STORE_FAILED", message: (err as Error).message });
    }
    if (change) this.state.apply(change);
    if (d.result && d.result.drafts.length > 0) {
      try {
        this.opts.sink(d.result.drafts.map((e) => this.placed(e)));
      } catch (err) {
        this.opts.log?.error({ err, command: name, commandId }, "custody events could not be recorded");
      }
    }
    this.auditCommand(name, by, reason, args, d.outcome, d.inner ? { command: d.inner } : {});
    return d.outcome;
  }

  /** What the pre-check would answer now, without acting (for a console before it submits). */
  precheck(name: string, args: unknown, by: Actor): Verdict {
    const d = dispatch(this.context("precheck", by, this.clock.now()), name, args, undefined, undefined);
    const o = d.outcome;
    if (o.status === "ok") return { verdict: "allow", codes: o.codes };
    if (o.status === "rejected") return { verdict: o.verdict, codes: o.codes, ...(o.details && { details: o.details }) };
    return { verdict: "deny", codes: [o.status === "invalid" ? "invalid" : o.code], details: { message: o.message } };
  }

  clockOf(sessionId: string): CustodyClockReading | undefined {
    const s = this.state.session(sessionId);
    return s ? readClock(s, this.guard.legalNow(), this.clock.now()) : undefined;
  }

  clockOfPerson(personId: string): CustodyClockReading | undefined {
    const s = this.state.openSession(personId);
    return s ? this.clockOf(s.sessionId) : undefined;
  }

  /** Start the clock-jump check and checkpoint loop on the injected clock. */
  start(): void {
    if (this.timer) return;
    const loop = () => {
      this.tick();
      this.timer = this.clock.setTimeout(loop, this.opts.tickMs ?? 1000);
    };
    this.timer = this.clock.setTimeout(loop, this.opts.tickMs ?? 1000);
  }

  /** One check: wall-clock jump, periodic checkpoint, pruning of old exited sessions. */
  tick(): void {
    const jump = this.guard.check();
    if (jump) this.onJump(jump);
    if (jump || this.clock.monotonic() - this.lastCheckpointMono >= (this.opts.checkpointEveryMs ?? 60_000)) {
      this.store.saveTimebase(this.guard.checkpoint());
      this.lastCheckpointMono = this.clock.monotonic();
      this.state.prune(this.clock.now() - this.retainMs());
    }
  }

  stop(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.tick();
    this.store.saveTimebase(this.guard.checkpoint());
  }

  private context(commandId: string, by: Actor, now: number): OpContext {
    return {
      state: this.state,
      facts: peopleFacts(now, this.timeZone),
      params: this.params,
      room: this.opts.rooms,
      tagHealth: this.opts.tagHealth ?? (() => undefined),
      timeZone: this.timeZone,
      now,
      legalNow: this.guard.legalNow(),
      markOf: (wall) => this.guard.markOf(wall),
      newId: () => uuidv7(now),
      by,
      commandId,
    };
  }

  /** The envelope's zoneId is the room's area, as presence and the rules write it (docs/presence.md). */
  private placed(e: EventDraft): EventDraft {
    const areaId = e.roomId === undefined ? undefined : this.opts.rooms(e.roomId)?.areaId;
    return areaId === undefined ? e : { ...e, zoneId: areaId };
  }

  /** A wall-clock step: logged and audited; custody time keeps to the monotonic clock. */
  private onJump(j: WallJump): void {
    this.opts.log?.warn({ ...j }, "wall clock jumped; custody clocks keep legal time");
    this.opts.audit.record({ actor: "engine:custody", action: "clock.wall_jump", data: { ...j } });
  }

  private failed(name: string, by: Actor, reason: string | undefined, args: Record<string, unknown>, o: Extract<CommandOutcome, { status: "error" }>): CommandOutcome {
    this.auditCommand(name, by, reason, args, o, { code: o.code });
    return o;
  }

  private auditCommand(name: string, by: Actor, reason: string | undefined, args: Record<string, unknown>, o: CommandOutcome, extra: Record<string, unknown>): void {
    const inner = (args.command as { args?: Record<string, unknown> } | undefined)?.args;
    const target = targetOf(inner ?? args);
    this.opts.audit.record({
      actor: actorRef(by),
      action: `custody.${name}`,
      ...(target && { target }),
      ...(reason !== undefined && { reason }),
      data: {
        commandId: o.commandId ?? null,
        status: o.status,
        ...("codes" in o && { codes: o.codes }),
        ...(o.status === "ok" && o.overridden && { overridden: o.overridden }),
        ...extra,
      },
    });
  }

  private retainMs(): number {
    return (this.opts.retainClosedH ?? 48) * 3_600_000;
  }
}

function targetOf(args: Record<string, unknown>): string | undefined {
  if (typeof args.personId === "string") return `person:${args.personId}`;
  if (typeof args.roomId === "string") return `zone:${args.roomId}`;
  if (typeof args.alarmId === "string") return `alarm:${args.alarmId}`;
  return undefined;
}

function stringField<K extends string>(key: K, v: unknown): Partial<Record<K, string>> {
  return typeof v === "string" && v.length > 0 && v.length <= 128 ? ({ [key]: v } as Record<K, string>) : {};
}
