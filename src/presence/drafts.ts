import type { EventDraft, EventSource, Subject } from "../core/envelope.js";
import type { TagBinding } from "./bindings.js";
import type { PresenceSite } from "./site.js";
import type { PresenceEvent } from "./types.js";

export const PRESENCE_ORIGIN = "engine:presence";

/**
 * Turns a machine event into an envelope draft (DOMAIN.md §8.1). The envelope's zoneId is the
 * area and roomId the room the event is about: the room left for an exit, entered for an enter.
 */
export function toDraft(e: PresenceEvent, site: PresenceSite, binding: TagBinding | undefined): EventDraft {
  const person = binding ? { personId: binding.personId } : {};
  const subjects: Subject[] = [{ kind: "tag", id: e.tagId }];
  if (binding) subjects.push({ kind: "person", id: binding.personId, role: binding.role });
  const base = {
    receivedAt: e.at,
    subjects,
    ...(binding ? { personId: binding.personId, role: binding.role } : {}),
    ...(binding?.sessionId !== undefined ? { sessionId: binding.sessionId } : {}),
  };
  const source: EventSource = e.type === "TAG_OFFLINE" ? { origin: PRESENCE_ORIGIN } : (e.source ?? { origin: PRESENCE_ORIGIN });

  const draft = (category: "location" | "device", about: string | null, payload: Record<string, unknown>, occurredAt?: number): EventDraft => ({
    type: e.type,
    category,
    ...base,
    ...where(site, about),
    ...(occurredAt !== undefined ? { occurredAt } : {}),
    source,
    payload: { tagId: e.tagId, ...person, ...payload },
  });

  switch (e.type) {
    case "ZONE_ENTER":
    case "ZONE_EXIT":
      return draft(
        "location",
        e.type === "ZONE_EXIT" ? e.fromZoneId : e.toZoneId,
        {
          fromZoneId: e.fromZoneId,
          toZoneId: e.toZoneId,
          method: e.method,
          inferred: e.inferred,
          movedAt: e.movedAt,
          ...(e.dwellMs !== undefined ? { dwellMs: e.dwellMs } : {}),
          ...(e.readerId !== undefined ? { readerId: e.readerId, exitReader: e.exitReader === true } : {}),
        },
        e.deviceTime,
      );
    case "TAG_OFFLINE":
      return draft("device", e.zoneId, {
        lastZoneId: e.zoneId,
        lastSeenAt: e.lastSeenAt,
        adjacentToExit: e.zoneId !== null && site.zones.get(e.zoneId)?.adjacentToExit === true,
      });
    case "TAG_ONLINE":
      return draft("device", e.zoneId, { zoneId: e.zoneId, offlineAt: e.offlineAt, offlineMs: e.at - e.offlineAt, method: e.method });
  }
}

function where(site: PresenceSite, zoneId: string | null): { zoneId?: string; roomId?: string } {
  if (zoneId === null) return {};
  const zone = site.zones.get(zoneId);
  if (!zone) return { roomId: zoneId };
  return zone.kind === "room" ? { zoneId: zone.areaId, roomId: zone.id } : { zoneId: zone.id };
}
