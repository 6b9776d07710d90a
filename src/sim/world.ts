import { ENTRY_ROOM_TYPES, OFFICER_HOME_TYPES, type FlowStep } from "./flow.js";
import type { PlanRoom, Spot } from "./floorplan.js";
import { distance } from "./geometry.js";
import type { WorldPlan } from "./incidents.js";
import { personId, type SimTag } from "./people.js";
import type { Rng } from "./random.js";
import { Walker } from "./walker.js";
import { newCase, nextVisit, type Case, type Officer, type SimPosition, type SimTransition, type SimTransitionKind, type WorldOptions } from "./world-state.js";

export type { SimPosition, SimTransition, SimTransitionKind, WorldOptions } from "./world-state.js";

const MIN = 60_000;

/**
 * The custody flow as a discrete-time model: detainees arrive one after another and are
 * received by an officer at the entrance, escorted room to room by officers from a shared pool,
 * wait when no officer or interrogation room is free, hand in their wristband at the exit door
 * and leave. Only `step()` moves time (and `endHold` ends a held stay), so a seeded run is
 * exactly repeatable.
 */
export class CustodyWorld {
  private simTime = 0;
  private readonly officers: Officer[];
  private readonly cases: Case[];
  private readonly entry: PlanRoom | undefined;
  private readonly walkSpeed: number;
  private readonly jitter: Rng;

  constructor(private readonly o: WorldOptions) {
    const { plan, rng } = o;
    this.walkSpeed = o.walkSpeedMps ?? 1.3;
    this.jitter = o.jitterRng ?? rng;
    this.entry = plan.roomsOfType(ENTRY_ROOM_TYPES)[0] ?? (o.flow[0] ? plan.roomsOfType(o.flow[0].roomTypes)[0] : undefined);
    const homes = plan.roomsOfType(OFFICER_HOME_TYPES);
    const homeRooms = homes.length ? homes : plan.roomsOfType(["corridor"]).length ? plan.roomsOfType(["corridor"]) : [...plan.rooms];
    this.officers = o.people.officers.map((tag, i) => {
      const home = plan.sample(homeRooms[i % homeRooms.length]!, rng);
      return { tag, walker: new Walker(home), home, with: null };
    });
    this.cases = o.people.detainees.map((tag, i) => newCase(tag, i * 15 * MIN + rng.range(0, 5 * MIN)));
    // A co-case pair is brought in together: the later one arrives with the earlier one.
    for (const c of this.cases) {
      const partner = this.partnerOf(c);
      if (partner && partner.tag.index < c.tag.index) c.until = partner.until;
    }
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

  /** Ends a stay held by the incident plan (`holdUntilReleased`): the operator noticed. */
  endHold(id: string): void {
    const c = this.caseOf(id);
    if (c) c.holdEnded = true;
  }

  positions(jitterM = 0): SimPosition[] {
    const out: SimPosition[] = [];
    const add = (tag: SimTag, id: string, clean: Spot): void => {
      const room = this.o.plan.roomAt(clean);
      let spot = clean;
      if (jitterM > 0) {
        const j: Spot = { p: [clean.p[0] + this.jitter.normal() * jitterM, clean.p[1] + this.jitter.normal() * jitterM], floor: clean.floor };
        // Noise must not move a tag through a wall: a reading in the wrong room would be a lie.
        if (this.o.plan.roomAt(j) === room) spot = j;
      }
      out.push({ tagId: tag.tagId, personId: id, role: tag.role, spot, roomId: room?.id });
    };
    for (const c of this.cases) if (c.visible && c.banded) add(c.tag, personId(c.tag, c.visit), c.walker.spot);
    for (const off of this.officers) add(off.tag, personId(off.tag), off.walker.spot);
    return out;
  }

  private advanceCase(c: Case): void {
    switch (c.phase) {
      case "absent":
        if (this.simTime >= c.until && this.entry) this.receive(c, this.entry);
        return;
      case "receiving":
        if (!c.officers.some((off) => off.walker.walking)) this.arrive(c);
        return;
      case "dwelling":
        this.officerLeaves(c);
        if (this.simTime < c.until || this.held(c)) return;
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

  /** An officer goes to the entrance to take the detainee in; nobody is left there alone. */
  private receive(c: Case, entry: PlanRoom): void {
    const partner = this.partnerOf(c);
    if (partner && this.isAt(partner, entry)) return;
    const free = this.officers.filter((off) => !off.with);
    if (free.length === 0) return;
    const spot = this.o.plan.sample(entry, this.o.rng);
    free.sort((a, b) => distance(a.walker.spot.p, spot.p) - distance(b.walker.spot.p, spot.p));
    const off = free[0]!;
    off.with = c;
    off.walker.walkTo(this.o.plan.route(off.walker.spot, spot));
    c.officers = [off];
    c.walker.place(spot);
    c.room = entry;
    c.phase = "receiving";
  }

  private arrive(c: Case): void {
    c.visible = true;
    c.banded = true;
    c.step = -1;
    c.since = this.simTime;
    c.phase = "gathering";
    this.transition(c, "arrived", "arrived", c.room, c.officers);
  }

  private leave(c: Case): void {
    this.transition(c, "left", "left", c.room, []);
    this.release(c, 0);
    nextVisit(c, this.simTime + this.o.rng.range(5 * MIN, 20 * MIN));
  }

  /** Find the next room and the escort; start walking once the escort stands by the detainee. */
  private gather(c: Case): void {
    const step = this.o.flow[c.step + 1];
    if (!step) return this.leave(c);
    c.next ??= this.chooseRoom(step, c);
    if (!c.next) return;
    const need = Math.min(Math.max(1, step.officers), this.officers.length);
    // Officers with the detainee all walk them to the next room (none leaves them at the door
    // of the last one); those not needed there go back after arriving.
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
    // The last step ends at the release desk by the exit door: walk there, the rest after.
    const handover = step.handover === true;
    const legs = this.o.plan.routeToDoor(c.walker.spot, this.o.plan.sample(target, this.o.rng));
    c.walker.walkTo(handover ? legs.toDoor : [...legs.toDoor, ...legs.rest]);
    c.rest = handover ? legs.rest : [];
    for (const off of c.officers) {
      const to = this.o.plan.routeToDoor(off.walker.spot, this.o.plan.sample(target, this.o.rng));
      off.walker.walkTo(handover ? to.toDoor : [...to.toDoor, ...to.rest]);
    }
    c.phase = "walking";
    this.transition(c, "departing", step.name, target, c.officers);
  }

  private reach(c: Case): void {
    const step = this.o.flow[c.step + 1]!;
    c.step++;
    c.room = c.next;
    c.next = undefined;
    c.phase = "dwelling";
    c.since = this.simTime;
    c.until = this.simTime + step.minutes * MIN * this.o.rng.range(0.7, 1.3);
    if (step.name === "holding" && c.holdings++ === 0) c.firstHoldingAt = this.simTime;
    if (step.name === "interrogation") c.interrogations++;
    this.release(c, Math.min(step.officers, this.officers.length));
    this.transition(c, "reached", step.name, c.room, c.officers);
    if (step.handover) {
      // Released and unbound at the door: the band comes off and the person walks out untracked.
      c.banded = false;
      c.walker.walkTo(c.rest);
      c.rest = [];
    }
  }

  /** Incident: the second officer walks out of the first interrogation, which goes on. */
  private officerLeaves(c: Case): void {
    const leaves = this.planOf(c)?.officerLeaves;
    if (!leaves || c.officerLeft || this.o.flow[c.step]?.name !== "interrogation" || c.interrogations !== 1) return;
    if (this.simTime < c.since + leaves.afterMin * MIN || c.officers.length < 2) return;
    const off = c.officers.at(-1)!;
    this.release(c, c.officers.length - 1);
    c.officerLeft = true;
    c.until = Math.max(c.until, this.simTime + leaves.aloneMin * MIN);
    this.transition(c, "officer_left", "officer_left", c.room, [off]);
  }

  /** Incident: the first holding stay goes on until the operator ends it, or the co-case partner has shared it long enough. */
  private held(c: Case): boolean {
    const plan = this.planOf(c);
    if (!plan || this.o.flow[c.step]?.name !== "holding" || c.holdings !== 1) return false;
    if (plan.holdUntilReleased && !c.holdEnded) return true;
    const partner = plan.partner && this.caseOf(plan.partner.personId);
    if (!plan.partner || !partner) return false;
    if (partner.firstHoldingAt === undefined) return true;
    return this.simTime < Math.max(partner.firstHoldingAt, c.firstHoldingAt ?? 0) + plan.partner.togetherMin * MIN;
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
    const candidates = this.o.plan.roomsOfType(step.roomTypes);
    const partner = this.partnerOf(self);
    // A co-case pair shares holding (the incident) and is kept apart everywhere else.
    if (partner && step.name === "holding") {
      const shared = candidates.find((r) => this.isAt(partner, r));
      if (shared) return shared;
    }
    const load = (r: PlanRoom): number => this.cases.filter((c) => c !== self && this.isAt(c, r)).length;
    const rooms = candidates.filter((r) => !partner || step.name === "holding" || !this.isAt(partner, r)).map((r) => ({ r, n: load(r) }));
    if (step.exclusive) return rooms.find((x) => x.n === 0)?.r;
    // Prefer rooms under capacity, then the emptiest: a full holding area still takes people.
    rooms.sort((a, b) => Number(a.n >= (a.r.capacity ?? Infinity)) - Number(b.n >= (b.r.capacity ?? Infinity)) || a.n - b.n);
    return rooms[0]?.r;
  }

  private isAt(c: Case, r: PlanRoom): boolean {
    return (c.visible || c.phase === "receiving") && (c.room === r || c.next === r);
  }

  private planOf(c: Case): WorldPlan | undefined {
    return c.visit === 1 ? this.o.plans?.get(personId(c.tag, 1)) : undefined;
  }

  private partnerOf(c: Case): Case | undefined {
    const id = this.planOf(c)?.partner?.personId;
    return id === undefined ? undefined : this.caseOf(id);
  }

  private caseOf(id: string): Case | undefined {
    return this.cases.find((c) => personId(c.tag, c.visit) === id);
  }

  private transition(c: Case, kind: SimTransitionKind, step: string, room: PlanRoom | undefined, officers: readonly Officer[]): void {
    const officerIds = officers.map((off) => personId(off.tag));
    this.o.onTransition?.({ simTime: this.simTime, personId: personId(c.tag, c.visit), tagId: c.tag.tagId, kind, step, roomId: room?.id, officerIds });
  }
}
