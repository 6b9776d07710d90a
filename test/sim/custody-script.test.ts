import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { FakeClock } from "../../src/core/clock.js";
import type { EventDraft } from "../../src/core/envelope.js";
import { CustodyService, roomsFromConfig } from "../../src/custody/index.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import { driveCustodyFromSimulation } from "../../src/sim/custody-script.js";
import { planFlow } from "../../src/sim/flow.js";
import { FloorPlan } from "../../src/sim/floorplan.js";
import { WorldForecast } from "../../src/sim/forecast.js";
import { planIncidents } from "../../src/sim/incidents.js";
import { createPeople } from "../../src/sim/people.js";
import { createRng } from "../../src/sim/random.js";
import type { RunningSimulator } from "../../src/sim/simulator.js";
import { CustodyWorld, type SimTransition } from "../../src/sim/world.js";
import { openDatabase, type Db } from "../../src/store/db.js";
import { NORMAL_VISIT } from "./normal-visit.js";

/**
 * The demo desk on the real custody service (SQLite, fake clock) against the custody-flow
 * model stepped at the demo's pace, without broker, presence or rules: every command of every
 * visit must be accepted, in the order a desk records them.
 */
const config = loadConfig("config/demo-center.yaml", builtinDrivers());
const sim = config.simulation;
const PERIOD = 1000 / sim.rateHz;
const DT = PERIOD * sim.speed;
const WALK = Math.min(DT, PERIOD * sim.walkSpeedup);
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), "edc-desk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A simulator without a broker: the world, its forecast and its transitions, on the fake clock. */
function simulated(clock: FakeClock) {
  const plan = new FloorPlan(config);
  const flow = planFlow((t) => plan.hasType(t));
  const people = createPeople(sim);
  const incidents = planIncidents(sim.incidents);
  const plans = new Map([...incidents].map(([id, p]) => [id, p.world]));
  const listeners = new Set<(t: SimTransition) => void>();
  const stopping: Array<() => void> = [];
  const make = (onTransition: (t: SimTransition) => void) => new CustodyWorld({ plan, flow, people, rng: createRng(sim.seed), plans, onTransition });
  const world = make((t) => listeners.forEach((l) => l(t)));
  const forecast = new WorldForecast(make, DT, WALK);
  const running: RunningSimulator = {
    config,
    people,
    incidents,
    onTransition: (cb) => (listeners.add(cb), () => listeners.delete(cb)),
    realMs: (simMs) => simMs / sim.speed,
    forecast: (id) => forecast.visit(id, world.now + 24 * HOUR),
    endHold: (id, afterMs = 0) =>
      void clock.setTimeout(() => {
        world.endHold(id);
        forecast.endHold(id, world.now);
      }, afterMs),
    onStop: (cb) => void stopping.push(cb),
    stop: async () => stopping.forEach((cb) => cb()),
  };
  const tick = () => {
    clock.advance(PERIOD);
    world.step(DT, WALK);
  };
  return { running, tick, listeners };
}

function desk(db: Db, clock: FakeClock) {
  const events: EventDraft[] = [];
  const logs: Array<{ msg: string; [k: string]: unknown }> = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const custody = new CustodyService({ db, clock, rooms: roomsFromConfig(config), rules: config.rules, timeZone: config.center.timezone, sink: (d) => events.push(...d), audit: { record: () => {} } });
  return { custody, events, logs, log };
}


describe("the demo desk", () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 1, 0, 0));
  const db = openDatabase(join(dir, "state.db"));
  const { custody, events, logs, log } = desk(db, clock);
  const { running, tick, listeners } = simulated(clock);
  const seen: Array<{ t: SimTransition; at: number }> = [];
  listeners.add((t) => seen.push({ t, at: clock.now() }));
  const whenFirst = (personId: string, kind: SimTransition["kind"], step: string) => seen.find((x) => x.t.personId === personId && x.t.kind === kind && x.t.step === step)!.at;
  driveCustodyFromSimulation(running, custody, clock, log);
  // Ten simulated hours (five minutes of the demo): every slot's first and second visit.
  for (let i = 0; i < (10 * HOUR) / DT; i++) tick();
  const visitOf = (personId: string) => events.filter((e) => e.personId === personId && e.category === "lifecycle").map((e) => e.type);

  it("has every command accepted", () => {
    expect(logs.filter((l) => l.msg === "demo command not accepted")).toEqual([]);
    expect(events.filter((e) => e.type === "PERSON_EXITED").length).toBeGreaterThanOrEqual(8);
  });

  it("records a normal visit step by step, the search and the interrogation with the officers present", () => {
    for (const id of ["detainee-3-1", "detainee-4-1", "detainee-1-2", "detainee-2-2"]) expect(visitOf(id), id).toEqual(NORMAL_VISIT);
    const search = events.find((e) => e.personId === "detainee-3-1" && e.type === "SECURITY_CHECK_DONE")!;
    expect(search.payload.officers).toEqual([expect.stringMatching(/^officer-/), expect.stringMatching(/^officer-/)]);
    const questioning = events.find((e) => e.personId === "detainee-3-1" && e.type === "INTERROGATION_STARTED")!;
    expect(questioning.payload).toMatchObject({ recorderChannels: [expect.stringMatching(/^interrogation_[12]$/)] });
    expect(questioning.payload.officerIds).toHaveLength(2);
  });

  it("holds the co-case pair together through an override with a reason", () => {
    const overrides = events.filter((e) => e.type === "ASSIGNMENT_OVERRIDE");
    expect(overrides.length).toBeGreaterThanOrEqual(1);
    for (const o of overrides) {
      expect(["detainee-1-1", "detainee-2-1"]).toContain(o.personId);
      expect(o.payload).toMatchObject({ command: "assign_holding", codes: ["same_case"], override: { by: "operator:demo-desk", reason: expect.stringContaining("co-case") } });
    }
    const cases = events.filter((e) => e.type === "PERSON_REGISTERED" && ["detainee-1-1", "detainee-2-1"].includes(e.personId!)).map((e) => e.caseNo);
    expect(new Set(cases).size).toBe(1);
  });

  it("gives the overdue detainee an arrival time whose custody warning falls into their first holding stay", () => {
    const reg = events.find((e) => e.personId === "detainee-1-1" && e.type === "PERSON_REGISTERED")!;
    expect(reg.payload.legalBasis).toBe("continued_questioning");
    // 继续盘问: 12 h, warned 1 h before.
    const warningAt = (reg.payload.arrivalAt as number) + 11 * HOUR;
    const inHolding = whenFirst("detainee-1-1", "reached", "holding");
    const ledOff = whenFirst("detainee-1-1", "departing", "interrogation");
    expect(warningAt).toBeGreaterThan(inHolding);
    expect(warningAt).toBeLessThan(ledOff - 10_000);
    // Fed before the transfer, logged before the band was bound.
    const meal = events.findIndex((e) => e.personId === "detainee-1-1" && e.type === "WELFARE_LOGGED");
    expect(meal).toBeLessThan(events.findIndex((e) => e.personId === "detainee-1-1" && e.type === "TAG_BOUND"));
  });

  it("closes the last run's sessions when the demo starts again on the same store", () => {
    const open = custody.reader.openSessions().map((s) => s.personId);
    expect(open.length).toBeGreaterThan(0);
    const again = desk(db, clock);
    const sim2 = simulated(clock);
    driveCustodyFromSimulation(sim2.running, again.custody, clock, again.log);
    expect(again.custody.reader.openSessions()).toEqual([]);
    expect(again.events.filter((e) => e.type === "PERSON_EXITED").map((e) => e.personId).sort()).toEqual([...open].sort());
    for (let i = 0; i < HOUR / DT; i++) sim2.tick();
    expect(again.logs.filter((l) => l.msg === "demo command not accepted")).toEqual([]);
    expect(again.events.some((e) => e.type === "TAG_BOUND" && e.personId === "detainee-1-1")).toBe(true);
  });

  it("closes its sessions when the demo stops", async () => {
    const d = desk(openDatabase(join(dir, "stop.db")), clock);
    const s = simulated(clock);
    driveCustodyFromSimulation(s.running, d.custody, clock, d.log);
    for (let i = 0; i < HOUR / DT; i++) s.tick();
    const open = d.custody.reader.openSessions().map((x) => x.personId);
    expect(open.length).toBeGreaterThan(0);
    await s.running.stop();
    expect(d.custody.reader.openSessions()).toEqual([]);
    const exits = d.events.filter((e) => e.type === "PERSON_EXITED" && e.payload.destination === "demo stopped").map((e) => e.personId);
    expect(exits.sort()).toEqual(open.sort());
    expect(d.logs.filter((l) => l.msg === "demo command not accepted")).toEqual([]);
  });
});
