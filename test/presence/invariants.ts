import type { EventDraft } from "../../src/core/envelope.js";
import type { PresenceSite } from "../../src/presence/site.js";

/**
 * Invariants that hold for ANY input stream: checked on the drafts an engine handed to its
 * sink, batch by batch. Each returns the first violation as text (undefined when all hold).
 */
export interface PresenceRun {
  readonly batches: readonly (readonly EventDraft[])[];
}

const tagOf = (d: EventDraft) => d.payload.tagId as string;

/** Per tag: first ENTER from nowhere, then EXIT(a→b) immediately followed by ENTER(a→b), same time, same batch. */
export function checkPairing(run: PresenceRun): string | undefined {
  const zoneOf = new Map<string, string | null>();
  for (const batch of run.batches) {
    for (let i = 0; i < batch.length; i++) {
      const d = batch[i]!;
      const tag = tagOf(d);
      const current = zoneOf.get(tag) ?? null;
      const p = d.payload;
      if (d.type === "ZONE_EXIT") {
        const next = batch[i + 1];
        if (p.fromZoneId !== current) return `${tag}: exit from ${String(p.fromZoneId)} while in ${String(current)}`;
        if (!next || next.type !== "ZONE_ENTER" || tagOf(next) !== tag) return `${tag}: exit not followed by its enter in the same batch`;
        if (next.receivedAt !== d.receivedAt) return `${tag}: exit and enter at different times`;
        if (next.payload.fromZoneId !== p.fromZoneId || next.payload.toZoneId !== p.toZoneId) return `${tag}: exit and enter disagree`;
      } else if (d.type === "ZONE_ENTER") {
        if (p.fromZoneId !== current) return `${tag}: enter from ${String(p.fromZoneId)} while in ${String(current)}`;
        if (current !== null && batch[i - 1]?.type !== "ZONE_EXIT") return `${tag}: enter without the exit right before it`;
        if (p.toZoneId === current) return `${tag}: enter into the zone it is in`;
        zoneOf.set(tag, p.toZoneId as string);
      }
    }
  }
  return undefined;
}

/** Per tag: a move is accepted no earlier than the new zone's dwell after the first sample there (exit exciters excepted). */
export function checkHysteresis(run: PresenceRun, site: PresenceSite): string | undefined {
  const lastMove = new Map<string, number>();
  for (const batch of run.batches) {
    for (const d of batch) {
      if (d.type !== "ZONE_ENTER") continue;
      const tag = tagOf(d);
      if (d.payload.exitReader) {
        lastMove.set(tag, d.receivedAt!);
        continue;
      }
      const dwell = site.zones.get(d.payload.toZoneId as string)!.timing.dwellMs;
      const at = d.receivedAt!;
      const movedAt = d.payload.movedAt as number;
      if (at - movedAt < dwell) return `${tag}: entered ${String(d.payload.toZoneId)} ${at - movedAt} ms after the first sample (dwell ${dwell})`;
      const prev = lastMove.get(tag);
      if (prev !== undefined && at - prev < dwell) return `${tag}: two moves ${at - prev} ms apart (dwell ${dwell})`;
      if (prev !== undefined && movedAt < prev) return `${tag}: moved at ${movedAt}, before the previous move at ${prev}`;
      lastMove.set(tag, at);
    }
  }
  return undefined;
}

/** Per tag: event times never go back; OFFLINE and ONLINE alternate, starting with OFFLINE. */
export function checkOrderAndLiveness(run: PresenceRun): string | undefined {
  const lastAt = new Map<string, number>();
  const online = new Map<string, boolean>();
  for (const batch of run.batches) {
    for (const d of batch) {
      const tag = tagOf(d);
      const at = d.receivedAt!;
      if (at < (lastAt.get(tag) ?? -Infinity)) return `${tag}: ${d.type} at ${at} before an earlier event at ${lastAt.get(tag)}`;
      lastAt.set(tag, at);
      const isOnline = online.get(tag) ?? true;
      if (d.type === "TAG_OFFLINE" && !isOnline) return `${tag}: offline twice`;
      if (d.type === "TAG_ONLINE" && isOnline) return `${tag}: online while online`;
      if (d.type === "TAG_OFFLINE" || d.type === "TAG_ONLINE") online.set(tag, d.type === "TAG_ONLINE");
    }
  }
  return undefined;
}

export function checkAll(run: PresenceRun, site: PresenceSite): string | undefined {
  return checkPairing(run) ?? checkHysteresis(run, site) ?? checkOrderAndLiveness(run);
}
