import type { SimIncident } from "../config/schema.js";
import { personId } from "./people.js";

/**
 * The demo's deliberate incidents (`simulation.incidents`) turned into what the simulated world
 * and the demo operator do differently for one detainee's first visit. Nothing here touches the
 * rules: the alarms must come out of positions, presence and the custody record.
 */

/** How the world moves this detainee differently. */
export interface WorldPlan {
  /** A co-case partner: they share the (first) holding room and avoid each other elsewhere. */
  readonly partner?: { readonly personId: string; readonly togetherMin: number };
  /** In the first interrogation the second officer walks out after `afterMin`. */
  readonly officerLeaves?: { readonly afterMin: number; readonly aloneMin: number };
  /** The first holding stay lasts until the operator ends it (`CustodyWorld.endHold`). */
  readonly holdUntilReleased?: boolean;
}

/** How the demo operator records this detainee differently. */
export interface OperatorPlan {
  /** Case number shared with a co-case partner. */
  readonly caseNo?: string;
  /** Assign holding through an override when the only objection is the shared case. */
  readonly overrideSameCase?: boolean;
  /** 到案时间 set so far back that the custody clock's warning falls into the first holding stay. */
  readonly overdue?: boolean;
}

export interface IncidentPlan {
  readonly world: WorldPlan;
  readonly operator: OperatorPlan;
}

/** Person id of simulated detainee `n` (1-based) on their first visit. */
export const firstVisitOf = (n: number): string => personId({ role: "detainee", index: n - 1, tagId: "" }, 1);

/** Plans by person id (first visits only); detainees without an incident have none. */
export function planIncidents(incidents: readonly SimIncident[]): Map<string, IncidentPlan> {
  const plans = new Map<string, { world: WorldPlan; operator: OperatorPlan }>();
  const edit = (n: number, world: WorldPlan, operator: OperatorPlan = {}) => {
    const id = firstVisitOf(n);
    const p = plans.get(id) ?? { world: {}, operator: {} };
    plans.set(id, { world: { ...p.world, ...world }, operator: { ...p.operator, ...operator } });
  };
  for (const inc of incidents) {
    switch (inc.kind) {
      case "co_case_holding": {
        const [a, b] = inc.detainees;
        const caseNo = `case-joint-${a}-${b}`;
        edit(a, { partner: { personId: firstVisitOf(b), togetherMin: inc.togetherMin } }, { caseNo, overrideSameCase: true });
        edit(b, { partner: { personId: firstVisitOf(a), togetherMin: inc.togetherMin } }, { caseNo, overrideSameCase: true });
        break;
      }
      case "single_officer_interrogation":
        edit(inc.detainee, { officerLeaves: { afterMin: inc.afterMin, aloneMin: inc.aloneMin } });
        break;
      case "overdue_holding":
        edit(inc.detainee, { holdUntilReleased: true }, { overdue: true });
        break;
    }
  }
  return plans;
}
