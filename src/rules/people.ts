import type { AreaType, RoomType } from "../config/schema.js";
import type { CustodySession, InterrogationSession, LegalBasis } from "../custody/model.js";
import type { Occupant, RoomInfo, RuleView } from "./view.js";

/**
 * Answers computed once per view: the engine makes one view per step and nothing changes
 * during a step, so every detector of the step shares them (occupancy is asked a lot).
 */
const memos = new WeakMap<RuleView, Map<string, unknown>>();

export function memo<T>(view: RuleView, key: string, compute: () => T): T {
  let m = memos.get(view);
  if (!m) memos.set(view, (m = new Map()));
  if (m.has(key)) return m.get(key) as T;
  const v = compute();
  m.set(key, v);
  return v;
}

export function occupantsIn(view: RuleView, roomId: string): readonly Occupant[] {
  return memo(view, `occ:${roomId}`, () => view.presence.occupants(roomId));
}

/**
 * Questions many detectors ask of the view. Detainees are counted at their last known place even
 * while their tag is offline (R19 reports the silence); officers count only while their tag is
 * live, because an absent officer must never be assumed present.
 */
export function detaineesIn(view: RuleView, roomId: string): string[] {
  const out = new Set<string>();
  for (const o of occupantsIn(view, roomId)) if (o.personId !== undefined && o.role === "detainee") out.add(o.personId);
  return [...out];
}

export function officersIn(view: RuleView, roomId: string, roles: readonly string[] = ["officer"]): string[] {
  const out = new Set<string>();
  for (const o of occupantsIn(view, roomId)) if (o.personId !== undefined && o.role !== undefined && roles.includes(o.role) && o.online !== false) out.add(o.personId);
  return [...out];
}

/** Bound persons in the room with one of the roles, each once. */
export function personsIn(view: RuleView, roomId: string, roles: readonly string[]): string[] {
  const out = new Set<string>();
  for (const o of occupantsIn(view, roomId)) if (o.personId !== undefined && o.role !== undefined && roles.includes(o.role)) out.add(o.personId);
  return [...out];
}

/** A detainee whose session is open and inside the area (not on temporary exit, not exited). */
export function inArea(view: RuleView, personId: string): CustodySession | undefined {
  const s = view.custody.openSession(personId);
  return s && s.state !== "exited" && s.state !== "temp_exit" ? s : undefined;
}

/** Under `years`: by age when known, else by the minor flag (unknown age with the flag counts as minor). */
export function isUnder(view: RuleView, personId: string, at: number, years: number): boolean {
  const age = view.custody.ageAt(personId, at);
  if (age !== undefined) return age < years;
  return view.custody.person(personId)?.vulnerable.includes("minor") === true;
}

export type BasisCategory = "criminal" | "administrative" | "continued_questioning" | "other";

export function basisCategory(basis: LegalBasis): BasisCategory {
  switch (basis) {
    case "summons":
    case "verbal_summons":
    case "compelled_appearance":
    case "criminal_detention":
    case "arrest":
      return "criminal";
    case "admin_questioning":
      return "administrative";
    case "continued_questioning":
      return "continued_questioning";
    default:
      return "other";
  }
}

/** What kind of place a zone id is: a room (with its area type) or a bare area. */
export interface PlaceInfo {
  readonly roomId?: string;
  readonly areaId?: string;
  readonly roomType?: RoomType;
  readonly areaType?: AreaType;
  readonly room?: RoomInfo;
}

export function placeOf(view: RuleView, zoneId: string | undefined): PlaceInfo | undefined {
  if (zoneId === undefined) return undefined;
  const room = view.presence.room(zoneId);
  if (room) return { roomId: room.id, areaId: room.areaId, roomType: room.type, ...(room.areaType ? { areaType: room.areaType } : {}), room };
  const area = view.presence.area?.(zoneId);
  return area ? { areaId: area.id, areaType: area.type } : undefined;
}

/** Dwell of a co-location rule for a room type (per-type value wins), in ms. */
export function dwellMsFor(p: { readonly dwellS: number; readonly dwellSByRoomType: Partial<Record<RoomType, number>> }, type: RoomType): number {
  return (p.dwellSByRoomType[type] ?? p.dwellS) * 1000;
}

/** The open interrogation (no end) of a session, if any. */
export function openInterrogation(s: CustodySession): InterrogationSession | undefined {
  for (let i = s.interrogations.length - 1; i >= 0; i--) {
    const it = s.interrogations[i]!;
    if (it.endedAt === undefined) return it;
  }
  return undefined;
}

export interface OpenInterrogation {
  readonly personId: string;
  readonly session: CustodySession;
  readonly it: InterrogationSession;
}

/** Open interrogations by room, with their detainee. */
export function interrogationsByRoom(view: RuleView): Map<string, OpenInterrogation[]> {
  return memo(view, "interrogations", () => collectInterrogations(view));
}

function collectInterrogations(view: RuleView): Map<string, OpenInterrogation[]> {
  const out = new Map<string, OpenInterrogation[]>();
  for (const s of view.custody.openSessions()) {
    const it = openInterrogation(s);
    if (!it) continue;
    const list = out.get(it.roomId) ?? [];
    list.push({ personId: s.personId, session: s, it });
    out.set(it.roomId, list);
  }
  return out;
}

/**
 * Who wears a tag: the event's own person, else custody's lookup, else the open sessions, else
 * the tag's occupant record in presence (officers carry bound tags without a custody session).
 */
export function personOfTag(view: RuleView, tagId: string, fromEvent?: string): string | undefined {
  if (fromEvent !== undefined) return fromEvent;
  if (view.custody.personOfTag) return view.custody.personOfTag(tagId);
  const bySession = view.custody.openSessions().find((s) => s.tagIds.includes(tagId))?.personId;
  if (bySession !== undefined) return bySession;
  const roomId = view.presence.roomOf({ tagId });
  return roomId === undefined ? undefined : occupantsIn(view, roomId).find((o) => o.tagId === tagId)?.personId;
}
