import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { CustodyService } from "../custody/index.js";
import { personId } from "./people.js";
import type { RunningSimulator } from "./simulator.js";
import type { SimTransition } from "./world.js";

/**
 * Plays the operator's part in the demo: registers and binds people and records their custody
 * steps through the same command API the local HTTP API and the central system use, so the
 * demo exercises the real custody state, pre-checks and rules.
 */
export function driveCustodyFromSimulation(sim: RunningSimulator, custody: CustodyService, clock: Clock, log: Logger): void {
  let n = 0;
  const run = (name: string, args: Record<string, unknown>) => {
    const outcome = custody.execute({ commandId: `sim-${clock.now()}-${++n}`, name, args, by: { kind: "operator", id: "demo-desk" } });
    if (outcome.status !== "ok") log.info({ command: name, args, outcome }, "demo command not accepted");
    return outcome;
  };

  for (const o of sim.people.officers) {
    const id = personId(o);
    run("register", { personId: id, role: "officer", sex: o.index % 3 === 1 ? "female" : "male" });
    run("bind", { personId: id, tagIds: [o.tagId] });
  }

  sim.onTransition((t: SimTransition) => {
    switch (t.step) {
      case "registration":
        run("register", { personId: t.personId, role: "detainee", sex: "male", legalBasis: "summons", arrivalAt: clock.now(), caseNos: [`case-${t.personId}`] });
        run("bind", { personId: t.personId, tagIds: [t.tagId] });
        break;
      case "exit":
        run("exit", { personId: t.personId, destination: "released", outcome: "released after questioning", belongingsReturned: true });
        break;
    }
  });
}
