import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { EventDraft } from "../../src/core/envelope.js";
import { MemoryTagBindings } from "../../src/presence/bindings.js";
import { PresenceEngine } from "../../src/presence/engine.js";
import { SqlitePresenceStore } from "../../src/presence/persist.js";
import { openDatabase, type Db } from "../../src/store/db.js";
import { harness, T0, testSite } from "./fixtures.js";
import { checkAll } from "./invariants.js";
import { buildWalk, WALK_ROOMS, type Delivery, type StaySpec } from "./walks.js";

const dir = mkdtempSync(join(tmpdir(), "presence-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshDb = () => join(dir, `state-${++files}.db`);
/**
 * The daemon's database setup, minus the fsync per commit: a restart here is a new connection
 * in the same OS, which sees every committed transaction anyway, and a busy disk would make
 * hundreds of fsyncs per run the slowest part of this file.
 */
function open(path: string): Db {
  const db = openDatabase(path);
  db.pragma("synchronous = OFF");
  return db;
}

const site = testSite({ offlineTimeoutS: 5, onlineSamples: 3, bleWindowS: 1.5, reorderWindowS: 0.5 });
const bindings = new MemoryTagBindings([
  ["tag-0", { personId: "p-0", role: "detainee", sessionId: "s-0" }],
  ["tag-1", { personId: "p-1", role: "officer" }],
]);

type Step = { kind: "obs"; d: Delivery } | { kind: "tick"; now: number };

/** Three tags' walks merged with a tick every second, as the daemon would see them. */
function timeline(plans: readonly StaySpec[][], seed: number): Step[] {
  const deliveries = plans
    .flatMap((plan, i) => buildWalk(site, `tag-${i}`, plan, seed + i, { t0: T0, offlineTimeoutMs: 5_000, maxIntervalMs: 800 }).deliveries)
    .sort((a, b) => a.receivedAt - b.receivedAt);
  const steps: Step[] = [];
  let next = T0 + 1_000;
  for (const d of deliveries) {
    for (; next < d.receivedAt; next += 1_000) steps.push({ kind: "tick", now: next });
    steps.push({ kind: "obs", d });
  }
  return steps;
}

function feed(engine: PresenceEngine, steps: readonly Step[]): void {
  for (const s of steps) {
    if (s.kind === "tick") engine.tick(s.now);
    else engine.ingest(s.d.observation, s.d.receivedAt, { deviceId: "rtls-1" });
  }
}

function openEngine(db: Db, out: EventDraft[][]): PresenceEngine {
  return new PresenceEngine({ site, bindings, store: new SqlitePresenceStore(db), sink: (d) => out.push([...d]) });
}

/** Feeds the steps up to `cut` to one engine, then the rest to a second one opened on the same file. */
function runWithRestart(steps: readonly Step[], cut: number, how: "stop" | "crash") {
  const path = freshDb();
  const batches: EventDraft[][] = [];
  let db = open(path);
  const first = openEngine(db, batches);
  feed(first, steps.slice(0, cut));
  if (how === "stop") first.close(); // a crash skips the final flush: pending progress is lost
  db.close();
  db = open(path);
  const second = openEngine(db, batches);
  feed(second, steps.slice(cut));
  db.close();
  return { batches, second };
}

const plan: fc.Arbitrary<StaySpec[]> = fc.array(
  fc.record({
    room: fc.constantFrom(...WALK_ROOMS),
    pass: fc.constant(false),
    durMs: fc.integer({ min: 12_000, max: 20_000 }),
    gapBefore: fc.integer({ min: 1, max: 4 }).map((k) => k === 1),
    midGap: fc.constant(false),
  }),
  { minLength: 2, maxLength: 6 },
);

describe("restart from the SQLite store", () => {
  it("gives the same events as an uninterrupted run, wherever the restart falls", () => {
    fc.assert(
      fc.property(fc.array(plan, { minLength: 2, maxLength: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (plans, seed, where) => {
        const steps = timeline(plans, seed);
        const once = harness(site, { bindings });
        feed(once.engine, steps);

        const { batches } = runWithRestart(steps, Math.floor(where * steps.length), "stop");
        expect(batches).toEqual(once.batches);
      }),
      { seed: 20260104, numRuns: 25 },
    );
  });

  it("after a crash (no final flush) neither repeats an enter nor loses an exit", () => {
    fc.assert(
      fc.property(fc.array(plan, { minLength: 2, maxLength: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (plans, seed, where) => {
        const steps = timeline(plans, seed);
        const once = harness(site, { bindings });
        feed(once.engine, steps);

        const { batches, second } = runWithRestart(steps, Math.floor(where * steps.length), "crash");

        const broken = checkAll({ batches }, site);
        if (broken) throw new Error(broken);
        const rooms = (bs: readonly EventDraft[][], tag: string) => bs.flat().filter((d) => d.type === "ZONE_ENTER" && d.payload.tagId === tag).map((d) => d.payload.toZoneId);
        for (const tag of once.engine.tagIds()) {
          expect(rooms(batches, tag)).toEqual(rooms(once.batches, tag));
          expect(second.location(tag)!.zoneId).toBe(once.engine.location(tag)!.zoneId);
        }
      }),
      { seed: 20260105, numRuns: 25 },
    );
  });

  it("commits state and the sink's own writes in one transaction", () => {
    const db = open(freshDb());
    db.exec("CREATE TABLE sunk (type TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO sunk (type) VALUES (?)");
    let fail = false;
    const engine = new PresenceEngine({
      site,
      bindings,
      store: new SqlitePresenceStore(db),
      sink: (drafts) => {
        for (const d of drafts) insert.run(d.type);
        if (fail) throw new Error("uplink refused");
      },
    });
    const hall = { kind: "coordinates", tagId: "tag-0", x: 8, y: 5, method: "uwb" } as const;
    const booth = { ...hall, x: 16, y: 7 };
    for (const t of [0, 500, 1000]) engine.ingest(hall, T0 + t);
    expect(db.prepare("SELECT type FROM sunk").pluck().all()).toEqual(["ZONE_ENTER"]);
    expect(db.prepare("SELECT zone_id FROM presence_tag WHERE tag_id = 'tag-0'").pluck().get()).toBe("hall");

    fail = true;
    for (const t of [2000, 3000, 4000]) engine.ingest(booth, T0 + t);
    expect(() => engine.ingest(booth, T0 + 5000)).toThrow("uplink refused");
    expect(db.prepare("SELECT type FROM sunk").pluck().all()).toEqual(["ZONE_ENTER"]);
    expect(db.prepare("SELECT zone_id FROM presence_tag WHERE tag_id = 'tag-0'").pluck().get()).toBe("hall");
    expect(engine.location("tag-0")!.zoneId).toBe("hall");

    fail = false;
    engine.ingest(booth, T0 + 6000);
    expect(db.prepare("SELECT type FROM sunk").pluck().all()).toEqual(["ZONE_ENTER", "ZONE_EXIT", "ZONE_ENTER"]);
    expect(db.prepare("SELECT zone_id FROM presence_tag WHERE tag_id = 'tag-0'").pluck().get()).toBe("booth");
    db.close();
  });

  it("restores occupancy and dwell totals, and skips unreadable rows", () => {
    const path = freshDb();
    let db = open(path);
    const first = openEngine(db, []);
    const hall = { kind: "coordinates", tagId: "tag-0", x: 8, y: 5, method: "uwb" } as const;
    const booth = { ...hall, x: 16, y: 7 };
    for (const t of [0, 500, 1000]) first.ingest(hall, T0 + t);
    for (const t of [2_000, 3_000, 4_000, 5_000]) first.ingest(booth, T0 + t);
    first.close();
    db.prepare("INSERT INTO presence_tag (tag_id, zone_id, since, online, last_seen_at, state) VALUES ('bad', NULL, NULL, 1, 0, '{oops')").run();
    db.close();

    db = open(path);
    const second = openEngine(db, []);
    expect(second.tagIds()).toEqual(["tag-0"]);
    expect(second.occupancy("booth").occupants.map((o) => o.subject)).toEqual([{ kind: "person", id: "p-0" }]);
    expect(second.dwellMs({ kind: "person", id: "p-0" }, "hall", T0 + 20_000)).toBe(2_000);
    expect(second.dwellMs({ kind: "person", id: "p-0" }, "booth", T0 + 20_000)).toBe(18_000);
    expect(second.dwellMs({ kind: "person", id: "p-0" }, "secure", T0 + 20_000)).toBe(20_000);
    db.close();
  });
});
