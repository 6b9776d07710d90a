/**
 * Presence engine throughput: observations/s through PresenceEngine for 500 tags walking a
 * two-floor center, against a baseline of the same loop doing only JSON.parse of the same
 * lines. Run: `npx tsx bench/presence.ts` (writes bench/results/presence.json).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SiteConfig, type SiteConfigInput } from "../src/config/schema.js";
import type { Observation } from "../src/drivers/contract.js";
import { MemoryTagBindings } from "../src/presence/bindings.js";
import { PresenceEngine } from "../src/presence/engine.js";
import { SqlitePresenceStore } from "../src/presence/persist.js";
import { compileSite, type PresenceSite } from "../src/presence/site.js";
import { openDatabase } from "../src/store/db.js";
import { isEntryPoint, measure, median, writeResult, type Timing } from "./lib.js";

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

export interface PresenceBenchOptions {
  tags?: number;
  /** Samples per tag per second (500 tags × 10 Hz = 5,000 observations/s of simulated time). */
  rateHz?: number;
  observations?: number;
  runs?: number;
  seed?: number;
  /** Skip the SQLite variant (fsync-bound; slow on a busy disk). */
  skipStore?: boolean;
}

/** Per floor: a 100 m corridor with pillar holes, 12 rooms on each side, a stair well on both floors. */
function centerConfig(): SiteConfigInput {
  const rooms: NonNullable<NonNullable<SiteConfigInput["areas"]>[number]["rooms"]> = [];
  const readers: { id: string; zone: string }[] = [];
  const bleNodes: { id: string; zone: string }[] = [];
  const types = ["holding", "interrogation", "waiting", "search", "medical", "toilet"] as const;
  for (const floor of [1, 2]) {
    const pillars = Array.from({ length: 8 }, (_, i): [number, number][] => [[10 + i * 10, 11.5], [11 + i * 10, 11.5], [11 + i * 10, 12.5], [10 + i * 10, 12.5]]);
    rooms.push({ id: `corridor-${floor}`, type: "corridor", shapes: [{ floor, polygon: [[0, 10], [100, 10], [100, 14], [0, 14]], holes: pillars }] });
    for (let i = 0; i < 12; i++) {
      for (const side of ["n", "s"] as const) {
        const id = `r${floor}-${side}${i}`;
        const y0 = side === "n" ? 14 : 0;
        rooms.push({ id, type: types[(i + (side === "n" ? 0 : 3)) % types.length]!, shapes: [{ floor, polygon: [[i * 8, y0], [i * 8 + 8, y0], [i * 8 + 8, y0 + 10], [i * 8, y0 + 10]] }] });
        readers.push({ id: `lf-${id}`, zone: id });
        bleNodes.push({ id: `ble-${id}`, zone: id });
      }
    }
  }
  rooms.push({ id: "stairs", type: "corridor", shapes: [1, 2].map((floor) => ({ floor, polygon: [[100, 0], [104, 0], [104, 24], [100, 24]] as [number, number][] })) });
  return {
    version: 1,
    center: { id: "bench", name: "Bench center" },
    gateway: { id: "gw-bench" },
    areas: [{ id: "secure", type: "secure_area", rooms }],
    presence: { minQuality: 50, readers, bleNodes, params: {} },
  };
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON lines `{"t": receivedAt, "o": observation}` as a normalizer would hand them over, time-ordered. */
function generate(site: PresenceSite, tags: number, rateHz: number, total: number, seed: number): string[] {
  const r = rng(seed);
  const rooms = [...site.zones.values()].filter((z) => z.kind === "room" && z.id !== "stairs").map((z) => z.id);
  const walkers = Array.from({ length: tags }, () => ({ room: rooms[Math.floor(r() * rooms.length)]!, until: T0 + r() * 60_000 }));
  const lines: string[] = [];
  const stepMs = 1000 / (tags * rateHz);
  for (let i = 0; i < total; i++) {
    const at = Math.round(T0 + i * stepMs);
    const k = i % tags;
    const w = walkers[k]!;
    if (at >= w.until) {
      w.room = rooms[Math.floor(r() * rooms.length)]!;
      w.until = at + 10_000 + r() * 50_000;
    }
    const room = r() < 0.05 ? rooms[Math.floor(r() * rooms.length)]! : w.room; // border jitter
    lines.push(JSON.stringify({ t: at + Math.floor(r() * 50), o: observe(room, `tag-${k}`, at, r) }));
  }
  return lines;
}

function observe(room: string, tagId: string, at: number, r: () => number): Observation {
  const kind = r();
  if (kind < 0.2) return { kind: "reader", tagId, readerId: `lf-${room}`, method: "lf_exciter" };
  if (kind < 0.3) return { kind: "ble", tagId, nodeId: `ble-${room}`, distance: 0.5 + r() * 2, method: "ble", deviceTime: at };
  const m = /^r(\d)-([ns])(\d+)$/.exec(room);
  const floor = m ? Number(m[1]) : Number(room.slice(-1));
  const x = m ? Number(m[3]) * 8 + 0.5 + r() * 7 : 1 + r() * 98;
  const y = m ? (m[2] === "n" ? 14.5 : 0.5) + r() * 9 : 12.2 + r() * 1.6;
  return { kind: "coordinates", tagId, x, y, floor, quality: 60 + Math.floor(r() * 40), method: "uwb", deviceTime: at };
}

type Line = { t: number; o: Observation };

/** Feeds one parsed line, ticking once per simulated second as the daemon does. */
function driver(engine: PresenceEngine): (m: Line) => void {
  let nextTick = T0 + 1000;
  return (m) => {
    if (m.t >= nextTick) {
      engine.tick(nextTick);
      nextTick += 1000;
    }
    engine.ingest(m.o, m.t);
  };
}

function newEngine(site: PresenceSite, store?: SqlitePresenceStore): { engine: PresenceEngine; events: () => number } {
  let events = 0;
  const engine = new PresenceEngine({ site, bindings: new MemoryTagBindings(), ...(store ? { store } : {}), sink: (d) => (events += d.length) });
  return { engine, events: () => events };
}

export function runPresenceBench(opts: PresenceBenchOptions = {}) {
  const tags = opts.tags ?? 500;
  const rateHz = opts.rateHz ?? 10;
  const total = opts.observations ?? 300_000;
  const runs = opts.runs ?? 5;
  const site = compileSite(SiteConfig.parse(centerConfig()));
  const lines = generate(site, tags, rateHz, total, opts.seed ?? 7);
  const parsed = lines.map((l) => JSON.parse(l) as Line);

  let sink = 0;
  const baseline = () => measure(() => lines.forEach((l) => (sink += (JSON.parse(l) as Line).t)));
  const full = (store?: SqlitePresenceStore) => {
    const e = newEngine(site, store);
    const feed = driver(e.engine);
    const timing = measure(() => lines.forEach((l) => feed(JSON.parse(l) as Line)));
    return { ...timing, events: e.events(), transitions: e.engine.stats().transitions };
  };
  const engineOnly = () => {
    const feed = driver(newEngine(site).engine);
    return measure(() => parsed.forEach(feed));
  };

  baseline();
  full(); // warm-up
  const runsOf = { baseline: [] as Timing[], full: [] as Timing[], engineOnly: [] as Timing[] };
  let counts = { events: 0, transitions: 0 };
  for (let i = 0; i < runs; i++) {
    runsOf.baseline.push(baseline());
    const f = full();
    runsOf.full.push(f);
    counts = { events: f.events, transitions: f.transitions };
    runsOf.engineOnly.push(engineOnly());
  }
  let stored: Timing | null = null;
  if (!opts.skipStore) {
    const dir = mkdtempSync(join(tmpdir(), "presence-bench-"));
    const db = openDatabase(join(dir, "state.db"));
    stored = full(new SqlitePresenceStore(db));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const summary = (ts: Timing[], what: string) => {
    const wall = median(ts.map((t) => t.wall));
    const cpu = median(ts.map((t) => t.cpu));
    return { what, wallSeconds: wall, cpuSeconds: cpu, observationsPerSecond: Math.round(total / wall), observationsPerCpuSecond: Math.round(total / cpu) };
  };
  const base = summary(runsOf.baseline, "JSON.parse of each line only");
  const engine = summary(runsOf.full, "JSON.parse + PresenceEngine.ingest, tick every simulated second, no store");
  return {
    benchmark: "presence",
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    loadAverage1m: loadavg()[0],
    setup: { tags, rateHz, observations: total, runs, rooms: site.zones.size - 1, mix: "70% UWB coordinates, 20% LF reader, 10% BLE; 5% border jitter" },
    baseline: base,
    engine,
    /** Engine loop time over baseline loop time (CPU), same lines, same run. */
    ratio: Number((engine.cpuSeconds / base.cpuSeconds).toFixed(2)),
    engineOnly: summary(runsOf.engineOnly, "PresenceEngine.ingest + ticks on the same observations already parsed"),
    withSqliteStore: stored ? summary([stored], "as engine, state in a SQLite file (WAL, synchronous=FULL: one fsync per move)") : null,
    transitions: counts.transitions,
    events: counts.events,
    target: { observationsPerSecond: 200_000, met: engine.observationsPerCpuSecond >= 200_000 },
    sink,
  };
}

/** The report without the anti-dead-code sink, as written to bench/results/presence.json. */
export function presenceReport(opts: PresenceBenchOptions = {}) {
  const { sink: _unused, ...report } = runPresenceBench(opts);
  writeResult("presence.json", report);
  return report;
}

if (isEntryPoint(import.meta.url)) console.log(JSON.stringify(presenceReport(), null, 2));
