import type { Observation } from "../drivers/contract.js";
import type { PresenceSite } from "./site.js";
import type { BleReading } from "./types.js";

/** Why a sample said nothing about the room (it still proves the tag is alive, unless invalid). */
export type NoVoteReason = "low_quality" | "unmapped" | "unknown_reader" | "unknown_node" | "ambiguous" | "too_far";

export type Vote =
  | { readonly zoneId: string; readonly exit: boolean; readonly ble?: readonly BleReading[] }
  | { readonly zoneId: null; readonly reason: NoVoteReason; readonly ble?: readonly BleReading[] };

/** A reading no device should produce (NaN, negative distance): dropped, not even liveness. */
export function isValidObservation(o: Observation): boolean {
  switch (o.kind) {
    case "coordinates":
      return Number.isFinite(o.x) && Number.isFinite(o.y);
    case "reader":
      return o.readerId.length > 0;
    case "ble":
      return Number.isFinite(o.distance) && o.distance >= 0;
  }
}

/** Votes are immutable: one object per zone and kind of vote, not one per sample. */
const roomVotes = new Map<string, Vote>();
const exitVotes = new Map<string, Vote>();
function zoneVote(zoneId: string, exit: boolean): Vote {
  const cache = exit ? exitVotes : roomVotes;
  let v = cache.get(zoneId);
  if (!v) cache.set(zoneId, (v = { zoneId, exit }));
  return v;
}
const NO_VOTE: Record<NoVoteReason, Vote> = {
  low_quality: { zoneId: null, reason: "low_quality" },
  unmapped: { zoneId: null, reason: "unmapped" },
  unknown_reader: { zoneId: null, reason: "unknown_reader" },
  unknown_node: { zoneId: null, reason: "unknown_node" },
  ambiguous: { zoneId: null, reason: "ambiguous" },
  too_far: { zoneId: null, reason: "too_far" },
};

/**
 * Which zone one sample votes for. Coordinates go through the floor plan (below the site's
 * minimum quality they do not vote); readers and BLE nodes map by id. BLE keeps a short window
 * of readings per node and votes only when the nearest zone beats the runner-up by the margin.
 */
export function voteFor(site: PresenceSite, o: Observation, at: number, ble: readonly BleReading[]): Vote {
  switch (o.kind) {
    case "coordinates": {
      if (o.quality !== undefined && o.quality < site.minQuality) return NO_VOTE.low_quality;
      const zoneId = site.plan.zoneAt(o.x, o.y, o.floor ?? site.tuning.defaultFloor);
      return zoneId === null ? NO_VOTE.unmapped : zoneVote(zoneId, false);
    }
    case "reader": {
      const reader = site.readers.get(o.readerId);
      return reader ? zoneVote(reader.zoneId, reader.exit) : NO_VOTE.unknown_reader;
    }
    case "ble":
      return bleVote(site, o.nodeId, o.distance, at, ble);
  }
}

function bleVote(site: PresenceSite, nodeId: string, distance: number, at: number, previous: readonly BleReading[]): Vote {
  const zoneOfNode = site.bleNodes.get(nodeId);
  if (zoneOfNode === undefined) return NO_VOTE.unknown_node;
  const { bleWindowMs, bleMarginM, bleMaxDistanceM } = site.tuning;
  const ble: BleReading[] = [];
  for (const r of previous) if (r.nodeId !== nodeId && at - r.at <= bleWindowMs) ble.push(r);
  if (distance <= bleMaxDistanceM) ble.push({ nodeId, zoneId: zoneOfNode, distance, at });

  // Nearest reading per zone, then the best two zones.
  const nearest = new Map<string, number>();
  for (const r of ble) nearest.set(r.zoneId, Math.min(r.distance, nearest.get(r.zoneId) ?? Infinity));
  let best: string | null = null;
  let bestD = Infinity;
  let secondD = Infinity;
  for (const [zoneId, d] of nearest) {
    if (d < bestD) {
      secondD = bestD;
      best = zoneId;
      bestD = d;
    } else if (d < secondD) secondD = d;
  }
  if (best === null) return { zoneId: null, reason: "too_far", ble };
  if (secondD - bestD < bleMarginM) return { zoneId: null, reason: "ambiguous", ble };
  return { zoneId: best, exit: false, ble };
}
