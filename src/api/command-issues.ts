import { CUSTODY_COMMANDS, CommandEnvelope, isCustodyCommand, type CommandOutcome } from "../custody/index.js";
import { zodIssues, type ApiIssue } from "./http-errors.js";

/**
 * Why the custody command API called a command invalid, as issue paths from the envelope's
 * root ("args.personId"). `CustodyService.execute` answers one line of text; a console needs
 * to point at the field, so the same schemas are asked again here (only for invalid commands).
 */
export function commandIssues(envelope: Record<string, unknown>, outcome: CommandOutcome): ApiIssue[] {
  const env = CommandEnvelope.safeParse(envelope);
  if (!env.success) return zodIssues(env.error);
  const { name, args, reason } = env.data;
  if (!isCustodyCommand(name)) return [{ path: "name", message: `unknown command "${name}"` }];
  const parsed = CUSTODY_COMMANDS[name].safeParse(args);
  if (!parsed.success) return zodIssues(parsed.error, ["args"]);
  if (name === "override") {
    const inner = (parsed.data as { command: { name: string; args: Record<string, unknown> } }).command;
    if (!isCustodyCommand(inner.name)) return [{ path: "args.command.name", message: `unknown command "${inner.name}"` }];
    const innerArgs = CUSTODY_COMMANDS[inner.name].safeParse(inner.args);
    if (!innerArgs.success) return zodIssues(innerArgs.error, ["args", "command", "args"]);
    if (!reason?.trim()) return [{ path: "reason", message: "an override needs a reason" }];
  }
  return [{ path: "(root)", message: "message" in outcome ? outcome.message : "invalid command" }];
}
