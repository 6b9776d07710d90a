import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock } from "../../src/core/clock.js";
import type { EventDraft } from "../../src/core/envelope.js";
import type { AlarmCommands } from "../../src/custody/alarm-commands.js";
import type { CommandOutcome } from "../../src/custody/commands.js";
import type { TagHealth } from "../../src/custody/prechecks.js";
import { CustodyService } from "../../src/custody/service.js";
import type { RoomInfo } from "../../src/rules/view.js";
import type { AuditInput } from "../../src/store/audit-log.js";
import { openDatabase, type Db } from "../../src/store/db.js";

const room = (id: string, type: RoomInfo["type"], extra: Partial<RoomInfo> = {}): RoomInfo => ({
  id,
  type,
  areaId: "secure",
  sex: "any",
  age: "any",
  adjacentToExit: false,
  ...extra,
});

/** A small center: one of each room the custody flow uses. */
export const ROOMS = new Map<string, RoomInfo>(
  [
    room("reg", "registration"),
    room("search-1", "search"),
    room("cap-1", "capture"),
    room("hold-1", "holding", { capacity: 2 }),
    room("hold-2", "holding", { sex: "male" }),
    room("hold-j", "holding_juvenile", { age: "minor" }),
    room("wait-1", "waiting"),
    room("int-1", "interrogation"),
    room("int-2", "interrogation"),
    room("corridor", "corridor"),
  ].map((r) => [r.id, r]),
);

export const OPERATOR = { kind: "operator", id: "op-1" } as const;

export interface HarnessOptions {
  rules?: Record<string, Record<string, unknown>>;
  alarms?: AlarmCommands;
  tagHealth?: (tagId: string) => TagHealth | undefined;
  jumpThresholdMs?: number;
}

/** A custody service on a real SQLite file in a temp dir, a fake clock, and recording sinks. */
export class Harness {
  readonly events: EventDraft[] = [];
  readonly audits: AuditInput[] = [];
  db: Db;
  svc: CustodyService;
  private n = 0;

  constructor(
    readonly opts: HarnessOptions = {},
    readonly clock = new FakeClock(Date.UTC(2026, 0, 5, 1, 0, 0)), // 09:00 in Asia/Shanghai
    readonly dir = mkdtempSync(join(tmpdir(), "custody-test-")),
  ) {
    this.db = openDatabase(join(dir, "state.db"));
    this.svc = this.open();
  }

  private open(): CustodyService {
    return new CustodyService({
      db: this.db,
      clock: this.clock,
      rooms: (id) => ROOMS.get(id),
      sink: (drafts) => this.events.push(...drafts),
      audit: { record: (i) => this.audits.push(i) },
      ...(this.opts.rules && { rules: this.opts.rules }),
      ...(this.opts.alarms && { alarms: this.opts.alarms }),
      ...(this.opts.tagHealth && { tagHealth: this.opts.tagHealth }),
      ...(this.opts.jumpThresholdMs !== undefined && { jumpThresholdMs: this.opts.jumpThresholdMs }),
    });
  }

  run(name: string, args: Record<string, unknown>, o: { reason?: string; commandId?: string; by?: { kind: "operator" | "central"; id: string } } = {}): CommandOutcome {
    return this.svc.execute({ commandId: o.commandId ?? `cmd-${++this.n}`, name, args, by: o.by ?? OPERATOR, ...(o.reason !== undefined && { reason: o.reason }) });
  }

  /** Run and insist it went through. */
  ok(name: string, args: Record<string, unknown>, o: Parameters<Harness["run"]>[2] = {}): Extract<CommandOutcome, { status: "ok" }> {
    const r = this.run(name, args, o);
    if (r.status !== "ok") throw new Error(`${name} failed: ${JSON.stringify(r)}`);
    return r;
  }

  override(name: string, args: Record<string, unknown>, reason = "duty officer decision"): CommandOutcome {
    return this.run("override", { command: { name, args } }, { reason });
  }

  /** A detainee registered (criminal summons unless said otherwise) and bound to a tag. */
  admit(personId: string, extra: Record<string, unknown> = {}, tagId = `tag-${personId}`): void {
    this.ok("register", { personId, role: "detainee", legalBasis: "summons", sex: "male", birthDate: "1990-05-01", ...extra });
    this.ok("bind", { personId, tagIds: [tagId] });
  }

  /** Search, belongings and capture recorded (R28 satisfied). */
  process(personId: string): void {
    this.ok("record_step", { personId, step: "security_check", officerIds: ["o-1", "o-2"], femaleStaffPresent: true });
    this.ok("record_step", { personId, step: "belongings_stored", lockerId: "l-1", signed: true });
    this.ok("record_step", { personId, step: "info_capture", items: ["fingerprint", "photo"], complete: true });
  }

  sessionOf(personId: string) {
    return this.svc.reader.openSession(personId);
  }

  eventTypes(from = 0): string[] {
    return this.events.slice(from).map((e) => e.type);
  }

  /**
   * Close the database and open the same file again with a new service, as after a restart:
   * a clean stop by default, or a crash (no final checkpoint) with `{ crash: true }`; `downMs`
   * of wall time pass while nothing runs.
   */
  restart(o: { crash?: boolean; downMs?: number } = {}): void {
    if (!o.crash) this.svc.stop();
    this.db.close();
    if (o.downMs) this.clock.advance(o.downMs);
    this.db = openDatabase(join(this.dir, "state.db"));
    this.svc = this.open();
  }

  destroy(): void {
    if (!this.db.open) return;
    this.svc.stop();
    if (this.db.open) this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
