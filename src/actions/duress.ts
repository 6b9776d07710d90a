import type { Clock } from "../core/clock.js";
import type { DeviceMessage } from "../drivers/contract.js";
import type { AlarmAction } from "../rules/alarm-types.js";
import { pointKey } from "./door-site.js";
import { alarmKey } from "./door-step.js";
import type { InputSpec } from "./door-types.js";
import { inputActive } from "./point-values.js";

/** Where an officer was last located (presence), for OFFICER_DURESS and nearest-officer search. */
export interface OfficerPosition {
  readonly personId: string;
  readonly zoneId: string | null;
  readonly x?: number;
  readonly y?: number;
  readonly at: number;
  readonly online: boolean;
}

export interface OfficerLocator {
  officerOfTag(tagId: string): string | undefined;
  position(personId: string): OfficerPosition | undefined;
  officers(): readonly OfficerPosition[];
  /** Metres between the centres of two zones; Infinity when unknown. */
  zoneDistance(a: string, b: string): number;
}

export type DuressSource = "tag_button" | "credential" | "panic_button";

export interface DuressTrigger {
  readonly source: DuressSource;
  readonly deviceId: string;
  readonly officerId?: string;
  readonly tagId?: string;
  readonly inputId?: string;
  /** Where a fixed button is. */
  readonly zoneId?: string;
}

export interface DuressConfig {
  readonly inputs: readonly InputSpec[];
  readonly tagEvents: readonly string[];
  readonly credentials: ReadonlyMap<string, string>;
  readonly nearestOfficers: number;
}

export const DURESS_DEFAULTS = { tagEvents: ["sos"], nearestOfficers: 3, repeatWindowMs: 10_000 } as const;

const text = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : typeof v === "number" ? String(v) : undefined);

/**
 * R36 triggers in device messages: an officer tag's button event, a duress card or PIN at a
 * reader, a fixed panic button input going active. `wasActive` is the button's last state
 * (an input counts on its rising edge only).
 */
export function duressTrigger(deviceId: string, msg: DeviceMessage, cfg: DuressConfig, locator: Pick<OfficerLocator, "officerOfTag">, wasActive: (inputId: string) => boolean): DuressTrigger[] {
  if (msg.type === "event") {
    const data = msg.data ?? {};
    const tagId = text(data.tagId);
    if (cfg.tagEvents.includes(msg.name) && tagId !== undefined) {
      const officerId = locator.officerOfTag(tagId);
      return [{ source: "tag_button", deviceId, tagId, ...(officerId !== undefined && { officerId }) }];
    }
    const credential = text(data.card) ?? text(data.credential) ?? text(data.digits);
    const officerId = credential === undefined ? undefined : cfg.credentials.get(credential);
    return officerId === undefined ? [] : [{ source: "credential", deviceId, officerId }];
  }
  if (msg.type !== "state") return [];
  const out: DuressTrigger[] = [];
  for (const input of cfg.inputs) {
    if (input.point.deviceId !== deviceId || !(input.point.point in msg.values)) continue;
    if (inputActive(msg.values[input.point.point], input.activeWhen) === true && !wasActive(input.id)) {
      out.push({ source: "panic_button", deviceId, inputId: input.id, ...(input.zone !== undefined && { zoneId: input.zone }) });
    }
  }
  return out;
}

/** The `n` officers closest to a place (same zone first), excluding one. */
export function nearestOfficers(locator: OfficerLocator, from: { zoneId: string | null; x?: number; y?: number }, exclude: string | undefined, n: number): string[] {
  const distance = (o: OfficerPosition): number => {
    if (from.x !== undefined && from.y !== undefined && o.x !== undefined && o.y !== undefined) return Math.hypot(from.x - o.x, from.y - o.y);
    if (from.zoneId === null || o.zoneId === null) return Infinity;
    return from.zoneId === o.zoneId ? 0 : locator.zoneDistance(from.zoneId, o.zoneId);
  };
  return locator
    .officers()
    .filter((o) => o.personId !== exclude && o.online && o.zoneId !== null)
    .map((o) => ({ id: o.personId, d: distance(o) }))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, n)
    .map((o) => o.id);
}

/**
 * OFFICER_DURESS (critical, R36): the officer's last zone and the nearest officers. Never
 * cleared automatically; a repeat within the window (a held button) updates the same alarm,
 * a later press is a new one.
 */
export function duressAlarm(t: DuressTrigger, locator: OfficerLocator, cfg: DuressConfig, now: number, windowStart: number): AlarmAction {
  const pos = t.officerId !== undefined ? locator.position(t.officerId) : undefined;
  const zoneId = t.zoneId ?? pos?.zoneId ?? null;
  const place = { zoneId, ...(pos?.x !== undefined && { x: pos.x }), ...(pos?.y !== undefined && { y: pos.y }) };
  const who = t.officerId ?? t.inputId ?? t.tagId ?? t.deviceId;
  const nearest = nearestOfficers(locator, place, t.officerId, cfg.nearestOfficers);
  return {
    kind: "raise",
    type: "OFFICER_DURESS",
    ruleId: "R36",
    severity: 4,
    dedupKey: alarmKey("OFFICER_DURESS", who, String(windowStart)),
    ...(zoneId !== null && { zoneId }),
    subjects: [who],
    relatedPersonIds: nearest,
    message: `duress: ${t.officerId ?? "unknown officer"} ${zoneId !== null ? `last in ${zoneId}` : "location unknown"} (${t.source.replace("_", " ")})`,
    params: { nearestOfficers: cfg.nearestOfficers },
    data: {
      officerId: t.officerId ?? null,
      zoneId,
      x: pos?.x ?? null,
      y: pos?.y ?? null,
      lastSeenAt: pos?.at ?? null,
      nearestOfficerIds: nearest,
      source: t.source,
      deviceId: t.deviceId,
      ...(t.tagId !== undefined && { tagId: t.tagId }),
      ...(t.inputId !== undefined && { inputId: t.inputId }),
      autoClear: false,
    },
  };
}

/** Watches every device message for duress and raises OFFICER_DURESS. */
export class DuressWatch {
  private readonly active = new Map<string, boolean>();
  private readonly windows = new Map<string, number>();
  private readonly watched: Set<string>;

  constructor(
    private readonly cfg: DuressConfig,
    private readonly locator: OfficerLocator,
    private readonly clock: Clock,
    private readonly sink: (actions: readonly AlarmAction[]) => void,
  ) {
    this.watched = new Set(cfg.inputs.map((i) => pointKey(i.point.deviceId, i.point.point)));
  }

  onDeviceMessage(deviceId: string, msg: DeviceMessage): void {
    if (msg.type === "state" && !Object.keys(msg.values).some((p) => this.watched.has(pointKey(deviceId, p)))) return;
    if (msg.type !== "state" && msg.type !== "event") return;
    const triggers = duressTrigger(deviceId, msg, this.cfg, this.locator, (id) => this.active.get(id) === true);
    if (msg.type === "state") {
      for (const i of this.cfg.inputs) {
        if (i.point.deviceId === deviceId && i.point.point in msg.values) this.active.set(i.id, inputActive(msg.values[i.point.point], i.activeWhen) === true);
      }
    }
    if (triggers.length === 0) return;
    const now = this.clock.now();
    this.sink(
      triggers.map((t) => {
        const who = t.officerId ?? t.inputId ?? t.tagId ?? t.deviceId;
        const start = this.windows.get(who);
        const windowStart = start !== undefined && now - start < DURESS_DEFAULTS.repeatWindowMs ? start : now;
        this.windows.set(who, windowStart);
        return duressAlarm(t, this.locator, this.cfg, now, windowStart);
      }),
    );
  }
}
