import type { EventDraft } from "../core/envelope.js";
import type { LocalMessage } from "../drivers/normalizer.js";
import type { SubjectRef } from "./bindings.js";
import type { TagLocation } from "./engine.js";
import type { ZoneOccupancy } from "./occupancy.js";

/**
 * Retained local MQTT state for presence (PRIOR-ART.md §8.1):
 *   <base>/<gw>/subject/<subject>/location   {zone, since, confidence, …}
 *   <base>/<gw>/zone/<zone>/occupancy        {count, subjects: […], since}
 * Pure functions; the composition root publishes what they return (retained, QoS 1).
 */
export interface TopicScope {
  /** `localBroker.baseTopic`, "edc" by default. */
  readonly base: string;
  readonly gatewayId: string;
}

/** What the topic builders read; PresenceEngine implements it. */
export interface PresenceView {
  location(tagId: string): TagLocation | undefined;
  occupancy(zoneId: string): ZoneOccupancy;
  occupancyAll(): ZoneOccupancy[];
  tagIds(): string[];
}

const PRESENCE_TYPES = new Set(["ZONE_ENTER", "ZONE_EXIT", "TAG_OFFLINE", "TAG_ONLINE"]);

/** A topic level from any id: [a-z0-9-], never a wildcard or separator (Homie v5 id rule). */
export function topicLevel(id: string): string {
  const level = id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
  return level === "" ? "unknown" : level;
}

/** Persons by their id; unbound tags as `tag-<tagId>`. */
export function subjectLevel(s: SubjectRef): string {
  return topicLevel(s.kind === "person" ? s.id : `tag-${s.id}`);
}

export function locationMessage(scope: TopicScope, loc: TagLocation): LocalMessage {
  return {
    topic: `${scope.base}/${scope.gatewayId}/subject/${subjectLevel(loc.subject)}/location`,
    retain: true,
    payload: {
      zone: loc.zoneId,
      room: loc.roomId ?? null,
      area: loc.areaId ?? null,
      since: loc.since,
      confidence: !loc.online ? "lost" : loc.inferred ? "inferred" : "confirmed",
      online: loc.online,
      lastSeenAt: loc.lastSeenAt,
      tagId: loc.tagId,
      ...(loc.subject.kind === "person" ? { personId: loc.subject.id } : {}),
      ...(loc.role ? { role: loc.role } : {}),
    },
  };
}

export function occupancyMessage(scope: TopicScope, occ: ZoneOccupancy): LocalMessage {
  return {
    topic: `${scope.base}/${scope.gatewayId}/zone/${topicLevel(occ.zoneId)}/occupancy`,
    retain: true,
    payload: {
      zone: occ.zoneId,
      kind: occ.kind,
      area: occ.areaId,
      count: occ.count,
      byRole: occ.byRole,
      since: occ.changedAt,
      subjects: occ.occupants.map((o) => ({
        id: o.subject.id,
        kind: o.subject.kind,
        ...(o.role ? { role: o.role } : {}),
        room: o.zoneId,
        since: o.since,
        online: o.online,
        tagIds: o.tagIds,
      })),
    },
  };
}

/**
 * The retained messages a batch of presence drafts changes: the location of each tag involved
 * and the occupancy of every room left or entered, plus their areas.
 */
export function messagesForDrafts(view: PresenceView, drafts: readonly EventDraft[], scope: TopicScope): LocalMessage[] {
  const tags = new Set<string>();
  const zones = new Set<string>();
  for (const d of drafts) {
    if (!PRESENCE_TYPES.has(d.type)) continue;
    const p = d.payload;
    if (typeof p.tagId === "string") tags.add(p.tagId);
    for (const z of [p.fromZoneId, p.toZoneId, p.lastZoneId, p.zoneId]) if (typeof z === "string") zones.add(z);
  }
  for (const z of [...zones]) zones.add(view.occupancy(z).areaId);
  const out: LocalMessage[] = [];
  for (const t of tags) {
    const loc = view.location(t);
    if (loc) out.push(locationMessage(scope, loc));
  }
  for (const z of zones) out.push(occupancyMessage(scope, view.occupancy(z)));
  return out;
}

/** Everything, for republishing after the local broker (re)connects. */
export function snapshotMessages(view: PresenceView, scope: TopicScope): LocalMessage[] {
  const out: LocalMessage[] = [];
  for (const t of view.tagIds()) {
    const loc = view.location(t);
    if (loc) out.push(locationMessage(scope, loc));
  }
  for (const occ of view.occupancyAll()) out.push(occupancyMessage(scope, occ));
  return out;
}
