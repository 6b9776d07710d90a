/**
 * Presence engine throughput: observations/s through PresenceEngine for 500 tags walking a
 * two-floor center, against a baseline of the same loop doing only JSON.parse of the same
 * lines. Run: `npx tsx bench/presence.ts` (writes bench/results/presence.json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SiteConfig, type SiteConfigInput } from "../src/config/schema.js";
import type { Observation } from "../src/drivers/contract.js";
import { MemoryTagBindings } from "../src/presence/bindings.js";
import { PresenceEngine } from "../src/presence/engine.js";
import { SqlitePresenceStore } from "../src/presence/persist.js";
import { compileSite, type PresenceSite } from "../src/presence/site.js";
import { openDatabase } from "../src/store/db.js";

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

export interface PresenceBenchOptions {
  tags?: number;
  /** Samples per tag per second (500 tags × 10 Hz = 5,000 observations/s of simulated time). */
  rateHz?: number;
  observations?: number;
  runs?: number;
  seed?: number;
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

function timeLoop(lines: readonly string[], body: (m: { t: number; o: Observation }) => void): number {
  const start = process.hrtime.bigint();
  for (const line of lines) body(JSON.parse(line) as { t: number; o: Observation });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function engineLoop(site: PresenceSite, lines: readonly string[], withStore: string | null) {
  const db = withStore ? openDatabase(withStore) : null;
  let events = 0;
  const engine = new PresenceEngine({
    site,
    bindings: new MemoryTagBindings(),
    ...(db ? { store: new SqlitePresenceStore(db) } : {}),
    sink: (d) => {
      events += d.length;
    },
  });
  let nextTick = T0 + 1000;
  const seconds = timeLoop(lines, (m) => {
    if (m.t >= nextTick) {
      engine.tick(nextTick);
      nextTick += 1000;
    }
    engine.ingest(m.o, m.t);
  });
  db?.close();
  return { seconds, events, transitions: engine.stats().transitions };
}

export function runPresenceBench(opts: PresenceBenchOptions = {}) {
  const tags = opts.tags ?? 500;
  const rateHz = opts.rateHz ?? 10;
  const total = opts.observations ?? 300_000;
  const runs = opts.runs ?? 5;
  const site = compileSite(SiteConfig.parse(centerConfig()));
  const lines = generate(site, tags, rateHz, total, opts.seed ?? 7);

  let sink = 0;
  const baseline = () => timeLoop(lines, (m) => (sink += m.t));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  baseline();
  engineLoop(site, lines, null); // warm-up
  const baseSeconds: number[] = [];
  const engineRuns: ReturnType<typeof engineLoop>[] = [];
  for (let i = 0; i < runs; i++) {
    baseSeconds.push(baseline());
    engineRuns.push(engineLoop(site, lines, null));
  }
  const dir = mkdtempSync(join(tmpdir(), "presence-bench-"));
  const stored = engineLoop(site, lines, join(dir, "state.db"));
  rmSync(dir, { recursive: true, force: true });

  const base = median(baseSeconds);
  const eng = median(engineRuns.map((r) => r.seconds));
  return {
    benchmark: "presence",
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    setup: { tags, rateHz, observations: total, runs, rooms: site.zones.size - 1, mix: "70% UWB coordinates, 20% LF reader, 10% BLE; 5% border jitter" },
    baseline: { what: "JSON.parse of each line only", seconds: base, observationsPerSecond: Math.round(total / base) },
    engine: { what: "JSON.parse + PresenceEngine.ingest, tick every simulated second, no store", seconds: eng, observationsPerSecond: Math.round(total / eng) },
    ratio: Number((eng / base).toFixed(2)),
    withSqliteStore: { what: "same, state in a SQLite file (WAL, synchronous=FULL)", seconds: stored.seconds, observationsPerSecond: Math.round(total / stored.seconds) },
    transitions: engineRuns[0]!.transitions,
    events: engineRuns[0]!.events,
    target: { observationsPerSecond: 200_000, met: total / eng >= 200_000 },
    sink,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runPresenceBench();
  const { sink: _unused, ...report } = result;
  const out = join(dirname(fileURLToPath(import.meta.url)), "results", "presence.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
}
