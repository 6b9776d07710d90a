/**
 * Cost of rule evaluation per observation with 500 people tracked, as a ratio to presence alone
 * in the same run: the same observation stream goes once through PresenceEngine only, and once
 * through PresenceEngine with the RuleEngine fed by its events (every runtime detector, ticks
 * each simulated second). Run: `npx tsx bench/rules.ts` (writes bench/results/rules.json).
 */
import { cpus, loadavg } from "node:os";
import { SiteConfig, type SiteConfigInput } from "../src/config/schema.js";
import { FakeClock } from "../src/core/clock.js";
import type { Observation } from "../src/drivers/contract.js";
import { MemoryTagBindings } from "../src/presence/bindings.js";
import { PresenceEngine } from "../src/presence/engine.js";
import { compileSite } from "../src/presence/site.js";
import type { RuleEvent } from "../src/rules/detector.js";
import { RuleEngine } from "../src/rules/engine.js";
import { defaultRuleParams } from "../src/rules/params.js";
import { createRng } from "../src/sim/random.js";
import { presenceViewOf, ruleViewProvider } from "../src/rules/presence-view.js";
import { FakeCenter, T0 } from "../test/rules/fixtures/fake-center.js";
import { isEntryPoint, measure, median, writeResult, type Timing } from "./lib.js";

type RoomSpec = NonNullable<NonNullable<SiteConfigInput["areas"]>[number]["rooms"]>[number];

/** A corridor 4 m wide, rooms of 8 × 10 m on both sides; an exit room with an exit exciter at the end. */
function centerConfig(): SiteConfig {
  const rooms: RoomSpec[] = [{ id: "corridor", type: "corridor", shapes: [{ polygon: [[0, 10], [200, 10], [200, 14], [0, 14]] }] }];
  const kinds: RoomSpec["type"][] = ["holding", "holding", "interrogation", "interrogation", "search", "capture", "toilet", "medical", "waiting", "interview"];
  for (let i = 0; i < 24; i++) {
    for (const side of ["n", "s"] as const) {
      const y0 = side === "n" ? 14 : 0;
      const type = kinds[(i * 2 + (side === "n" ? 0 : 1)) % kinds.length]!;
      rooms.push({ id: `${type}-${side}${i}`, type, ...(type === "holding" ? { capacity: 12 } : {}), shapes: [{ polygon: [[i * 8, y0], [i * 8 + 8, y0], [i * 8 + 8, y0 + 10], [i * 8, y0 + 10]] }] });
    }
  }
  rooms.push({ id: "exit-room", type: "exit", adjacentToExit: true, shapes: [{ polygon: [[200, 0], [206, 0], [206, 24], [200, 24]] }] });
  return SiteConfig.parse({
    version: 1,
    center: { id: "bench", name: "Bench center" },
    gateway: { id: "gw-bench" },
    areas: [{ id: "secure", type: "secure_area", rooms }],
    presence: { readers: [{ id: "exit-1", zone: "exit-room", exit: true }] },
  });
}

interface Line {
  readonly t: number;
  readonly o: Observation;
}

/** People wander between rooms (a new room every 10–60 s), each tag reporting UWB coordinates at `rateHz`. */
function generate(config: SiteConfig, people: number, rateHz: number, total: number, seed: number): Line[] {
  const r = createRng(seed).next;
  const rooms = config.areas[0]!.rooms.filter((x) => x.type !== "exit");
  const walkers = Array.from({ length: people }, () => ({ room: rooms[Math.floor(r() * rooms.length)]!, until: T0 + r() * 60_000 }));
  const stepMs = 1000 / (people * rateHz);
  const out: Line[] = [];
  for (let i = 0; i < total; i++) {
    const t = Math.round(T0 + i * stepMs);
    const k = i % people;
    const w = walkers[k]!;
    if (t >= w.until) {
      w.room = rooms[Math.floor(r() * rooms.length)]!;
      w.until = t + 10_000 + r() * 50_000;
    }
    const ring = w.room.shapes[0]!.polygon;
    const [x0, y0] = ring[0]!;
    const [x1, y1] = ring[2]!;
    const o: Observation = { kind: "coordinates", tagId: `tag-${k}`, x: x0 + 0.3 + r() * (x1 - x0 - 0.6), y: y0 + 0.3 + r() * (y1 - y0 - 0.6), method: "uwb", quality: 90, deviceTime: t };
    out.push({ t, o });
  }
  return out;
}

/** 80 % detainees (cases shared in pairs, both sexes, some minors, sessions with interrogations), 20 % officers. */
function custody(people: number, clock: FakeClock, seed: number) {
  const r = createRng(seed).next;
  const center = new FakeCenter(() => clock.now());
  const bindings = new MemoryTagBindings();
  const tagsOf = new Map<string, string[]>();
  for (let k = 0; k < people; k++) {
    const id = `p${k}`;
    const tagId = `tag-${k}`;
    tagsOf.set(id, [tagId]);
    if (k % 5 === 4) {
      center.officer(id, { sex: r() < 0.3 ? "female" : "male" });
      bindings.bind(tagId, { personId: id, role: "officer" });
      continue;
    }
    const interrogations = r() < 0.3 ? [{ interrogationId: `i${k}`, roomId: `interrogation-n${(k % 12) * 2}`, officerIds: [], kind: "interrogation" as const, recorderChannels: [`ch${k}`], startedAt: T0, breaks: [] }] : [];
    center.detainee(id, {
      sex: r() < 0.2 ? "female" : "male",
      ageYears: r() < 0.05 ? 16 : 30,
      caseNos: [`case-${Math.floor(k / 2)}`],
      vulnerable: r() < 0.05 ? ["drunk"] : [],
      session: { tagIds: [tagId], arrivalAt: T0 - r() * 8 * 3_600_000, legalBasis: r() < 0.5 ? "summons" : "admin_questioning", baseLimitH: 12, interrogations },
    });
    bindings.bind(tagId, { personId: id, role: "detainee", sessionId: `s-${id}` });
  }
  return { center, bindings, tagsOf };
}

/** One pass over the lines; with rules, presence events go to the rule engine after each presence step, as in the daemon. */
function pass(config: SiteConfig, lines: readonly Line[], people: number, withRules: boolean) {
  const clock = new FakeClock(T0);
  const world = custody(people, clock, 11);
  let presenceEvents = 0;
  let rules: RuleEngine | undefined;
  let alarmEvents = 0;
  const presence = new PresenceEngine({
    site: compileSite(config),
    bindings: world.bindings,
    sink: (drafts) => {
      presenceEvents += drafts.length;
      if (rules) for (const d of drafts) rules.enqueue({ ...d, receivedAt: d.receivedAt ?? clock.now() } as RuleEvent);
    },
  });
  if (withRules) {
    const view = presenceViewOf(presence, config.areas, (id) => world.tagsOf.get(id) ?? []);
    rules = new RuleEngine({ params: defaultRuleParams(), view: ruleViewProvider(world.center.custody, view), clock, sink: (d) => (alarmEvents += d.length) });
  }
  let nextTick = T0 + 1000;
  const timing = measure(() => {
    for (const l of lines) {
      if (l.t >= nextTick) {
        clock.advance(nextTick - clock.now());
        presence.tick(nextTick);
        rules?.drain();
        rules?.tick(nextTick);
        nextTick += 1000;
      }
      presence.ingest(l.o, l.t);
      rules?.drain();
    }
  });
  return { timing, presenceEvents, alarmEvents, transitions: presence.stats().transitions, rules: rules?.stats() };
}

export interface RulesBenchOptions {
  people?: number;
  /** Samples per tag per second; each rate is its own scenario (fewer samples per move, higher relative cost). */
  rates?: readonly number[];
  /** Simulated seconds per scenario. */
  seconds?: number;
  runs?: number;
}

function scenario(config: SiteConfig, people: number, rateHz: number, seconds: number, runs: number) {
  const total = people * rateHz * seconds;
  const lines = generate(config, people, rateHz, total, 7);
  pass(config, lines, people, false); // warm-up
  pass(config, lines, people, true);
  const alone: Timing[] = [];
  const both: Timing[] = [];
  let last: ReturnType<typeof pass> | undefined;
  for (let i = 0; i < runs; i++) {
    alone.push(pass(config, lines, people, false).timing);
    last = pass(config, lines, people, true);
    both.push(last.timing);
  }
  const summary = (ts: Timing[]) => {
    const cpu = median(ts.map((t) => t.cpu));
    return { cpuSeconds: cpu, wallSeconds: median(ts.map((t) => t.wall)), microsecondsPerObservation: Number(((cpu / total) * 1e6).toFixed(2)) };
  };
  const base = summary(alone);
  const withRules = summary(both);
  return {
    rateHz,
    observations: total,
    simulatedSeconds: seconds,
    presenceAlone: base,
    presenceWithRules: withRules,
    /** CPU time with rules over CPU time of presence alone, same observations, same run. */
    ratio: Number((withRules.cpuSeconds / base.cpuSeconds).toFixed(2)),
    rulesMicrosecondsPerObservation: Number((withRules.microsecondsPerObservation - base.microsecondsPerObservation).toFixed(2)),
    rulesMicrosecondsPerPresenceEvent: last ? Number((((withRules.cpuSeconds - base.cpuSeconds) / (last.presenceEvents || 1)) * 1e6).toFixed(1)) : null,
    workload: { transitions: last?.transitions, presenceEvents: last?.presenceEvents, ruleStats: last?.rules, alarmEvents: last?.alarmEvents },
  };
}

export function runRulesBench(opts: RulesBenchOptions = {}) {
  const people = opts.people ?? 500;
  const seconds = opts.seconds ?? 200;
  const runs = opts.runs ?? 5;
  const config = centerConfig();
  const scenarios = (opts.rates ?? [2, 10]).map((rate) => scenario(config, people, rate, seconds, runs));
  return {
    benchmark: "rules",
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    loadAverage1m: loadavg()[0],
    setup: {
      people,
      detainees: people - Math.floor(people / 5),
      officers: Math.floor(people / 5),
      rooms: config.areas[0]!.rooms.length,
      movement: "each person changes room every 10–60 s; UWB coordinates",
      runs,
      baseline: "PresenceEngine.ingest + tick each simulated second, no store",
      measured: "the same, plus RuleEngine on every presence event and tick (all runtime detectors, no store)",
    },
    /** The headline: the lowest sample rate, where rules cost most per observation. */
    ratio: scenarios[0]!.ratio,
    scenarios,
  };
}

/** Runs the bench and writes bench/results/rules.json. */
export function rulesReport(opts: RulesBenchOptions = {}) {
  const report = runRulesBench(opts);
  writeResult("rules.json", report);
  return report;
}

if (isEntryPoint(import.meta.url)) console.log(JSON.stringify(rulesReport(), null, 2));
