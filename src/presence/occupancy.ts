import type { PersonRole } from "../core/envelope.js";
import { subjectKey, subjectOf, type SubjectRef, type TagBindings } from "./bindings.js";
import type { PresenceSite } from "./site.js";

export interface Occupant {
  readonly subject: SubjectRef;
  readonly role?: PersonRole;
  readonly sessionId?: string;
  /** The person's tags in this zone (a person may wear an HF and an LF tag). */
  readonly tagIds: readonly string[];
  /** The room (or area) the occupant is in; for a room query, the room itself. */
  readonly zoneId: string;
  readonly since: number;
  /** False while every one of its tags here is offline: last known place, not a live reading. */
  readonly online: boolean;
}

export interface ZoneOccupancy {
  readonly zoneId: string;
  readonly kind: "room" | "area";
  readonly areaId: string;
  readonly count: number;
  /** Occupants per role; unbound tags count under "unbound". */
  readonly byRole: Readonly<Partial<Record<PersonRole | "unbound", number>>>;
  /** Last time anyone entered or left (null: never). */
  readonly changedAt: number | null;
  readonly occupants: readonly Occupant[];
}

interface Placement {
  zoneId: string;
  since: number;
  online: boolean;
}

/**
 * Who is in which room and area, kept from accepted transitions. Bindings are resolved when
 * asked, so a tag bound after it entered shows as its person at once.
 */
export class Occupancy {
  private readonly where = new Map<string, Placement>();
  private readonly byZone = new Map<string, Set<string>>();
  private readonly changedAt = new Map<string, number>();

  constructor(
    private readonly site: PresenceSite,
    private readonly bindings: TagBindings,
  ) {}

  /** Put a tag in a zone (or nowhere) at `at`. */
  place(tagId: string, zoneId: string | null, since: number, at: number, online = true): void {
    const old = this.where.get(tagId);
    if (old) {
      this.byZone.get(old.zoneId)?.delete(tagId);
      this.touch(old.zoneId, at);
    }
    if (zoneId === null) {
      this.where.delete(tagId);
      return;
    }
    this.where.set(tagId, { zoneId, since, online });
    let set = this.byZone.get(zoneId);
    if (!set) this.byZone.set(zoneId, (set = new Set()));
    set.add(tagId);
    this.touch(zoneId, at);
  }

  setOnline(tagId: string, online: boolean): void {
    const p = this.where.get(tagId);
    if (p) p.online = online;
  }

  zoneOf(tagId: string): { zoneId: string; since: number; online: boolean } | undefined {
    return this.where.get(tagId);
  }

  /** A room, or an area with everyone in its rooms. Unknown ids give an empty room-like answer. */
  of(zoneId: string): ZoneOccupancy {
    const zone = this.site.zones.get(zoneId);
    const kind = zone?.kind ?? "room";
    const members = kind === "area" ? [zoneId, ...(this.site.areas.get(zoneId) ?? [])] : [zoneId];
    const occupants = new Map<string, Occupant>();
    let changedAt: number | null = null;
    for (const member of members) {
      const c = this.changedAt.get(member);
      if (c !== undefined) changedAt = Math.max(changedAt ?? c, c);
      for (const tagId of this.byZone.get(member) ?? []) this.addOccupant(occupants, tagId, this.where.get(tagId)!);
    }
    const list = [...occupants.values()].sort((a, b) => a.since - b.since || (subjectKey(a.subject) < subjectKey(b.subject) ? -1 : 1));
    const byRole: Partial<Record<PersonRole | "unbound", number>> = {};
    for (const o of list) byRole[o.role ?? "unbound"] = (byRole[o.role ?? "unbound"] ?? 0) + 1;
    return { zoneId, kind, areaId: zone?.areaId ?? zoneId, count: list.length, byRole, changedAt, occupants: list };
  }

  /** Every zone of the site (rooms and areas), for a full retained snapshot. */
  all(): ZoneOccupancy[] {
    return [...this.site.zones.keys()].map((id) => this.of(id));
  }

  private addOccupant(into: Map<string, Occupant>, tagId: string, p: Placement): void {
    const binding = this.bindings.lookup(tagId);
    const subject = subjectOf(tagId, binding);
    const key = subjectKey(subject);
    const prev = into.get(key);
    if (prev) {
      into.set(key, {
        ...prev,
        tagIds: [...prev.tagIds, tagId].sort(),
        since: Math.min(prev.since, p.since),
        online: prev.online || p.online,
      });
      return;
    }
    into.set(key, {
      subject,
      ...(binding ? { role: binding.role } : {}),
      ...(binding?.sessionId !== undefined ? { sessionId: binding.sessionId } : {}),
      tagIds: [tagId],
      zoneId: p.zoneId,
      since: p.since,
      online: p.online,
    });
  }

  private touch(zoneId: string, at: number): void {
    this.changedAt.set(zoneId, Math.max(this.changedAt.get(zoneId) ?? at, at));
  }
}
