/**
 * Defensive reads over the parsed YAML before (or despite) schema validation. The loader runs
 * the cross-reference checks on the raw document so that one run reports schema mistakes and
 * reference mistakes together; these helpers make every lookup total (wrong shapes read as
 * "absent", and the schema reports them).
 */
export type RawObject = Record<string, unknown>;

export function asObject(value: unknown): RawObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as RawObject) : undefined;
}

/** `value[key]` when value is a mapping, else undefined. */
export function field(value: unknown, key: string): unknown {
  return asObject(value)?.[key];
}

/** Entries of a sequence with their index (non-sequences read as empty). */
export function entries(value: unknown): Array<[unknown, number]> {
  return Array.isArray(value) ? value.map((v, i) => [v, i] as [unknown, number]) : [];
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function joinPath(...parts: Array<string | number>): string {
  return parts.filter((p) => p !== "").join(".");
}

/** An id declared somewhere in the document, with the path of its `id` field. */
export interface Declared {
  id: string;
  path: string;
}

/** Zones (areas and their rooms) share one id namespace: doors and readers name either. */
export function declaredZones(doc: unknown): Declared[] {
  const zones: Declared[] = [];
  for (const [area, a] of entries(field(doc, "areas"))) {
    const id = text(field(area, "id"));
    if (id !== undefined) zones.push({ id, path: joinPath("areas", a, "id") });
    for (const [room, r] of entries(field(area, "rooms"))) {
      const roomId = text(field(room, "id"));
      if (roomId !== undefined) zones.push({ id: roomId, path: joinPath("areas", a, "rooms", r, "id") });
    }
  }
  return zones;
}

/** Rooms with the path of the room itself (e.g. `areas.1.rooms.3`). */
export function rooms(doc: unknown): Array<{ room: unknown; path: string }> {
  const out: Array<{ room: unknown; path: string }> = [];
  for (const [area, a] of entries(field(doc, "areas"))) {
    for (const [room, r] of entries(field(area, "rooms"))) out.push({ room, path: joinPath("areas", a, "rooms", r) });
  }
  return out;
}

/** Items of a top-level list that carry a string id (doors, devices). */
export function declaredIn(doc: unknown, section: string): Declared[] {
  const out: Declared[] = [];
  for (const [item, i] of entries(field(doc, section))) {
    const id = text(field(item, "id"));
    if (id !== undefined) out.push({ id, path: joinPath(section, i, "id") });
  }
  return out;
}
