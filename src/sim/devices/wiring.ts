import { ModbusRelayOptions } from "../../../devices/modbus-relay/definition.js";
import type { Device, SiteConfig } from "../../config/schema.js";
import { bounds, centroid, nearestInside, type Point } from "../geometry.js";
import { FloorPlan } from "../floorplan.js";
import type { DoorWiring } from "./modbus-board.js";

/**
 * What the demo's simulated serial devices take from the site config: which doors hang on a
 * relay board (strike coil, contact input), and where a UWB module walks.
 */

/** Time a person takes to push a released door open, and a door closer to shut it. */
const DOOR_OPEN_AFTER_MS = 1_500;
const DOOR_CLOSE_AFTER_MS = 2_500;

/**
 * The doors whose lock and contact are both points of this Modbus relay device, as board wiring.
 * Points are coil/input names from the device options or plain addresses.
 */
export function doorsOnRelayBoard(config: Pick<SiteConfig, "doors">, device: Device): DoorWiring[] {
  const parsed = ModbusRelayOptions.safeParse(device.options);
  if (!parsed.success) return []; // the config loader reports it
  const o = parsed.data;
  const address = (table: Record<string, number>, point: string | number) => (typeof point === "number" ? point : table[point]);
  const out: DoorWiring[] = [];
  for (const door of config.doors) {
    if (door.lock?.device !== device.id || door.contact?.device !== device.id) continue;
    const coil = address(o.coils, door.lock.point);
    const input = address(o.inputs, door.contact.point);
    if (coil === undefined || input === undefined) continue;
    // The same rule the door controller drives the relay by: a strike (fail-secure) is released
    // by energizing it, a maglock (fail-safe) by de-energizing it.
    const mode = door.lockOutput ?? "auto";
    const energizeToUnlock = mode === "energize-to-unlock" || (mode === "auto" && door.failMode === "secure");
    out.push({
      unit: o.slaveId,
      coil,
      input,
      releasedLevel: energizeToUnlock,
      closedLevel: (door.contactActive ?? "closed") === "closed",
      openAfterMs: DOOR_OPEN_AFTER_MS,
      closeAfterMs: DOOR_CLOSE_AFTER_MS,
    });
  }
  return out;
}

/** Someone walking slowly round a desk: 0.6 m/s. */
const WALK_SPEED_MM_S = 600;

/**
 * A loop (mm) through the middle of the registration room, or of the first room on `floor`: a
 * rectangle half the room's extent around its centre, corners pulled inside the outline.
 */
export function deskWalk(config: SiteConfig, floor: number | undefined): { loop: Array<[number, number]>; speedMmPerS: number } | null {
  const plan = new FloorPlan(config);
  const onFloor = (r: (typeof plan.rooms)[number]) => r.shapes.some((s) => floor === undefined || s.floor === floor);
  const room = plan.roomsOfType(["registration"]).find(onFloor) ?? plan.rooms.find((r) => r.type !== "corridor" && onFloor(r));
  const shape = room?.shapes.find((s) => floor === undefined || s.floor === floor);
  if (!shape) return null;
  const b = bounds(shape.polygon);
  const [cx, cy] = centroid(shape.polygon);
  const [hx, hy] = [(b.maxX - b.minX) / 4, (b.maxY - b.minY) / 4];
  const corners: Point[] = [
    [cx - hx, cy - hy],
    [cx + hx, cy - hy],
    [cx + hx, cy + hy],
    [cx - hx, cy + hy],
  ];
  const loop = corners.map((c) => nearestInside(shape, c)).map(([x, y]) => [Math.round(x * 1000), Math.round(y * 1000)] as [number, number]);
  return { loop, speedMmPerS: WALK_SPEED_MM_S };
}
