import { uuidv7 } from "../core/ids.js";
import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { DeviceMessage } from "../drivers/contract.js";
import { initialDoorSystem, nextWakeAt, stepDoors } from "./door-machine.js";
import { known } from "./door-modes.js";
import { resultReason } from "./door-requests.js";
import type { DecisionOut, DoorAction, DoorCommandOut, DoorInput, DoorReasonCode, DoorRequest, DoorSite, DoorSystem } from "./door-types.js";
import { denyAllPassages, type PassagePolicy, type PassageVerdict } from "./passage-policy.js";
import { sendSafely, type ActionSinks, type SendCommand } from "./sinks.js";

export interface DoorControllerOptions {
  readonly site: DoorSite;
  readonly clock: Clock;
  readonly send: SendCommand;
  readonly sinks: ActionSinks;
  readonly passage?: PassagePolicy;
  readonly log?: Logger;
  /** Ask a device for its current point values; used when it comes back online. */
  readonly readBack?: (deviceId: string, points: readonly string[]) => Promise<Record<string, unknown>>;
  /** A door device that has not come online this long after start is reported offline. Default 30 s. */
  readonly startupGraceMs?: number;
}

export interface DoorOutcome {
  readonly requestId: string;
  readonly doorId: string;
  readonly action: DoorAction;
  readonly result: "executed" | "rejected" | "failed";
  readonly reasonCode: DoorReasonCode;
  readonly commandId?: string;
  readonly passageCodes?: readonly string[];
  readonly detail?: string;
}

export interface DoorView {
  readonly doorId: string;
  readonly online: boolean;
  readonly known: boolean;
  readonly open: boolean | null;
  readonly locked: boolean | null;
  readonly heldLevel: number;
  readonly forced: boolean;
  readonly fireReleased: boolean;
  readonly interlockGroupId?: string;
  readonly lastCommand?: { readonly action: DoorAction; readonly at: number; readonly failed: boolean };
}

/**
 * The door service: feeds driver messages and requests into the pure door machine, sends the
 * commands it returns (commands first, so nothing waits on bookkeeping), and hands events,
 * alarm actions and audit records to the sinks. Inputs that arrive while a step is being
 * dispatched (a sink that reacts synchronously) are queued and run right after it.
 */
export class DoorController {
  private state: DoorSystem;
  private busy = false;
  private readonly queue: DoorInput[] = [];
  private timer: TimerHandle | null = null;
  private timerAt: number | null = null;
  private graceTimer: TimerHandle | null = null;
  private readonly decisions = new Map<string, (d: DecisionOut) => void>();
  private readonly outcomes = new Map<string, (o: DoorOutcome) => void>();
  private readonly pointsOf = new Map<string, string[]>();
  private stopped = false;

  constructor(private readonly opts: DoorControllerOptions) {
    this.state = initialDoorSystem(opts.site, `${uuidv7(opts.clock.now()).slice(0, 13)}-`);
    for (const key of opts.site.byPoint.keys()) {
      const [deviceId, point] = key.split("\u0000") as [string, string];
      this.pointsOf.set(deviceId, [...(this.pointsOf.get(deviceId) ?? []), point]);
    }
  }

  /** Devices the doors and panel inputs use. */
  devices(): string[] {
    return [...this.pointsOf.keys()];
  }

  start(): void {
    const grace = this.opts.startupGraceMs ?? 30_000;
    this.graceTimer = this.opts.clock.setTimeout(() => {
      this.graceTimer = null;
      for (const deviceId of this.devices()) {
        if (this.state.devices[deviceId] === undefined) this.feed({ kind: "availability", deviceId, online: false, at: this.opts.clock.now() });
      }
    }, grace);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    if (this.graceTimer) this.opts.clock.clearTimeout(this.graceTimer);
    this.timer = this.graceTimer = null;
  }

  /** Every message of every device (the supervisor's onMessage); those of other devices are ignored. */
  onDeviceMessage(deviceId: string, msg: DeviceMessage): void {
    if (!this.pointsOf.has(deviceId)) return;
    const at = this.opts.clock.now();
    if (msg.type === "state") this.feed({ kind: "point", deviceId, values: msg.values, at });
    else if (msg.type === "availability") {
      this.feed({ kind: "availability", deviceId, online: msg.online, at });
      if (msg.online) this.readBack(deviceId);
    }
  }

  /** Ask for a door command. Resolves when it is rejected, or when the device answered. Never rejects. */
  request(req: DoorRequest): Promise<DoorOutcome> {
    const at = this.opts.clock.now();
    const requestId = req.id ?? uuidv7(at);
    const passage = this.passageFor(req, at);
    return new Promise<DoorOutcome>((resolve) => {
      this.decisions.set(requestId, (d) => {
        const base = { requestId, doorId: d.doorId, action: d.action, ...(d.passageCodes && { passageCodes: d.passageCodes }) };
        if (!d.allowed) return resolve({ ...base, result: "rejected", reasonCode: d.reasonCode });
        this.outcomes.set(d.commandId!, (o) => resolve({ ...base, ...o, requestId }));
      });
      this.feed({ kind: "request", request: { ...req, id: requestId }, ...(passage && { passage }), at });
    });
  }

  view(doorId: string): DoorView | undefined {
    const spec = this.opts.site.doors.get(doorId);
    const s = this.state.doors[doorId];
    if (!spec || !s) return undefined;
    return {
      doorId,
      online: s.online,
      known: known(spec, s),
      open: s.open,
      locked: s.locked,
      heldLevel: s.heldLevel,
      forced: s.forced,
      fireReleased: s.fireReleased,
      ...(spec.group !== undefined && { interlockGroupId: spec.group }),
      ...(s.last && { lastCommand: { action: s.last.action, at: s.last.at, failed: s.last.failed } }),
    };
  }

  views(): DoorView[] {
    return [...this.opts.site.doors.keys()].map((id) => this.view(id)!);
  }

  /** Active panel inputs (fire, lockdown, override) by input id. */
  inputs(): Readonly<Record<string, boolean>> {
    return this.state.inputs;
  }

  private passageFor(req: DoorRequest, at: number): PassageVerdict | undefined {
    const spec = this.opts.site.doors.get(req.doorId);
    if (req.personId === undefined || !spec || req.action === "lock" || req.action === "release") return undefined;
    const to = req.toZone ?? spec.between[1];
    if (!spec.between.includes(to)) return undefined;
    const from = spec.between[0] === to ? spec.between[1] : spec.between[0];
    try {
      return (this.opts.passage ?? denyAllPassages).mayPass(req.personId, req.doorId, from, to, at);
    } catch (err) {
      this.opts.log?.error({ err, door: req.doorId }, "passage policy failed; passage denied");
      return { allowed: false, reasonCodes: ["POLICY_ERROR"] };
    }
  }

  private feed(input: DoorInput): void {
    if (this.busy) {
      this.queue.push(input);
      return;
    }
    this.busy = true;
    try {
      for (let next: DoorInput | undefined = input; next; next = this.queue.shift()) {
        try {
          this.run(next);
        } catch (err) {
          // A bug here must not stop the inputs queued behind it; the state stays the last good one.
          this.opts.log?.error({ err, input: next.kind }, "door step failed");
        }
      }
    } finally {
      this.busy = false;
    }
    this.arm();
  }

  private run(input: DoorInput): void {
    const r = stepDoors(this.opts.site, this.state, input);
    this.state = r.state;
    for (const cmd of r.commands) this.send(cmd);
    const { sinks, log } = this.opts;
    try {
      for (const a of r.audits) sinks.audit.record(a);
      if (r.events.length > 0) sinks.events(r.events);
      if (r.alarms.length > 0) sinks.alarms(r.alarms);
    } catch (err) {
      log?.error({ err }, "door output sink failed");
    }
    for (const d of r.decisions) {
      const waiter = this.decisions.get(d.requestId);
      this.decisions.delete(d.requestId);
      waiter?.(d);
    }
  }

  private send(cmd: DoorCommandOut): void {
    const { requestedBy, reason, origin, deadline, values, commandId } = cmd;
    void sendSafely(this.opts.send, cmd.deviceId, { id: commandId, values, origin, requestedBy, reason, deadline }).then((res) => {
      const ok = res.status === "ok";
      const at = this.opts.clock.now();
      this.feed(ok ? { kind: "result", command: cmd, ok, at } : { kind: "result", command: cmd, ok, code: res.code, message: res.message, at });
      const waiter = this.outcomes.get(commandId);
      this.outcomes.delete(commandId);
      waiter?.({
        requestId: cmd.requestId ?? commandId,
        doorId: cmd.doorId,
        action: cmd.action,
        commandId,
        result: ok ? "executed" : "failed",
        reasonCode: resultReason(ok, ok ? undefined : res.code),
        ...(!ok && { detail: res.message }),
      });
    });
  }

  private readBack(deviceId: string): void {
    const read = this.opts.readBack;
    if (!read) return;
    read(deviceId, this.pointsOf.get(deviceId) ?? []).then(
      (values) => this.feed({ kind: "point", deviceId, values, at: this.opts.clock.now() }),
      (err: unknown) => this.opts.log?.warn({ err, device: deviceId }, "door read-back failed; state stays unknown until the device reports"),
    );
  }

  /** One timer for the machine's next deadline (debounce, held-open level, relock, retry). */
  private arm(): void {
    if (this.stopped) return;
    const now = this.opts.clock.now();
    const at = nextWakeAt(this.opts.site, this.state, now);
    if (at === this.timerAt) return;
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (at === null) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = null;
      // Node timers may fire a millisecond before the wall clock reaches the deadline; the tick
      // is the deadline, or the machine would find nothing due and arm nothing (a missed wake).
      this.feed({ kind: "tick", at: Math.max(this.opts.clock.now(), at) });
    }, at - now);
  }
}
