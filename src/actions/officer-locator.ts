import type { SiteConfig } from "../config/schema.js";
import type { TagBindings } from "../presence/bindings.js";
import type { PresenceEngine } from "../presence/engine.js";
import type { OfficerLocator, OfficerPosition } from "./duress.js";

/** A floor change counts as this many metres when ranking officers by distance. */
const FLOOR_PENALTY_M = 15;

interface Centre {
  readonly x: number;
  readonly y: number;
  readonly floor: number;
}

/**
 * Officers as presence sees them: every tag bound to an officer, with its room. Distances
 * between rooms are between the centres of their floor-plan outlines (vertex mean of the first
 * shape), so "nearest officers" works with room-level positioning too.
 */
export class PresenceOfficerLocator implements OfficerLocator {
  private readonly centres = new Map<string, Centre>();

  constructor(
    private readonly presence: Pick<PresenceEngine, "tagIds" | "location">,
    private readonly bindings: TagBindings,
    config: Pick<SiteConfig, "areas">,
  ) {
    for (const area of config.areas) {
      for (const room of area.rooms) {
        const shape = room.shapes[0];
        if (!shape || shape.polygon.length === 0) continue;
        const n = shape.polygon.length;
        const x = shape.polygon.reduce((s, p) => s + p[0], 0) / n;
        const y = shape.polygon.reduce((s, p) => s + p[1], 0) / n;
        this.centres.set(room.id, { x, y, floor: shape.floor });
      }
    }
  }

  officerOfTag(tagId: string): string | undefined {
    const b = this.bindings.lookup(tagId);
    return b?.role === "officer" ? b.personId : undefined;
  }

  officers(): OfficerPosition[] {
    const out: OfficerPosition[] = [];
    for (const tagId of this.presence.tagIds()) {
      const b = this.bindings.lookup(tagId);
      if (b?.role !== "officer") continue;
      const loc = this.presence.location(tagId);
      if (!loc) continue;
      out.push({ personId: b.personId, zoneId: loc.zoneId, at: loc.lastSeenAt, online: loc.online });
    }
    return out;
  }

  position(personId: string): OfficerPosition | undefined {
    // An officer may wear more than one tag; the most recently seen one counts.
    return this.officers()
      .filter((o) => o.personId === personId)
      .sort((a, b) => b.at - a.at)[0];
  }

  zoneDistance(a: string, b: string): number {
    const ca = this.centres.get(a);
    const cb = this.centres.get(b);
    if (!ca || !cb) return Infinity;
    return Math.hypot(ca.x - cb.x, ca.y - cb.y) + Math.abs(ca.floor - cb.floor) * FLOOR_PENALTY_M;
  }
}
