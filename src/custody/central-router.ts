import type { CentralCommandArgs, CentralCommandName, CommandMeta, CommandResult } from "../uplink/commands.js";
import type { CommandOutcome } from "./commands.js";

/** What this adapter needs of the custody service. */
export interface CustodyExecutor {
  execute(input: unknown): CommandOutcome;
}

const KIND = { interrogation: "interrogation", inquiry: "interview", "admin-single-recorded": "single_recorded_task" } as const;

type Translated = { name: string; args: Record<string, unknown>; by?: string; reason?: string };

/**
 * Central commands (src/uplink/commands.ts) onto the custody command API. Returns undefined for
 * the commands custody does not own (door, generic override), so the composition root can chain
 * it with the door actions' router. The central command id is the custody command id: a
 * redelivery is answered from the custody store too.
 */
export function routeCentralCommand<N extends Exclude<CentralCommandName, "rebirth">>(
  custody: CustodyExecutor,
  name: N,
  args: CentralCommandArgs[N],
  meta: CommandMeta,
): CommandResult | undefined {
  const t = translate(name, args as never);
  if (!t) return undefined;
  const outcome = custody.execute({
    commandId: meta.commandId,
    name: t.name,
    args: t.args,
    by: { kind: "central", id: t.by ?? meta.requestedBy },
    ...((t.reason ?? meta.reason) !== undefined && { reason: t.reason ?? meta.reason }),
  });
  return toResult(outcome);
}

function translate(name: CentralCommandName, a: Record<string, unknown> & CentralCommandArgs[keyof CentralCommandArgs]): Translated | undefined {
  switch (name) {
    case "register-person": {
      const r = a as CentralCommandArgs["register-person"];
      const { caseNo, incidentNo, vulnerableFlags, ...rest } = r;
      return {
        name: "register",
        args: { ...rest, caseNos: caseNo ? [caseNo] : [], incidentNos: incidentNo ? [incidentNo] : [], ...(vulnerableFlags && { vulnerable: vulnerableFlags }) },
      };
    }
    case "bind-tag": {
      const r = a as CentralCommandArgs["bind-tag"];
      return { name: "bind", args: { personId: r.personId, tagIds: [r.tagId] } };
    }
    case "unbind-tag": {
      const r = a as CentralCommandArgs["unbind-tag"];
      return { name: "unbind", args: { personId: r.personId, tagIds: [r.tagId], ...(r.reason && { reason: r.reason }) } };
    }
    case "assign-holding": {
      const r = a as CentralCommandArgs["assign-holding"];
      const args = { personId: r.personId, roomId: r.roomId };
      return r.override ? { name: "override", args: { command: { name: "assign_holding", args } }, by: r.override.by, reason: r.override.reason } : { name: "assign_holding", args };
    }
    case "release-holding":
      return { name: "release_holding", args: { personId: (a as CentralCommandArgs["release-holding"]).personId } };
    case "start-interrogation": {
      const r = a as CentralCommandArgs["start-interrogation"];
      return { name: "start_interrogation", args: { personId: r.personId, roomId: r.roomId, officerIds: r.officerIds, kind: KIND[r.kind] } };
    }
    case "end-interrogation":
      return { name: "end_interrogation", args: { personId: (a as CentralCommandArgs["end-interrogation"]).personId } };
    case "person-exit":
      return { name: "exit", args: { ...(a as CentralCommandArgs["person-exit"]) } };
    default:
      return undefined;
  }
}

function toResult(o: CommandOutcome): CommandResult {
  switch (o.status) {
    case "ok":
      return { status: "ok", data: { codes: o.codes, ...(o.overridden && { overridden: o.overridden }), ...o.data } };
    case "rejected":
      return {
        status: "error",
        data: { verdict: o.verdict, codes: o.codes, ...(o.details && { details: o.details }) },
        error: { code: o.verdict === "deny" ? "DENIED" : "NEEDS_OVERRIDE", message: o.message },
      };
    case "invalid":
      return { status: "error", error: { code: "INVALID_ARGS", message: o.message } };
    case "error":
      return { status: "error", error: { code: o.code, message: o.message } };
  }
}
