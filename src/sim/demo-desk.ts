import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { CommandOutcome, CustodyService } from "../custody/index.js";

/** The demo operator's identity in every command and audit record. */
export const DEMO_DESK = { kind: "operator", id: "demo-desk" } as const;

/**
 * The demo operator's terminal: every custody command goes through `CustodyService.execute`,
 * the API the local HTTP API and central use, so the demo runs the real pre-checks, state,
 * events and audit. A refusal is logged, never worked around, except through `override`, which
 * states the operator's reason exactly as a person at the desk would have to.
 */
export class DemoDesk {
  private n = 0;

  constructor(
    private readonly custody: CustodyService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  run(name: string, args: Record<string, unknown>, reason?: string): CommandOutcome {
    const outcome = this.custody.execute({ commandId: `sim-${this.clock.now()}-${++this.n}`, name, args, by: DEMO_DESK, ...(reason !== undefined && { reason }) });
    if (outcome.status !== "ok") this.log.info({ command: name, args, outcome }, "demo command not accepted");
    else this.log.debug({ command: name, personId: args.personId, codes: outcome.codes }, "demo command");
    return outcome;
  }

  /**
   * Runs the command; when the pre-check asks for an override and every code it names is one of
   * `accept`, runs it again as an override with the operator's reason (audited, and raising
   * ASSIGNMENT_OVERRIDE for room assignments).
   */
  runOverriding(name: string, args: Record<string, unknown>, accept: readonly string[], reason: string): CommandOutcome {
    const first = this.custody.execute({ commandId: `sim-${this.clock.now()}-${++this.n}`, name, args, by: DEMO_DESK });
    const overridable = first.status === "rejected" && first.verdict === "needs_override" && first.codes.length > 0 && first.codes.every((c) => accept.includes(c));
    if (!overridable) {
      if (first.status !== "ok") this.log.info({ command: name, args, outcome: first }, "demo command not accepted");
      return first;
    }
    const outcome = this.run("override", { command: { name, args } }, reason);
    if (outcome.status === "ok") this.log.info({ command: name, args, overridden: outcome.overridden, reason }, "demo operator overrode the pre-check");
    return outcome;
  }
}
