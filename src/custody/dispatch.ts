import type { AlarmCommands } from "./alarm-commands.js";
import { actorRef } from "./drafts.js";
import { CUSTODY_COMMANDS, isCustodyCommand, issuesText, type CommandArgs, type CommandOutcome } from "./commands.js";
import { isStateCommand, OPERATIONS, type StateCommandName } from "./operations.js";
import type { OpContext, OpResult } from "./ops-context.js";

/**
 * One validated command → one outcome and, for state commands, the change to commit. Pure but
 * for the alarm lifecycle, which keeps its own state.
 */
export interface Dispatched {
  readonly outcome: CommandOutcome;
  readonly result?: Extract<OpResult, { ok: true }>;
  /** For `override`: the command it ran. */
  readonly inner?: StateCommandName;
}

export function dispatch(ctx: OpContext, name: string, args: unknown, reason: string | undefined, alarms: AlarmCommands | undefined): Dispatched {
  const id = { commandId: ctx.commandId, name };
  if (!isCustodyCommand(name)) return { outcome: { status: "invalid", ...id, message: `unknown command "${name}"` } };
  const parsed = CUSTODY_COMMANDS[name].safeParse(args);
  if (!parsed.success) return { outcome: { status: "invalid", ...id, message: issuesText(parsed.error) } };

  if (name === "ack_alarm" || name === "resolve_alarm") {
    if (!alarms) return { outcome: { status: "error", ...id, code: "NOT_AVAILABLE", message: "the alarm lifecycle is not running" } };
    const a = parsed.data as CommandArgs["ack_alarm"] | CommandArgs["resolve_alarm"];
    const r =
      "resolution" in a ? alarms.resolve(a.alarmId, actorRef(ctx.by), a.resolution, a.note) : alarms.acknowledge(a.alarmId, actorRef(ctx.by), a.note);
    return r.ok
      ? { outcome: { status: "ok", ...id, codes: [], ...(r.alarm && { data: { alarm: r.alarm } }) } }
      : { outcome: { status: "rejected", ...id, verdict: "deny", codes: [r.code], message: r.message } };
  }

  if (name === "override") {
    const inner = (parsed.data as CommandArgs["override"]).command;
    if (!isStateCommand(inner.name)) return { outcome: { status: "invalid", ...id, message: `"${inner.name}" cannot be overridden` } };
    if (!reason?.trim()) return { outcome: { status: "invalid", ...id, message: "an override needs a reason" } };
    const d = runState(ctx, inner.name, inner.args, { reason: reason.trim() });
    return { ...d, outcome: { ...d.outcome, name }, inner: inner.name };
  }
  return runState(ctx, name as StateCommandName, parsed.data, undefined);
}

function runState(ctx: OpContext, name: StateCommandName, args: unknown, override: { reason: string } | undefined): Dispatched {
  const id = { commandId: ctx.commandId, name };
  const parsed = CUSTODY_COMMANDS[name].safeParse(args);
  if (!parsed.success) return { outcome: { status: "invalid", ...id, message: issuesText(parsed.error) } };
  const op = OPERATIONS[name] as (c: OpContext, a: unknown) => OpResult;
  const result = op(override ? { ...ctx, override } : ctx, parsed.data);
  if (!result.ok) {
    const v = result.verdict;
    const verdict = v.verdict === "allow" ? "deny" : v.verdict;
    const message = `${name}: ${verdict === "deny" ? "refused" : "needs an override (operator and reason)"}: ${v.codes.join(", ")}`;
    return { outcome: { status: "rejected", ...id, verdict, codes: v.codes, ...(v.details && { details: v.details }), message } };
  }
  const outcome: CommandOutcome = {
    status: "ok",
    ...id,
    codes: result.codes,
    ...(override && { overridden: result.overridden }),
    ...(result.data && { data: result.data }),
  };
  return { outcome, result };
}
