import { beforeEach, describe, expect, it } from "vitest";
import { compileDoorSite } from "../../src/actions/door-site.js";
import { DURESS_DEFAULTS, DuressWatch, type DuressConfig } from "../../src/actions/duress.js";
import { PresenceOfficerLocator } from "../../src/actions/officer-locator.js";
import { SiteConfig } from "../../src/config/schema.js";
import { FakeClock } from "../../src/core/clock.js";
import { compileSite, MemoryTagBindings, PresenceEngine } from "../../src/presence/index.js";
import type { AlarmAction } from "../../src/rules/alarm-types.js";

/**
 * R36 with the real presence engine: officers are placed by room readers, distances come from
 * the floor plan. Rooms along a corridor: int-1 at x 0–5, int-2 at 5–10, holding at 30–35.
 */
const box = (x0: number, x1: number): Array<[number, number]> => [
  [x0, 3],
  [x1, 3],
  [x1, 8],
  [x0, 8],
];
const config = SiteConfig.parse({
  version: 1,
  center: { id: "c1", name: "t" },
  gateway: { id: "gw" },
  areas: [
    {
      id: "secure",
      type: "secure_area",
      rooms: [
        { id: "corridor", type: "corridor", shapes: [{ polygon: [[0, 0], [40, 0], [40, 3], [0, 3]] }] },
        { id: "int-1", type: "interrogation", shapes: [{ polygon: box(0, 5) }] },
        { id: "int-2", type: "interrogation", shapes: [{ polygon: box(5, 10) }] },
        { id: "holding", type: "holding", shapes: [{ polygon: box(30, 35) }] },
      ],
    },
  ],
  devices: [{ id: "io", driver: "sim-door" }],
  inputs: [{ id: "panic-int-2", kind: "duress", point: { device: "io", point: "panic" }, zone: "int-2" }],
  presence: {
    readers: ["corridor", "int-1", "int-2", "holding"].map((zone) => ({ id: `r-${zone}`, zone })),
    params: { default: { dwellS: 0, minSamples: 1 } },
  },
  actions: { duress: { credentials: [{ credential: "8800123", officerId: "o-1" }], nearestOfficers: 2 } },
});

let clock: FakeClock;
let alarms: AlarmAction[];
let watch: DuressWatch;

beforeEach(() => {
  clock = new FakeClock();
  alarms = [];
  const bindings = new MemoryTagBindings([
    ["tag-o1", { personId: "o-1", role: "officer" }],
    ["tag-o2", { personId: "o-2", role: "officer" }],
    ["tag-o3", { personId: "o-3", role: "officer" }],
    ["tag-o4", { personId: "o-4", role: "officer" }],
    ["tag-d1", { personId: "d-1", role: "detainee" }],
  ]);
  const presence = new PresenceEngine({ site: compileSite(config), bindings, sink: () => {} });
  const place: Array<[string, string]> = [
    ["tag-o1", "int-1"],
    ["tag-o2", "holding"],
    ["tag-o3", "int-2"],
    ["tag-o4", "int-1"],
    ["tag-d1", "int-1"],
  ];
  for (const [tagId, zone] of place) presence.ingest({ kind: "reader", tagId, readerId: `r-${zone}`, method: "rf24" }, clock.now());
  const site = compileDoorSite(config);
  const cfg: DuressConfig = {
    inputs: [...site.inputs.values()].filter((i) => i.kind === "duress"),
    tagEvents: [...DURESS_DEFAULTS.tagEvents],
    credentials: new Map(config.actions!.duress!.credentials!.map((c) => [c.credential, c.officerId])),
    nearestOfficers: config.actions!.duress!.nearestOfficers!,
  };
  watch = new DuressWatch(cfg, new PresenceOfficerLocator(presence, bindings, config), clock, (a) => void alarms.push(...a));
});

const raises = () => alarms.filter((a): a is Extract<AlarmAction, { kind: "raise" }> => a.kind === "raise");

describe("officer duress (R36)", () => {
  it("a tag button raises a critical alarm with the officer's last room and the nearest officers", () => {
    watch.onDeviceMessage("rtls", { type: "event", name: "sos", data: { tagId: "tag-o1" } });
    expect(raises()).toHaveLength(1);
    const a = raises()[0]!;
    expect(a).toMatchObject({ type: "OFFICER_DURESS", ruleId: "R36", severity: 4, zoneId: "int-1", subjects: ["o-1"], relatedPersonIds: ["o-4", "o-3"] });
    expect(a.data).toMatchObject({ officerId: "o-1", zoneId: "int-1", nearestOfficerIds: ["o-4", "o-3"], source: "tag_button", tagId: "tag-o1", autoClear: false });
  });

  it("a duress card at a reader names its officer", () => {
    watch.onDeviceMessage("osdp-1", { type: "event", name: "card_read", data: { card: 8800123, pd: "cell-1" } });
    expect(raises()[0]).toMatchObject({ subjects: ["o-1"], zoneId: "int-1", data: { source: "credential", deviceId: "osdp-1" } });
    watch.onDeviceMessage("osdp-1", { type: "event", name: "card_read", data: { card: 1234 } });
    expect(raises()).toHaveLength(1);
  });

  it("a fixed panic button raises on its rising edge, at its room, with the officers nearest that room", () => {
    watch.onDeviceMessage("io", { type: "state", values: { panic: true } });
    watch.onDeviceMessage("io", { type: "state", values: { panic: true, other: 1 } });
    expect(raises()).toHaveLength(1);
    expect(raises()[0]).toMatchObject({ zoneId: "int-2", subjects: ["panic-int-2"], relatedPersonIds: ["o-3", "o-1"], data: { source: "panic_button", officerId: null } });
    watch.onDeviceMessage("io", { type: "state", values: { panic: false } });
    clock.advance(60_000);
    watch.onDeviceMessage("io", { type: "state", values: { panic: true } });
    expect(raises()).toHaveLength(2);
    expect(raises()[1]!.dedupKey).not.toBe(raises()[0]!.dedupKey);
  });

  it("repeats within the window update one alarm; a later press is a new alarm; nothing ever clears it", () => {
    watch.onDeviceMessage("rtls", { type: "event", name: "sos", data: { tagId: "tag-o1" } });
    clock.advance(5_000);
    watch.onDeviceMessage("rtls", { type: "event", name: "sos", data: { tagId: "tag-o1" } });
    clock.advance(20_000);
    watch.onDeviceMessage("rtls", { type: "event", name: "sos", data: { tagId: "tag-o1" } });
    const keys = raises().map((a) => a.dedupKey);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(alarms.some((a) => a.kind === "clear")).toBe(false);
  });

  it("an SOS from a tag no officer wears is still raised, without a location", () => {
    watch.onDeviceMessage("rtls", { type: "event", name: "sos", data: { tagId: "tag-unknown" } });
    expect(raises()[0]).toMatchObject({ subjects: ["tag-unknown"], data: { officerId: null, zoneId: null } });
  });
});
