import { unknownRef } from "../config/crossref.js";
import { asObject, declaredIn, declaredZones, entries, field, joinPath, text } from "../config/raw.js";
import type { ConfigIssue } from "../core/errors.js";

/**
 * References the `inputs:` and `actions:` sections and the door-control fields make, checked on
 * the raw document like the other cross-reference checks (so one run reports everything).
 */
export function checkActionReferences(doc: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const zones = new Set(declaredZones(doc).map((z) => z.id));
  const doors = new Set(declaredIn(doc, "doors").map((d) => d.id));
  const devices = new Set(declaredIn(doc, "devices").map((d) => d.id));
  const groups = new Set(entries(field(doc, "doors")).flatMap(([d]) => (text(field(d, "interlockGroup")) !== undefined ? [text(field(d, "interlockGroup"))!] : [])));
  const ref = (kind: string, id: unknown, known: Set<string>, path: string) => {
    const s = text(id);
    if (s !== undefined && !known.has(s)) issues.push({ path, message: unknownRef(kind, s, known) });
  };
  const device = (point: unknown, path: string) => ref("device", field(point, "device"), devices, joinPath(path, "device"));

  for (const [door, d] of entries(field(doc, "doors"))) {
    device(field(door, "lockSensor"), joinPath("doors", d, "lockSensor"));
    if (text(field(door, "interlockGroup")) !== undefined && field(door, "lock") !== undefined && field(door, "contact") === undefined) {
      issues.push({ path: joinPath("doors", d, "contact"), message: "a door with a lock in an interlock group needs a contact: the interlock acts on sensor truth" });
    }
  }

  const inputIds = new Map<string, number>();
  for (const [input, i] of entries(field(doc, "inputs"))) {
    const path = joinPath("inputs", i);
    const id = text(field(input, "id"));
    if (id !== undefined && inputIds.has(id)) issues.push({ path: joinPath(path, "id"), message: `duplicate input id "${id}": already used at inputs.${inputIds.get(id)}` });
    if (id !== undefined && !inputIds.has(id)) inputIds.set(id, i);
    device(field(input, "point"), joinPath(path, "point"));
    ref("zone", field(input, "zone"), zones, joinPath(path, "zone"));
    for (const [d, k] of entries(field(input, "doors"))) ref("door", d, doors, joinPath(path, "doors", k));
    for (const [g, k] of entries(field(input, "groups"))) ref("interlock group", g, groups, joinPath(path, "groups", k));
  }

  const actions = field(doc, "actions");
  for (const [binding, b] of entries(field(actions, "bindings"))) {
    for (const [spec, s] of entries(field(binding, "actions"))) {
      const path = joinPath("actions", "bindings", b, "actions", s);
      ref("device", field(spec, "device"), devices, joinPath(path, "device"));
      ref("zone", field(spec, "room"), zones, joinPath(path, "room"));
      for (const [d, k] of entries(field(spec, "doors"))) ref("door", d, doors, joinPath(path, "doors", k));
      for (const room of Object.keys(asObject(field(spec, "rooms")) ?? {})) ref("zone", room, zones, joinPath(path, "rooms", room));
    }
  }
  for (const [hb, h] of entries(field(actions, "heartbeats"))) ref("device", field(hb, "device"), devices, joinPath("actions", "heartbeats", h, "device"));
  for (const [rp, r] of entries(field(actions, "roomPower"))) {
    const path = joinPath("actions", "roomPower", r);
    ref("zone", field(rp, "room"), zones, joinPath(path, "room"));
    device(field(rp, "power"), joinPath(path, "power"));
    device(field(rp, "signage"), joinPath(path, "signage"));
  }
  return issues;
}
