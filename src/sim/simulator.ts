import { randomBytes } from "node:crypto";
import { connectAsync } from "mqtt";
import { RtlsMqttOptions } from "../../devices/rtls-mqtt/definition.js";
import type { SiteConfig } from "../config/schema.js";
import { systemClock, type Clock, type TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { planFlow } from "./flow.js";
import { FloorPlan, type PlanRoom } from "./floorplan.js";
import { WorldForecast } from "./forecast.js";
import { distance } from "./geometry.js";
import { planIncidents, type IncidentPlan } from "./incidents.js";
import { createPeople, type SimPeople } from "./people.js";
import { rssiAt, SimPublisher } from "./publisher.js";
import { startSimRecorders } from "./recorders.js";
import { createRng } from "./random.js";
import { CustodyWorld, type SimTransition } from "./world.js";

export interface SimulatorOptions {
  config: SiteConfig;
  brokerUrl: string;
  clock?: Clock;
  log: Logger;
  /** Defaults to `config.simulation.seed`. */
  seed?: number;
  /**
   * Walking is shown at most this many times faster than real life (default
   * `simulation.walkSpeedup`), so a viewer sees people cross the corridor even when the custody
   * flow runs at 60×. Infinity: walk on sim time.
   */
  maxWalkSpeedup?: number;
  onTransition?: (t: SimTransition) => void;
}

export interface RunningSimulator {
  readonly config: SiteConfig;
  /** The wristbands and officer tags the simulator publishes, for binding them in a demo. */
  readonly people: SimPeople;
  /** The incident plans of `simulation.incidents`, by person id (first visits). */
  readonly incidents: ReadonlyMap<string, IncidentPlan>;
  /** Also called for every custody-flow step (registration, holding, exit …); returns unsubscribe. */
  onTransition(cb: (t: SimTransition) => void): () => void;
  /** Real milliseconds that `simMs` of simulated time take. */
  realMs(simMs: number): number;
  /** A visit's transitions, past and to come, up to leaving or a simulated day ahead of now. */
  forecast(personId: string): readonly SimTransition[];
  /** Ends, after `afterMs` real ms, a holding stay the incident plan keeps going until the operator acts. */
  endHold(personId: string, afterMs?: number): void;
  /** Called first thing in `stop()`, while the rest of the daemon still runs. */
  onStop(cb: () => void): void;
  stop(): Promise<void>;
}

/** Wrist height above the floor, and storey height, for the DWM z coordinate. */
const WRIST_Z_M = 1.0;
const STOREY_M = 3.5;
const JITTER_M = 0.1;

/** The RTLS sources the site's rtls-mqtt devices listen to; the simulator publishes to them. */
function sources(config: SiteConfig, plan: FloorPlan): { dwm: string; espresense: string | undefined; bleNodes: Array<{ id: string; room: PlanRoom }> } {
  const opts = config.devices
    .filter((d) => d.enabled && d.driver === "rtls-mqtt")
    .map((d) => RtlsMqttOptions.safeParse(d.options))
    .flatMap((r) => (r.success ? [r.data] : []));
  const espresense = opts.find((o) => o.format === "espresense")?.prefix;
  const bleNodes = espresense
    ? config.presence.bleNodes.flatMap((n) => {
        const room = plan.room(n.zone);
        return room ? [{ id: n.id, room }] : [];
      })
    : [];
  return { dwm: opts.find((o) => o.format === "dwm")?.prefix ?? "dwm", espresense, bleNodes };
}

/**
 * The demo simulator: people walk the custody flow of the configured center and their tags are
 * published to the local broker like a DWM gateway and ESPresense nodes would. Time runs
 * `simulation.speed` times faster than real time; positions go out at `simulation.rateHz`.
 */
export async function startSimulator(opts: SimulatorOptions): Promise<RunningSimulator> {
  const { config, log } = opts;
  const clock = opts.clock ?? systemClock;
  const sim = config.simulation;
  const seed = opts.seed ?? sim.seed;
  const plan = new FloorPlan(config);
  const flow = planFlow((t) => plan.hasType(t));
  const people = createPeople(sim);
  const incidents = planIncidents(sim.incidents);
  const worldPlans = new Map([...incidents].map(([id, p]) => [id, p.world]));
  const src = sources(config, plan);
  const noise = createRng(seed ^ 0x5eed);
  const battery = new Map<string, number>();

  const client = await connectAsync(opts.brokerUrl, {
    clientId: `custody-edge-sim-${randomBytes(4).toString("hex")}`,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    queueQoSZero: false,
  });
  const pub = new SimPublisher(client, src.dwm, src.espresense);
  const recorders = await startSimRecorders(client, config);
  const status = (tagId: string, present: boolean): void => {
    const b = Math.max(5, (battery.get(tagId) ?? noise.range(70, 100)) - noise.range(0, 2));
    battery.set(tagId, b);
    pub.tagStatus(tagId, present, b, noise.range(30, 34));
  };

  const listeners = new Set<(t: SimTransition) => void>();
  const world = new CustodyWorld({
    plan,
    flow,
    people,
    rng: createRng(seed),
    jitterRng: createRng(seed ^ 0x71773e),
    plans: worldPlans,
    onTransition: (t) => {
      log.debug({ ...t }, "sim transition");
      if (t.kind === "arrived" || t.kind === "left") status(t.tagId, t.kind === "arrived");
      opts.onTransition?.(t);
      for (const l of listeners) l(t);
    },
  });

  const periodMs = 1000 / sim.rateHz;
  const dtSim = periodMs * sim.speed;
  const walkMs = Math.min(dtSim, periodMs * (opts.maxWalkSpeedup ?? sim.walkSpeedup));
  const forecast = new WorldForecast((onTransition) => new CustodyWorld({ plan, flow, people, rng: createRng(seed), plans: worldPlans, onTransition }), dtSim, walkMs);
  const bleEvery = Math.max(1, Math.round(sim.rateHz));
  let superFrame = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const holds = new Set<TimerHandle>();
  const stopListeners: Array<() => void> = [];

  for (const o of people.officers) status(o.tagId, true);
  for (const n of src.bleNodes) pub.nodeStatus(n.id, true);

  const tick = (): void => {
    if (stopped) return;
    try {
      world.step(dtSim, walkMs);
      superFrame = (superFrame + 1) % 65536;
      const positions = world.positions(JITTER_M);
      for (const p of positions) {
        const quality = noise.chance(0.03) ? noise.range(20, 45) : noise.range(75, 100);
        pub.location(p.tagId, p.spot.p[0], p.spot.p[1], WRIST_Z_M + (p.spot.floor - 1) * STOREY_M, quality, superFrame);
      }
      if (superFrame % bleEvery === 0) {
        for (const n of src.bleNodes) {
          const c = plan.center(n.room);
          for (const p of positions) {
            if (p.roomId !== n.room.id) continue;
            const d = Math.max(0.1, distance(p.spot.p, c.p) + noise.normal() * 0.3);
            pub.sighting(p.tagId, n.id, d, rssiAt(d) + noise.normal() * 2);
          }
        }
      }
    } catch (err) {
      log.error({ err }, "simulator tick failed");
    }
    timer = clock.setTimeout(tick, periodMs);
  };
  timer = clock.setTimeout(tick, periodMs);
  log.info(
    { detainees: people.detainees.length, officers: people.officers.length, steps: flow.map((s) => s.name), speed: sim.speed, rateHz: sim.rateHz, walkSpeedup: walkMs / periodMs, seed },
    "simulator started",
  );

  return {
    config,
    people,
    incidents,
    onTransition(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    realMs: (simMs) => simMs / sim.speed,
    forecast: (personId) => forecast.visit(personId, world.now + 24 * 3_600_000),
    endHold(personId, afterMs = 0) {
      const t = clock.setTimeout(() => {
        holds.delete(t);
        world.endHold(personId);
        forecast.endHold(personId, world.now);
      }, Math.max(0, afterMs));
      holds.add(t);
    },
    onStop: (cb) => void stopListeners.push(cb),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const cb of stopListeners) {
        try {
          cb();
        } catch (err) {
          log.error({ err }, "simulator stop listener failed");
        }
      }
      if (timer) clock.clearTimeout(timer);
      for (const t of holds) clock.clearTimeout(t);
      for (const n of src.bleNodes) pub.nodeStatus(n.id, false);
      recorders.stop();
      await client.endAsync(!client.connected);
      log.info("simulator stopped");
    },
  };
}
