import { ENTRY_ROOM_TYPES, OFFICER_HOME_TYPES, type FlowStep } from "./flow.js";
import type { FloorPlan, PlanRoom, Spot } from "./floorplan.js";
import { distance } from "./geometry.js";
import { personId, type SimPeople, type SimRole, type SimTag } from "./people.js";
import type { Rng } from "./random.js";
import { Walker } from "./walker.js";

/** A detainee reached a place: a flow step's room, the entrance ("arrived") or gone ("left"). */
export interface SimTransition {
  /** Simulated ms since the simulation started. */
  readonly simTime: number;
  readonly personId: string;
  readonly tagId: string;
  readonly step: string;
  readonly roomId: string | undefined;
}

export interface SimPosition {
  readonly tagId: string;
  readonly personId: string;
  readonly role: SimRole;
  readonly spot: Spot;
  readonly roomId: string | undefined;
}

export interface WorldOptions {
  plan: FloorPlan;
  flow: readonly FlowStep[];
  people: SimPeople;
  rng: Rng;
  walkSpeedMps?: number;
  onTransition?: (t: SimTransition) => void;
}

interface Officer {
  readonly tag: SimTag;
  readonly walker: Walker;
  readonly home: Spot;
  with: Case | null;
}

interface Case {
  readonly tag: SimTag;
  readonly walker: Walker;
  visit: number;
  visible: boolean;
  /** Index of the flow step the detainee is in (or walking to); -1 before the first. */
  step: number;
  phase: "absent" | "gathering" | "walking" | "dwelling";
  /** Sim time of the next arrival (absent) or the end of the stay (dwelling). */
  until: number;
  room: PlanRoom | undefined;
  next: PlanRoom | undefined;
  officers: Officer[];
}

const MIN = 60_000;

/**
 * The custody flow as a discrete-time model: detainees arrive one after another, are escorted
 * room to room by officers from a shared pool, wait when no officer or interrogation room is
 * free, and leave. Only `step()` moves time, so a seeded run is exactly repeatable.
 */
export class CustodyWorld {
  private simTime = 0;
  private readonly officers: Officer[];
  private readonly cases: Case[];
  private readonly entry: PlanRoom | undefined;
  private readonly walkSpeed: number;

  constructor(private readonly o: WorldOptions) {
    const { plan, rng } = o;
    this.walkSpeed = o.walkSpeedMps ?? 1.3;
    this.entry = plan.roomsOfType(ENTRY_ROOM_TYPES)[0] ?? (o.flow[0] ? plan.roomsOfType(o.flow[0].roomTypes)[0] : undefined);
    const homes = plan.roomsOfType(OFFICER_HOME_TYPES);
    const homeRooms = homes.length ? homes : plan.roomsOfType(["corridor"]).length ? plan.roomsOfType(["corridor"]) : [...plan.rooms];
    this.officers = o.people.officers.map((tag, i) => {
      const home = plan.sample(homeRooms[i % homeRooms.length]!, rng);
      return { tag, walker: new Walker(home), home, with: null };
    });
    this.cases = o.people.detainees.map((tag, i) => ({
      tag,
      walker: new Walker({ p: [0, 0], floor: 1 }),
      visit: 1,
      visible: false,
      step: -1,
      phase: "absent" as const,
      until: i * 15 * MIN + rng.range(0, 5 * MIN),
      room: undefined,
      next: undefined,
      officers: [],
    }));
  }

  get now(): number {
    return this.simTime;
  }

  /** Advance simulated time by `dtMs`; walkers cover `walkMs` worth of walking (may be less, for viewers). */
  step(dtMs: number, walkMs = dtMs): void {
    this.simTime += dtMs;
    const metres = (this.walkSpeed * walkMs) / 1000;
    for (const c of this.cases) if (c.visible) c.walker.advance(metres);
    for (const off of this.officers) off.walker.advance(metres);
    for (const c of this.cases) this.advanceCase(c);
  }

  positions(jitterM = 0): SimPosition[] {
    const out: SimPosition[] = [];
    const add = (tag: SimTag, id: string, clean: Spot): void => {
      const room = this.o.plan.roomAt(clean);
      let spot = clean;
      if (jitterM > 0) {
        const j: Spot = { p: [clean.p[0] + this.o.rng.normal() * jitterM, clean.p[1] + this.o.rng.normal() * jitterM], floor: clean.floor };
        // Noise must not move a tag through a wall: a reading in the wrong room would be a lie.
        if (this.o.plan.roomAt(j) === room) spot = j;
      }
      out.push({ tagId: tag.tagId, personId: id, role: tag.role, spot, roomId: room?.id });
    };
    for (const c of this.cases) if (c.visible) add(c.tag, personId(c.tag, c.visit), c.walker.spot);
    for (const off of this.officers) add(off.tag, personId(off.tag), off.walker.spot);
    return out;
  }

  private advanceCase(c: Case): void {
    switch (c.phase) {
      case "absent":
        if (this.simTime >= c.until && this.entry) this.arrive(c, this.entry);
        return;
      case "dwelling":
        if (this.simTime < c.until) return;
        if (c.step >= this.o.flow.length - 1) this.leave(c);
        else c.phase = "gathering";
        return;
      case "gathering":
        this.gather(c);
        return;
      case "walking":
        if (!c.walker.walking) this.reach(c);
        return;
    }
  }

  private arrive(c: Case, entry: PlanRoom): void {
    c.walker.place(this.o.plan.sample(entry, this.o.rng));
    c.visible = true;
    c.step = -1;
    c.room = entry;
    c.phase = "gathering";
    this.transition(c, "arrived", entry);
  }

  private leave(c: Case): void {
    this.transition(c, "left", c.room);
    this.release(c, 0);
    c.visible = false;
    c.phase = "absent";
    c.room = undefined;
    c.visit++;
    c.until = this.simTime + this.o.rng.range(5 * MIN, 20 * MIN);
  }

  /** Find the next room and the escort; start walking once the escort stands by the detainee. */
  private gather(c: Case): void {
    const step = this.o.flow[c.step + 1];
    if (!step) return this.leave(c);
    c.next ??= this.chooseRoom(step, c);
    if (!c.next) return;
    const need = Math.min(Math.max(1, step.officers), this.officers.length);
    this.release(c, need);
    if (c.officers.length < need) {
      const free = this.officers.filter((off) => !off.with);
      if (free.length < need - c.officers.length) {
        // All or nothing: holding one officer while waiting for a second can deadlock two cases.
        this.release(c, 0);
        return;
      }
      free.sort((a, b) => distance(a.walker.spot.p, c.walker.spot.p) - distance(b.walker.spot.p, c.walker.spot.p));
      for (const off of free.slice(0, need - c.officers.length)) {
        off.with = c;
        off.walker.walkTo(this.o.plan.route(off.walker.spot, c.walker.spot));
        c.officers.push(off);
      }
    }
    if (c.officers.some((off) => off.walker.walking)) return;
    const target = c.next;
    c.walker.walkTo(this.o.plan.route(c.walker.spot, this.o.plan.sample(target, this.o.rng)));
    for (const off of c.officers) off.walker.walkTo(this.o.plan.route(off.walker.spot, this.o.plan.sample(target, this.o.rng)));
    c.phase = "walking";
  }

  private reach(c: Case): void {
    const step = this.o.flow[c.step + 1]!;
    c.step++;
    c.room = c.next;
    c.next = undefined;
    c.phase = "dwelling";
    c.until = this.simTime + step.minutes * MIN * this.o.rng.range(0.7, 1.3);
    this.release(c, Math.min(step.officers, this.officers.length));
    this.transition(c, step.name, c.room);
  }

  /** Keep `keep` officers with the case; the others walk back to where they wait. */
  private release(c: Case, keep: number): void {
    while (c.officers.length > keep) {
      const off = c.officers.pop()!;
      off.with = null;
      off.walker.walkTo(this.o.plan.route(off.walker.spot, off.home));
    }
  }

  private chooseRoom(step: FlowStep, self: Case): PlanRoom | undefined {
    const load = (r: PlanRoom): number => this.cases.filter((c) => c !== self && c.visible && (c.room === r || c.next === r)).length;
    const rooms = this.o.plan.roomsOfType(step.roomTypes).map((r) => ({ r, n: load(r) }));
    if (step.exclusive) return rooms.find((x) => x.n === 0)?.r;
    // Prefer rooms under capacity, then the emptiest: a full holding area still takes people.
    rooms.sort((a, b) => Number(a.n >= (a.r.capacity ?? Infinity)) - Number(b.n >= (b.r.capacity ?? Infinity)) || a.n - b.n);
    return rooms[0]?.r;
  }

  private transition(c: Case, step: string, room: PlanRoom | undefined): void {
    this.o.onTransition?.({ simTime: this.simTime, personId: personId(c.tag, c.visit), tagId: c.tag.tagId, step, roomId: room?.id });
  }
}
