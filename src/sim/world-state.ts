import type { FlowStep } from "./flow.js";
import type { FloorPlan, PlanRoom, Spot } from "./floorplan.js";
import type { WorldPlan } from "./incidents.js";
import type { SimPeople, SimRole, SimTag } from "./people.js";
import type { Rng } from "./random.js";
import { Walker } from "./walker.js";

/** What the custody-flow model tells (transitions, positions) and what it keeps per person. */

/**
 * What happened to a detainee: brought in ("arrived", at the entrance, with the receiving
 * officer), led off towards a flow step ("departing"), there ("reached"), one of the officers
 * walked out ("officer_left"), gone ("left").
 */
export type SimTransitionKind = "arrived" | "departing" | "reached" | "officer_left" | "left";

export interface SimTransition {
  /** Simulated ms since the simulation started. */
  readonly simTime: number;
  readonly personId: string;
  readonly tagId: string;
  readonly kind: SimTransitionKind;
  /** The flow step walked to or reached; the kind itself for the other kinds. */
  readonly step: string;
  /** The step's room (departing, reached), the entrance (arrived), where they were (officer_left, left). */
  readonly roomId: string | undefined;
  /** Officer person ids: the escort (arrived, departing), those staying in the room (reached), the one who left (officer_left). */
  readonly officerIds: readonly string[];
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
  /** Measurement noise of `positions()`; apart from `rng`, so noise never changes what people do. */
  jitterRng?: Rng;
  /** Incident plans by person id (first visits). */
  plans?: ReadonlyMap<string, WorldPlan>;
  walkSpeedMps?: number;
  onTransition?: (t: SimTransition) => void;
}

export interface Officer {
  readonly tag: SimTag;
  readonly walker: Walker;
  readonly home: Spot;
  with: Case | null;
}

export interface Case {
  readonly tag: SimTag;
  readonly walker: Walker;
  visit: number;
  visible: boolean;
  /** The wristband is on and reporting; it comes off at the release desk by the exit door. */
  banded: boolean;
  /** Index of the flow step the detainee is in (or walking to); -1 before the first. */
  step: number;
  phase: "absent" | "receiving" | "gathering" | "walking" | "dwelling";
  /** Sim time of the next arrival (absent) or the end of the stay (dwelling). */
  until: number;
  /** When the current step was reached. */
  since: number;
  room: PlanRoom | undefined;
  next: PlanRoom | undefined;
  /** Where the walk goes on after the exit door. */
  rest: Spot[];
  officers: Officer[];
  /** Per visit: holding stays and interrogations begun, when the first holding stay began. */
  holdings: number;
  interrogations: number;
  firstHoldingAt: number | undefined;
  officerLeft: boolean;
  holdEnded: boolean;
}

/** A detainee slot before its first visit: absent until `until`. */
export function newCase(tag: SimTag, until: number): Case {
  return {
    tag,
    walker: new Walker({ p: [0, 0], floor: 1 }),
    visit: 1,
    visible: false,
    banded: false,
    step: -1,
    phase: "absent",
    until,
    since: 0,
    room: undefined,
    next: undefined,
    rest: [],
    officers: [],
    holdings: 0,
    interrogations: 0,
    firstHoldingAt: undefined,
    officerLeft: false,
    holdEnded: false,
  };
}

/** The slot after a visit: the next person wears the band from `until`. */
export function nextVisit(c: Case, until: number): void {
  c.visible = c.banded = false;
  c.phase = "absent";
  c.room = c.next = undefined;
  c.rest = [];
  c.holdings = c.interrogations = 0;
  c.firstHoldingAt = undefined;
  c.officerLeft = c.holdEnded = false;
  c.visit++;
  c.until = until;
}
