import { SiteConfig, type SiteConfigInput } from "../../src/config/schema.js";
import type { EventDraft } from "../../src/core/envelope.js";
import type { Observation } from "../../src/drivers/contract.js";
import { MemoryTagBindings } from "../../src/presence/bindings.js";
import { PresenceEngine } from "../../src/presence/engine.js";
import type { PresenceParamsInput } from "../../src/presence/params.js";
import type { PresenceStore } from "../../src/presence/persist.js";
import { compileSite, type PresenceSite } from "../../src/presence/site.js";

export const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

/**
 * Test site. Floor 1: a corridor "hall" (0..20 × 0..10) with a pillar hole at 2..4 × 2..4 and
 * an interview "booth" drawn inside it (14..18 × 6..9); a concave L-shaped "office-l" east of
 * it; "stairs" on floors 1 and 2. Floor 2: holding "cell-2" under the same x/y as the hall.
 * Intake area: "reg" with an LF reader and two BLE nodes. Perimeter: "sally" behind an exit
 * exciter. A reader "gate-secure" knows only the secure area.
 */
export function siteConfig(params: PresenceParamsInput = {}, minQuality = 50): SiteConfigInput {
  return {
    version: 1,
    center: { id: "demo", name: "Demo center" },
    gateway: { id: "gw-1" },
    areas: [
      {
        id: "secure",
        type: "secure_area",
        rooms: [
          {
            id: "hall",
            type: "corridor",
            shapes: [{ floor: 1, polygon: [[0, 0], [20, 0], [20, 10], [0, 10]], holes: [[[2, 2], [4, 2], [4, 4], [2, 4]]] }],
          },
          { id: "booth", type: "interview", shapes: [{ floor: 1, polygon: [[14, 6], [18, 6], [18, 9], [14, 9]] }] },
          { id: "cell-2", type: "holding", shapes: [{ floor: 2, polygon: [[0, 0], [10, 0], [10, 10], [0, 10]] }] },
          {
            id: "stairs",
            type: "corridor",
            shapes: [
              { floor: 1, polygon: [[30, 0], [32, 0], [32, 10], [30, 10]] },
              { floor: 2, polygon: [[30, 0], [32, 0], [32, 10], [30, 10]] },
            ],
          },
        ],
      },
      {
        id: "staff",
        type: "office",
        rooms: [{ id: "office-l", type: "office", shapes: [{ floor: 1, polygon: [[20, 0], [30, 0], [30, 4], [24, 4], [24, 10], [20, 10]] }] }],
      },
      { id: "intake", type: "reception", rooms: [{ id: "reg", type: "registration" }] },
      { id: "perimeter", type: "perimeter", rooms: [{ id: "sally", type: "sally_port", adjacentToExit: true }] },
    ],
    presence: {
      minQuality,
      readers: [
        { id: "lf-reg", zone: "reg" },
        { id: "lf-booth", zone: "booth" },
        { id: "lf-hall", zone: "hall" },
        { id: "exit-1", zone: "sally", exit: true },
        { id: "gate-secure", zone: "secure" },
      ],
      bleNodes: [
        { id: "ble-reg-1", zone: "reg" },
        { id: "ble-reg-2", zone: "reg" },
        { id: "ble-hall", zone: "hall" },
        { id: "ble-booth", zone: "booth" },
      ],
      params: params as Record<string, unknown>,
    },
  };
}

export function testSite(params: PresenceParamsInput = {}, minQuality = 50): PresenceSite {
  return compileSite(SiteConfig.parse(siteConfig(params, minQuality)));
}

/** An engine with a collecting sink; `batches` keeps each sink call separately. */
export function harness(site: PresenceSite, opts: { store?: PresenceStore; bindings?: MemoryTagBindings } = {}) {
  const drafts: EventDraft[] = [];
  const batches: EventDraft[][] = [];
  const bindings = opts.bindings ?? new MemoryTagBindings();
  const engine = new PresenceEngine({
    site,
    bindings,
    store: opts.store,
    sink: (d) => {
      batches.push([...d]);
      drafts.push(...d);
    },
  });
  return { engine, drafts, batches, bindings };
}

export const coord = (tagId: string, x: number, y: number, extra: Partial<Extract<Observation, { kind: "coordinates" }>> = {}): Observation => ({
  kind: "coordinates",
  tagId,
  x,
  y,
  method: "uwb",
  ...extra,
});
export const read = (tagId: string, readerId: string, deviceTime?: number): Observation => ({
  kind: "reader",
  tagId,
  readerId,
  method: "lf_exciter",
  ...(deviceTime !== undefined ? { deviceTime } : {}),
});
export const ble = (tagId: string, nodeId: string, distance: number, deviceTime?: number): Observation => ({
  kind: "ble",
  tagId,
  nodeId,
  distance,
  method: "ble",
  ...(deviceTime !== undefined ? { deviceTime } : {}),
});

/** Compact view of presence drafts for golden comparisons. */
export function brief(d: EventDraft): string {
  const p = d.payload;
  const at = (d.receivedAt ?? 0) - T0;
  switch (d.type) {
    case "ZONE_ENTER":
    case "ZONE_EXIT":
      return `${d.type} ${p.tagId} ${p.fromZoneId ?? "-"}>${p.toZoneId} @${at} moved@${(p.movedAt as number) - T0}${p.inferred ? " inferred" : ""}${p.dwellMs !== undefined ? ` dwell=${p.dwellMs}` : ""}${p.exitReader ? " exit-reader" : ""}`;
    case "TAG_OFFLINE":
      return `TAG_OFFLINE ${p.tagId} in=${p.lastZoneId ?? "-"} @${at} last@${(p.lastSeenAt as number) - T0}`;
    case "TAG_ONLINE":
      return `TAG_ONLINE ${p.tagId} in=${p.zoneId ?? "-"} @${at} off=${p.offlineMs}`;
    default:
      return d.type;
  }
}
