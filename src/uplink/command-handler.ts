import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { AuditLog } from "../store/audit-log.js";
import type { CommandStore } from "./command-store.js";
import { CENTRAL_COMMANDS, commandTarget, isCentralCommand, notImplemented, type CommandResult, type CommandRouter } from "./commands.js";
import { CommandRequest, type CommandResponse } from "./payloads.js";

export interface CommandHandlerDeps {
  store: CommandStore;
  router: CommandRouter | undefined;
  audit: AuditLog;
  clock: Clock;
  /** Only messages whose `sender` user property equals this are executed. */
  centralHostId: string;
  rebirth: () => void;
  log?: Logger;
}

export interface InboundCommand {
  name: string;
  payload: Buffer;
  /** The MQTT 5 user property `sender`, when present. */
  sender: string | undefined;
}

/**
 * Turns one inbound `cmd/<name>` message into at most one execution and exactly one answer:
 * sender check, JSON and zod validation, idempotency by command id, deadline, then the router.
 * Every outcome — executed, refused, invalid, expired, replayed — is written to the audit log.
 * Returns the response to publish, or undefined while the same id is still executing.
 */
export class CommandHandler {
  private readonly inProgress = new Set<string>();

  constructor(private readonly deps: CommandHandlerDeps) {}

  async handle(msg: InboundCommand): Promise<CommandResponse | undefined> {
    const { clock, store, centralHostId } = this.deps;
    const now = clock.now();
    const request = parseRequest(msg.payload);
    const id = request.ok ? request.value.id : request.id;

    if (msg.sender !== centralHostId) {
      this.audit(msg.name, `unverified:${msg.sender ?? "none"}`, id, "rejected", "FORBIDDEN");
      return this.answer(id, now, { status: "error", error: { code: "FORBIDDEN", message: `commands are accepted only from "${centralHostId}"` } });
    }
    if (!request.ok) {
      this.audit(msg.name, `central:${centralHostId}`, id, "rejected", "BAD_REQUEST");
      return this.answer(id, now, { status: "error", error: { code: "BAD_REQUEST", message: request.message } });
    }
    const req = request.value;
    const requestedBy = req.requestedBy ?? centralHostId;
    const target = commandTarget(req.args);

    const known = store.get(req.id);
    if (known?.state === "done") {
      this.audit(msg.name, `central:${requestedBy}`, req.id, "replayed", known.response.error?.code, target);
      return { ...known.response, replayed: true };
    }
    if (known?.state === "running" && this.inProgress.has(req.id)) return undefined;

    let result: CommandResult;
    if (known?.state === "running") {
      // Claimed before a crash: it may or may not have acted. Never run it again.
      result = { status: "error", error: { code: "INTERRUPTED", message: "the gateway restarted while executing this command; check the state before retrying with a new id" } };
    } else if (!isCentralCommand(msg.name)) {
      result = { status: "error", error: { code: "UNKNOWN_COMMAND", message: `unknown command "${msg.name}"` } };
    } else if (req.deadline !== undefined && now > req.deadline) {
      result = { status: "error", error: { code: "EXPIRED", message: `deadline ${new Date(req.deadline).toISOString()} has passed` } };
    } else {
      const args = CENTRAL_COMMANDS[msg.name].safeParse(req.args);
      if (!args.success) {
        const message = args.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ");
        result = { status: "error", error: { code: "INVALID_ARGS", message } };
      } else {
        store.start(req.id, msg.name, now);
        this.inProgress.add(req.id);
        try {
          result = await this.execute(msg.name, args.data, { commandId: req.id, requestedBy, deadline: req.deadline, ...(req.reason !== undefined && { reason: req.reason }) });
        } finally {
          this.inProgress.delete(req.id);
        }
      }
    }
    const response = this.answer(req.id, clock.now(), result);
    this.audit(msg.name, `central:${requestedBy}`, req.id, result.status, result.error?.code, target, req.reason);
    store.finish(req.id, msg.name, now, response);
    return response;
  }

  private async execute(name: keyof typeof CENTRAL_COMMANDS, args: unknown, meta: Parameters<CommandRouter["handle"]>[2]): Promise<CommandResult> {
    if (name === "rebirth") {
      this.deps.rebirth();
      return { status: "ok" };
    }
    const router = this.deps.router;
    if (!router) return notImplemented(name);
    try {
      return await router.handle(name, args as never, meta);
    } catch (err) {
      this.deps.log?.error({ err, command: name, commandId: meta.commandId }, "command handler threw");
      return { status: "error", error: { code: "INTERNAL", message: (err as Error).message ?? String(err) } };
    }
  }

  private answer(id: string | null, ts: number, r: CommandResult): CommandResponse {
    return { id, status: r.status, ...(r.data !== undefined && { data: r.data }), ...(r.error && { error: r.error }), ts };
  }

  private audit(name: string, actor: string, commandId: string | null, outcome: string, code?: string, target?: string, reason?: string): void {
    this.deps.audit.record({
      actor,
      action: `command.${name}`,
      ...(target !== undefined && { target }),
      ...(reason !== undefined && { reason }),
      data: { commandId, outcome, ...(code !== undefined && { code }) },
    });
  }
}

type Parsed = { ok: true; value: CommandRequest } | { ok: false; id: string | null; message: string };

function parseRequest(payload: Buffer): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString("utf8"));
  } catch {
    return { ok: false, id: null, message: "payload is not JSON" };
  }
  const parsed = CommandRequest.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const rawId = (json as { id?: unknown } | null)?.id;
  const id = typeof rawId === "string" && rawId.length > 0 && rawId.length <= 128 ? rawId : null;
  return { ok: false, id, message: parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ") };
}
