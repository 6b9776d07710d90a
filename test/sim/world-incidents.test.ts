import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { Simulation, type SiteConfig } from "../../src/config/schema.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import { planFlow } from "../../src/sim/flow.js";
import { FloorPlan } from "../../src/sim/floorplan.js";
import { WorldForecast } from "../../src/sim/forecast.js";
import { planIncidents } from "../../src/sim/incidents.js";
import { createPeople } from "../../src/sim/people.js";
import { createRng } from "../../src/sim/random.js";
import { CustodyWorld, type SimPosition, type SimTransition } from "../../src/sim/world.js";

const MIN = 60_000;
/** The demo's pace: 250 ms ticks at 120× are 30 simulated seconds, walking 2 s of them. */
const DT = 30_000;
const WALK = 2_000;

const demo = loadConfig("config/demo-center.yaml", builtinDrivers());

function world(config: SiteConfig, onTransition: (t: SimTransition) => void, jitter = true): CustodyWorld {
  const plan = new FloorPlan(config);
  const plans = new Map([...planIncidents(config.simulation.incidents)].map(([id, p]) => [id, p.world]));
  return new CustodyWorld({
    plan,
    flow: planFlow((t) => plan.hasType(t)),
    people: createPeople(config.simulation),
    rng: createRng(config.simulation.seed),
    ...(jitter && { jitterRng: createRng(99) }),
    plans,
    onTransition,
  });
}

/**
 * Runs the demo world for `simMinutes`, playing the desk's one intervention: the overdue
 * detainee's hold ends `holdMin` after they reach holding. Positions are sampled every step.
 */
function run(simMinutes: number, holdMin = 40) {
  const transitions: SimTransition[] = [];
  let holdEndsAt = Infinity;
  const w = world(demo, (t) => {
    transitions.push(t);
    if (t.personId === "detainee-1-1" && t.kind === "reached" && t.step === "holding" && holdEndsAt === Infinity) holdEndsAt = t.simTime + holdMin * MIN;
  });
  const samples: Array<{ at: number; ps: SimPosition[] }> = [];
  for (let t = 0; t < simMinutes * MIN; t += DT) {
    w.step(DT, WALK);
    if (w.now >= holdEndsAt) {
      w.endHold("detainee-1-1");
      holdEndsAt = -1;
    }
    samples.push({ at: w.now, ps: w.positions(0.1) });
  }
  const plan = new FloorPlan(demo);
  const typeOf = (roomId: string | undefined) => (roomId ? plan.room(roomId)?.type : undefined);
  return { transitions, samples, typeOf };
}

const of = (ts: readonly SimTransition[], personId: string, kind?: SimTransition["kind"], step?: string) =>
  ts.filter((t) => t.personId === personId && (kind === undefined || t.kind === kind) && (step === undefined || t.step === step));

describe("demo incidents in the custody-flow model", () => {
  const { transitions, samples, typeOf } = run(8 * 60);

  it("brings the co-case pair in together, keeps them apart everywhere but holding, and holds them together there", () => {
    // Detainee 2 comes with detainee 1 and is received as soon as detainee 1 has left registration.
    const aLeaves = of(transitions, "detainee-1-1", "departing", "search")[0]!;
    const b = of(transitions, "detainee-2-1", "arrived")[0]!;
    expect(b.simTime).toBeGreaterThanOrEqual(aLeaves.simTime);
    expect(b.simTime - aLeaves.simTime).toBeLessThan(10 * MIN);
    let together = 0;
    for (const { ps } of samples) {
      const [p1, p2] = [ps.find((p) => p.personId === "detainee-1-1"), ps.find((p) => p.personId === "detainee-2-1")];
      if (!p1 || !p2 || p1.roomId !== p2.roomId) continue;
      const type = typeOf(p1.roomId);
      if (type === "corridor") continue;
      expect(type, `together in ${p1.roomId}`).toBe("holding");
      together += DT;
    }
    expect(together).toBeGreaterThanOrEqual(20 * MIN);
  });

  it("walks the second officer out of detainee 1's first interrogation, which goes on with one", () => {
    const started = of(transitions, "detainee-1-1", "reached", "interrogation")[0]!;
    const left = of(transitions, "detainee-1-1", "officer_left")[0]!;
    expect(started.officerIds).toHaveLength(2);
    expect(left.officerIds).toHaveLength(1);
    expect(started.officerIds).toContain(left.officerIds[0]);
    expect(left.simTime - started.simTime).toBeGreaterThanOrEqual(2 * MIN);
    let alone = 0;
    for (const { at, ps } of samples) {
      const d = ps.find((p) => p.personId === "detainee-1-1");
      if (at <= left.simTime || !d || d.roomId !== started.roomId) continue;
      if (ps.filter((p) => p.role === "officer" && p.roomId === d.roomId).length === 1) alone += DT;
    }
    expect(alone).toBeGreaterThanOrEqual(35 * MIN);
    // Nobody else's interrogation loses an officer.
    expect(transitions.filter((t) => t.kind === "officer_left").map((t) => t.personId)).toEqual(["detainee-1-1"]);
  });

  it("keeps the overdue detainee in holding until the desk ends the hold", () => {
    const held = of(transitions, "detainee-1-1", "reached", "holding")[0]!;
    const off = transitions.find((t) => t.personId === "detainee-1-1" && t.kind === "departing" && t.simTime > held.simTime)!;
    expect(off.simTime - held.simTime).toBeGreaterThanOrEqual(40 * MIN);
    expect(off.step).toBe("interrogation");
  });

  it("takes the band off at the exit door: last seen in the corridor, never in the exit room", () => {
    for (const exit of transitions.filter((t) => t.kind === "reached" && t.step === "exit")) {
      expect(typeOf(exit.roomId)).toBe("exit");
      const before = samples.filter((s) => s.at < exit.simTime).at(-1)!.ps.find((p) => p.personId === exit.personId);
      expect(typeOf(before?.roomId)).toBe("corridor");
      const after = samples.filter((s) => s.at >= exit.simTime && s.ps.some((p) => p.personId === exit.personId));
      expect(after, `${exit.personId} seen after the exit`).toEqual([]);
    }
    expect(samples.flatMap((s) => s.ps).filter((p) => typeOf(p.roomId) === "exit" && p.role === "detainee")).toEqual([]);
  });

  it("lets every detainee leave, and the slots come back with no incident", () => {
    for (let i = 1; i <= 4; i++) expect(of(transitions, `detainee-${i}-1`, "left"), `detainee ${i}`).toHaveLength(1);
    for (let i = 1; i <= 4; i++) expect(of(transitions, `detainee-${i}-2`, "arrived"), `detainee ${i}, second visit`).toHaveLength(1);
  });

  it("is foretold exactly by a forecast from the same seed, jitter or not, told when the desk ends a hold", () => {
    const live: SimTransition[] = [];
    const w = world(demo, (t) => live.push(t));
    const forecast = new WorldForecast((onTransition) => world(demo, onTransition, false), DT, WALK);
    // Ahead of the live world, the overdue detainee is held for good …
    const heldForGood = forecast.visit("detainee-1-1", 12 * 60 * MIN);
    expect(heldForGood.some((t) => t.kind === "left")).toBe(false);
    // … until the desk ends the hold in the live world, in what the forecast has already passed.
    for (;;) {
      w.step(DT, WALK);
      w.positions(0.1);
      const reached = live.find((t) => t.personId === "detainee-1-1" && t.kind === "reached" && t.step === "holding");
      if (reached && w.now >= reached.simTime + 30 * MIN) break;
    }
    w.endHold("detainee-1-1");
    forecast.endHold("detainee-1-1", w.now);
    const coming = forecast.visit("detainee-1-1", 12 * 60 * MIN);
    expect(coming.at(-1)?.kind).toBe("left");
    const others = forecast.visit("detainee-4-1", 12 * 60 * MIN);
    while (w.now < Math.max(coming.at(-1)!.simTime, others.at(-1)!.simTime)) {
      w.step(DT, WALK);
      w.positions(0.1);
    }
    expect(live.filter((t) => t.personId === "detainee-1-1")).toEqual(coming);
    expect(live.filter((t) => t.personId === "detainee-4-1")).toEqual(others);
  });
});

describe("simulation.incidents", () => {
  it("must name simulated detainees, and two different ones for a co-case pair", () => {
    const r = Simulation.safeParse({
      detainees: 2,
      incidents: [
        { kind: "overdue_holding", detainee: 3 },
        { kind: "co_case_holding", detainees: [2, 2] },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["incidents.0.detainee", "there are only 2 simulated detainees"],
      ["incidents.1.detainees", "two different detainees"],
    ]);
  });
});
