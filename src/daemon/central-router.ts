import type { ActionServices } from "../actions/index.js";
import type { CustodyService } from "../custody/index.js";
import { routeCentralCommand } from "../custody/index.js";
import { notImplemented, type CentralCommandArgs, type CommandRouter } from "../uplink/commands.js";

/** Door command validity when central gives no deadline: a late unlock is worse than none. */
const DEFAULT_DOOR_DEADLINE_MS = 10_000;

/**
 * Central commands onto the daemon's one command API per domain: custody commands to the
 * custody service, door commands to the door controller (interlocks, passage and audit apply
 * exactly as for a local operator). The uplink has already validated, de-duplicated and audited
 * the command and checked its sender.
 */
export function centralRouter(parts: { custody: () => CustodyService; actions: () => ActionServices; now: () => number }): CommandRouter {
  return {
    async handle(name, args, meta) {
      if (name === "door") {
        const a = args as CentralCommandArgs["door"];
        const outcome = await parts.actions().doors.request({
          id: meta.commandId,
          doorId: a.doorId,
          action: a.action,
          origin: "central",
          requestedBy: meta.requestedBy,
          reason: meta.reason ?? "central command",
          deadline: meta.deadline ?? parts.now() + DEFAULT_DOOR_DEADLINE_MS,
        });
        return outcome.result === "executed"
          ? { status: "ok", data: outcome }
          : { status: "error", error: { code: outcome.reasonCode, message: outcome.detail ?? `door ${a.action} ${outcome.result}` }, data: outcome };
      }
      if (name === "override") return notImplemented(name);
      return routeCentralCommand(parts.custody(), name, args, meta) ?? notImplemented(name);
    },
  };
}
