import type { CustodyService } from "../custody/index.js";
import type { CustodySession, Person } from "../custody/index.js";
import type { Occupant, PresenceEngine, TagLocation, ZoneOccupancy } from "../presence/index.js";
import type { Alarm } from "../rules/index.js";
import type { ApiDeps } from "./deps.js";

/**
 * The read models of the API, built from the engines when asked. Shapes are plain JSON for a
 * floor-plan view and the CLI; docs/api.md lists them.
 */

export interface OccupantView {
  readonly kind: "person" | "tag";
  readonly id: string;
  readonly name?: string;
  readonly role?: string;
  readonly sessionId?: string;
  readonly tagIds: readonly string[];
  readonly since: number;
  /** False while every tag of the occupant here is offline (last known place). */
  readonly online: boolean;
}

interface OccupancyView {
  readonly count: number;
  readonly byRole: Readonly<Partial<Record<string, number>>>;
  readonly changedAt: number | null;
  readonly occupants: OccupantView[];
}

export function zonesView(deps: Pick<ApiDeps, "config" | "presence" | "custody">): { areas: unknown[] } {
  const occupant = (o: Occupant): OccupantView => {
    const name = o.subject.kind === "person" ? deps.custody.reader.person(o.subject.id)?.name : undefined;
    return {
      kind: o.subject.kind,
      id: o.subject.id,
      ...(name !== undefined && { name }),
      ...(o.role !== undefined && { role: o.role }),
      ...(o.sessionId !== undefined && { sessionId: o.sessionId }),
      tagIds: o.tagIds,
      since: o.since,
      online: o.online,
    };
  };
  const occupancy = (z: ZoneOccupancy, only?: (o: Occupant) => boolean): OccupancyView => {
    if (!only) return { count: z.count, byRole: z.byRole, changedAt: z.changedAt, occupants: z.occupants.map(occupant) };
    const list = z.occupants.filter(only);
    const byRole: Partial<Record<string, number>> = {};
    for (const o of list) byRole[o.role ?? "unbound"] = (byRole[o.role ?? "unbound"] ?? 0) + 1;
    return { count: list.length, byRole, changedAt: z.changedAt, occupants: list.map(occupant) };
  };
  return {
    areas: deps.config.areas.map((a) => {
      const all = deps.presence.occupancy(a.id);
      return {
        id: a.id,
        ...(a.name !== undefined && { name: a.name }),
        type: a.type,
        // The area's total and totalByRole count everyone in it, its rooms included; count, byRole
        // and occupants are about those located in the area but in none of its rooms.
        total: all.count,
        totalByRole: all.byRole,
        ...occupancy(all, (o) => o.zoneId === a.id),
        rooms: a.rooms.map((r) => ({
          id: r.id,
          ...(r.name !== undefined && { name: r.name }),
          type: r.type,
          ...(r.capacity !== undefined && { capacity: r.capacity }),
          shapes: r.shapes,
          ...occupancy(deps.presence.occupancy(r.id)),
        })),
      };
    }),
  };
}

export interface PersonView {
  readonly personId: string;
  readonly person: Omit<Person, "idNumber" | "identityRef" | "ruleParams">;
  /** The tag seen most recently; null when none of the person's tags has been located. */
  readonly location: Omit<TagLocation, "subject"> | null;
  readonly tags: Omit<TagLocation, "subject">[];
  readonly session: SessionSummary | null;
  readonly clock: ReturnType<CustodyService["clockOfPerson"]> | null;
  readonly alarms: Alarm[];
}

type SessionSummary = Pick<
  CustodySession,
  "sessionId" | "state" | "legalBasis" | "arrivalAt" | "tagIds" | "holdingRoomId" | "holdingSince" | "assignedInterrogationRoomId" | "escortOfficerIds" | "steps" | "tempExit" | "exit"
> & { readonly interrogation: CustodySession["interrogations"][number] | null; readonly interrogations: number };

export function personView(deps: Pick<ApiDeps, "presence" | "custody" | "rules">, personId: string): PersonView | undefined {
  const reader = deps.custody.reader;
  const person = reader.person(personId);
  if (!person) return undefined;
  const { idNumber: _id, identityRef: _ref, ruleParams: _params, ...shown } = person;
  const tags = tagLocations(deps.presence, reader.tagsOf(personId));
  const s = reader.openSession(personId) ?? reader.previousSessionOf(person);
  return {
    personId,
    person: shown,
    location: tags.find((t) => t.zoneId !== null) ?? null,
    tags,
    session: s ? sessionSummary(s) : null,
    clock: deps.custody.clockOfPerson(personId) ?? null,
    alarms: deps.rules.openAlarms().filter((a) => a.subjects.includes(personId) || a.relatedPersonIds.includes(personId)),
  };
}

/** Located tags first, the most recently seen first. */
function tagLocations(presence: PresenceEngine, tagIds: readonly string[]): Omit<TagLocation, "subject">[] {
  const out: Omit<TagLocation, "subject">[] = [];
  for (const tagId of tagIds) {
    const l = presence.location(tagId);
    if (!l) continue;
    const { subject: _s, ...rest } = l;
    out.push(rest);
  }
  return out.sort((a, b) => Number(b.zoneId !== null) - Number(a.zoneId !== null) || b.lastSeenAt - a.lastSeenAt);
}

function sessionSummary(s: CustodySession): SessionSummary {
  return {
    sessionId: s.sessionId,
    state: s.state,
    legalBasis: s.legalBasis,
    arrivalAt: s.arrivalAt,
    tagIds: s.tagIds,
    ...(s.holdingRoomId !== undefined && { holdingRoomId: s.holdingRoomId }),
    ...(s.holdingSince !== undefined && { holdingSince: s.holdingSince }),
    ...(s.assignedInterrogationRoomId !== undefined && { assignedInterrogationRoomId: s.assignedInterrogationRoomId }),
    escortOfficerIds: s.escortOfficerIds,
    steps: s.steps,
    ...(s.tempExit !== undefined && { tempExit: s.tempExit }),
    ...(s.exit !== undefined && { exit: s.exit }),
    interrogation: s.interrogations.find((i) => i.endedAt === undefined) ?? null,
    interrogations: s.interrogations.length,
  };
}

export function doorsView(deps: Pick<ApiDeps, "config" | "actions">): { doors: unknown[]; inputs: Readonly<Record<string, boolean>> } {
  const byId = new Map(deps.config.doors.map((d) => [d.id, d]));
  return {
    doors: deps.actions.doors.views().map((v) => {
      const d = byId.get(v.doorId);
      return { ...(d?.name !== undefined && { name: d.name }), between: d?.between ?? [], failMode: d?.failMode, ...v };
    }),
    inputs: deps.actions.doors.inputs(),
  };
}

/** Most severe first, then oldest first. */
export function sortedAlarms(alarms: readonly Alarm[]): Alarm[] {
  return [...alarms].sort((a, b) => b.severity - a.severity || a.firstAt - b.firstAt);
}
