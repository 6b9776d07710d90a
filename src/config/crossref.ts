import type { ConfigIssue } from "../core/errors.js";
import { checkShapes } from "./geometry.js";
import { checkNetwork } from "./network-checks.js";
import { asObject, declaredIn, declaredZones, entries, field, joinPath, rooms, text, type Declared } from "./raw.js";
import { closest } from "./suggest.js";

/**
 * Checks the schema cannot express: unique ids, references between sections, room/age
 * consistency, network settings that only make sense together, and floor-plan geometry.
 *
 * Runs on the raw document (see raw.ts) so it reports alongside schema errors; anything of the
 * wrong shape is skipped here because the schema already reports it.
 */
export function checkCrossReferences(doc: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const zones = declaredZones(doc);
  const doors = declaredIn(doc, "doors");
  const devices = declaredIn(doc, "devices");
  issues.push(...duplicates(zones, "zone", " (areas and rooms share one namespace)"));
  issues.push(...duplicates(doors, "door"));
  issues.push(...duplicates(devices, "device"));

  const zoneIds = new Set(zones.map((z) => z.id));
  const deviceIds = new Set(devices.map((d) => d.id));
  issues.push(...checkDoors(doc, zoneIds, deviceIds));
  issues.push(...checkInterlockGroups(doc));
  issues.push(...checkPresence(doc, zoneIds));
  issues.push(...checkRoomAges(doc));
  issues.push(...checkNetwork(doc));
  issues.push(...checkShapes(doc));
  return issues;
}

function duplicates(declared: Declared[], what: string, note = ""): ConfigIssue[] {
  const first = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  for (const d of declared) {
    const earlier = first.get(d.id);
    if (earlier === undefined) first.set(d.id, d.path);
    else issues.push({ path: d.path, message: `duplicate ${what} id "${d.id}": already used at ${earlier}${note}` });
  }
  return issues;
}

/** `unknown zone "x" (did you mean "y"?)`, or the list of known ids when nothing is close. */
export function unknownRef(kind: string, id: string, known: Set<string>): string {
  const hit = closest(id, known);
  if (hit !== undefined) return `unknown ${kind} "${id}" (did you mean "${hit}"?)`;
  if (known.size === 0) return `unknown ${kind} "${id}": none are declared`;
  const list = [...known].sort();
  return `unknown ${kind} "${id}"; declared: ${list.slice(0, 20).join(", ")}${list.length > 20 ? ", …" : ""}`;
}

const DOOR_POINTS = ["lock", "contact", "requestToExit"] as const;

function checkDoors(doc: unknown, zoneIds: Set<string>, deviceIds: Set<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [door, d] of entries(field(doc, "doors"))) {
    const between = field(door, "between");
    const sides = entries(between).map(([z]) => text(z));
    sides.forEach((zone, s) => {
      if (zone !== undefined && !zoneIds.has(zone)) {
        issues.push({ path: joinPath("doors", d, "between", s), message: unknownRef("zone", zone, zoneIds) });
      }
    });
    if (sides.length === 2 && sides[0] !== undefined && sides[0] === sides[1]) {
      issues.push({ path: joinPath("doors", d, "between", 1), message: `a door joins two different zones; both sides are "${sides[0]}"` });
    }
    for (const point of DOOR_POINTS) {
      const device = text(field(field(door, point), "device"));
      if (device !== undefined && !deviceIds.has(device)) {
        issues.push({ path: joinPath("doors", d, point, "device"), message: unknownRef("device", device, deviceIds) });
      }
    }
  }
  return issues;
}

/**
 * An interlock (sally port, AB doors) only means something with two or more doors around one
 * space; a group with a single door is almost always a misspelt group name.
 */
function checkInterlockGroups(doc: unknown): ConfigIssue[] {
  const groups = new Map<string, Array<{ index: number; sides: string[] }>>();
  for (const [door, d] of entries(field(doc, "doors"))) {
    const group = text(field(door, "interlockGroup"));
    if (group === undefined) continue;
    const sides = entries(field(door, "between")).flatMap(([z]) => (typeof z === "string" ? [z] : []));
    groups.set(group, [...(groups.get(group) ?? []), { index: d, sides }]);
  }
  const issues: ConfigIssue[] = [];
  const names = new Set(groups.keys());
  for (const [group, members] of groups) {
    const first = members[0]!;
    const path = joinPath("doors", first.index, "interlockGroup");
    if (members.length < 2) {
      const others = new Set([...names].filter((n) => n !== group));
      const hint = closest(group, others);
      issues.push({
        path,
        message: `interlock group "${group}" has only this door; an interlock needs at least two${hint ? ` (did you mean "${hint}"?)` : ""}`,
      });
      continue;
    }
    const shared = first.sides.filter((zone) => members.every((m) => m.sides.includes(zone)));
    if (shared.length === 0 && members.every((m) => m.sides.length === 2)) {
      const list = members.map((m) => `doors.${m.index}`).join(", ");
      issues.push({ path, message: `the doors of interlock group "${group}" (${list}) do not share a zone; an interlock encloses one space` });
    }
  }
  return issues;
}

function checkPresence(doc: unknown, zoneIds: Set<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const presence = field(doc, "presence");
  for (const list of ["readers", "bleNodes"] as const) {
    const seen = new Map<string, number>();
    for (const [reader, r] of entries(field(presence, list))) {
      const id = text(field(reader, "id"));
      if (id !== undefined) {
        const earlier = seen.get(id);
        if (earlier !== undefined) {
          issues.push({ path: joinPath("presence", list, r, "id"), message: `duplicate id "${id}": already used at presence.${list}.${earlier}` });
        } else seen.set(id, r);
      }
      const zone = text(field(reader, "zone"));
      if (zone !== undefined && !zoneIds.has(zone)) {
        issues.push({ path: joinPath("presence", list, r, "zone"), message: unknownRef("zone", zone, zoneIds) });
      }
    }
  }
  // Per-room timing overrides; the presence engine refuses to start on one naming no zone.
  for (const zone of Object.keys(asObject(field(field(presence, "params"), "rooms")) ?? {})) {
    if (!zoneIds.has(zone)) issues.push({ path: joinPath("presence", "params", "rooms", zone), message: unknownRef("zone", zone, zoneIds) });
  }
  return issues;
}

const JUVENILE_TYPE_OF: Record<string, string> = { holding: "holding_juvenile", interrogation: "interrogation_juvenile" };
const JUVENILE_TYPES = new Set(Object.values(JUVENILE_TYPE_OF));

/**
 * Minors are held apart from adults (预防未成年人犯罪法 Art. 53). Assignment (R09) and contact
 * (R12) rules read both the room type and its age, so the two must agree.
 */
function checkRoomAges(doc: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { room, path } of rooms(doc)) {
    const type = text(field(room, "type"));
    const age = field(room, "age") ?? "any";
    if (type === undefined || typeof age !== "string") continue;
    if (JUVENILE_TYPES.has(type) && age !== "minor") {
      issues.push({
        path: joinPath(path, "age"),
        message: `${type} rooms hold minors only; set age: minor (it is ${field(room, "age") === undefined ? "unset, i.e. any" : age})`,
      });
    } else if (age === "minor" && JUVENILE_TYPE_OF[type] !== undefined) {
      issues.push({ path: joinPath(path, "type"), message: `a room for minors must have type ${JUVENILE_TYPE_OF[type]}, not ${type}` });
    }
  }
  return issues;
}
