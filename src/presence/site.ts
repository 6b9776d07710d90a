import type { AreaType, RoomType, SiteConfig } from "../config/schema.js";
import { ConfigError, type ConfigIssue } from "../core/errors.js";
import { FloorPlan, makeShape, type Shape } from "./geometry.js";
import { PresenceParams, tuning, zoneTiming, type Tuning, type ZoneTiming } from "./params.js";

/** A place a tag can be: a room, or a whole area when a reader only knows the area. */
export interface ZoneInfo {
  readonly id: string;
  readonly kind: "room" | "area";
  readonly areaId: string;
  readonly areaType: AreaType;
  readonly roomType?: RoomType;
  readonly adjacentToExit: boolean;
  readonly timing: ZoneTiming;
}

export interface ReaderInfo {
  readonly zoneId: string;
  /** An exit exciter: a read moves the tag at once, without dwell. */
  readonly exit: boolean;
}

/** The site as presence needs it, compiled once at start (see compileSite). */
export interface PresenceSite {
  readonly zones: ReadonlyMap<string, ZoneInfo>;
  /** Area id → ids of its rooms. */
  readonly areas: ReadonlyMap<string, readonly string[]>;
  readonly readers: ReadonlyMap<string, ReaderInfo>;
  /** BLE node id → zone id. */
  readonly bleNodes: ReadonlyMap<string, string>;
  readonly minQuality: number;
  readonly tuning: Tuning;
  readonly plan: FloorPlan;
}

export type PresenceSiteConfig = Pick<SiteConfig, "areas" | "presence">;

/**
 * Compiles rooms, shapes, readers, BLE nodes and `presence.params` into lookup tables.
 * Throws ConfigError listing every bad reference or parameter (with its config path).
 */
export function compileSite(config: PresenceSiteConfig): PresenceSite {
  const issues: ConfigIssue[] = [];
  const parsed = PresenceParams.safeParse(config.presence.params);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ path: ["presence", "params", ...i.path].join("."), message: i.message });
    throw new ConfigError("site config", issues);
  }
  const params = parsed.data;
  const zones = new Map<string, ZoneInfo>();
  const areas = new Map<string, string[]>();
  const shapes: Shape[] = [];

  const addZone = (zone: ZoneInfo, path: string) => {
    if (zones.has(zone.id)) issues.push({ path, message: `zone id "${zone.id}" is used twice` });
    zones.set(zone.id, zone);
  };

  config.areas.forEach((area, ai) => {
    areas.set(area.id, area.rooms.map((r) => r.id));
    addZone({ id: area.id, kind: "area", areaId: area.id, areaType: area.type, adjacentToExit: false, timing: zoneTiming(params, area.id, undefined) }, `areas.${ai}.id`);
    area.rooms.forEach((room, ri) => {
      addZone(
        {
          id: room.id,
          kind: "room",
          areaId: area.id,
          areaType: area.type,
          roomType: room.type,
          adjacentToExit: room.adjacentToExit,
          timing: zoneTiming(params, room.id, room.type),
        },
        `areas.${ai}.rooms.${ri}.id`,
      );
      for (const s of room.shapes) shapes.push(makeShape(room.id, s.floor, s.polygon, s.holes));
    });
  });

  for (const id of Object.keys(params.rooms)) {
    if (!zones.has(id)) issues.push({ path: `presence.params.rooms.${id}`, message: `no room or area "${id}"` });
  }

  const readers = new Map<string, ReaderInfo>();
  config.presence.readers.forEach((r, i) => {
    if (!zones.has(r.zone)) issues.push({ path: `presence.readers.${i}.zone`, message: `no room or area "${r.zone}"` });
    if (readers.has(r.id)) issues.push({ path: `presence.readers.${i}.id`, message: `reader "${r.id}" is listed twice` });
    readers.set(r.id, { zoneId: r.zone, exit: r.exit });
  });
  const bleNodes = new Map<string, string>();
  config.presence.bleNodes.forEach((n, i) => {
    if (!zones.has(n.zone)) issues.push({ path: `presence.bleNodes.${i}.zone`, message: `no room or area "${n.zone}"` });
    if (bleNodes.has(n.id)) issues.push({ path: `presence.bleNodes.${i}.id`, message: `BLE node "${n.id}" is listed twice` });
    bleNodes.set(n.id, n.zone);
  });

  if (issues.length > 0) throw new ConfigError("site config", issues);
  return {
    zones,
    areas,
    readers,
    bleNodes,
    minQuality: config.presence.minQuality,
    tuning: tuning(params),
    plan: new FloorPlan(shapes),
  };
}
