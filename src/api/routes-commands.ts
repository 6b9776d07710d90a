import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { DoorOutcome } from "../actions/index.js";
import { uuidv7 } from "../core/ids.js";
import type { CommandOutcome } from "../custody/index.js";
import type { Principal } from "./auth.js";
import { commandIssues } from "./command-issues.js";
import { parseOr400, sendError } from "./http-errors.js";
import type { RouteContext } from "./server.js";

/** A door command from the console is worthless after this long (a late unlock is worse than none). */
export const DOOR_DEADLINE_MS = 10_000;

const Id = z.string().min(1).max(128);
const Note = z.string().max(1000);

const AckBody = z.strictObject({ note: Note.optional(), commandId: Id.optional().describe("idempotency key; a repeat answers the first result") });
const ResolveBody = z.strictObject({
  resolution: z.enum(["resolved", "false_alarm", "ignored"]).default("resolved"),
  note: Note.optional().describe("required for false_alarm and ignored"),
  commandId: Id.optional(),
});
const DoorBody = z.strictObject({
  reason: z.string({ error: "a reason is required" }).trim().min(1, "a reason is required").max(1000),
  personId: Id.optional().describe("the person the door is opened for: custody must allow the move"),
  toZone: Id.optional().describe("where that person goes: one of the door's two zones"),
  requestId: Id.optional().describe("correlation id; one is made when absent"),
});
const AnyObject = z.record(z.string(), z.unknown(), { error: "the body must be a JSON object" });

/** HTTP status of a custody command outcome (POST /api/commands). */
export function commandStatus(o: CommandOutcome): number {
  if (o.status === "ok") return 200;
  if (o.status === "rejected") return 422;
  if (o.status === "invalid") return 400;
  return o.code === "NOT_AVAILABLE" ? 503 : 500;
}

/** Alarm commands answer with the alarm lifecycle's own distinctions. */
function alarmStatus(o: CommandOutcome): number {
  if (o.status !== "rejected") return commandStatus(o);
  const code = o.codes[0];
  return code === "not_found" ? 404 : code === "invalid_transition" ? 409 : code === "invalid_input" ? 400 : 422;
}

function doorStatus(o: DoorOutcome): number {
  if (o.result === "executed") return 200;
  if (o.result === "rejected") return o.reasonCode === "UNKNOWN_DOOR" ? 404 : 409;
  return 502;
}

/**
 * The mutating side. Each request becomes a call of the domain's one command API — custody's
 * `execute`, the door controller's `request` — with the token's name as operator id, so
 * pre-checks, interlocks and the audit record apply exactly as for any other caller.
 */
export function commandRoutes(app: FastifyInstance, { deps, log }: RouteContext): void {
  const operator = (req: FastifyRequest): Principal => req.principal!;
  const actor = (req: FastifyRequest) => ({ kind: "operator" as const, id: operator(req).name });

  const runCommand = (req: FastifyRequest, reply: FastifyReply, envelope: Record<string, unknown>, status: (o: CommandOutcome) => number) => {
    const outcome = deps.custody.execute(envelope);
    const code = status(outcome);
    if (outcome.status === "invalid") {
      const issues = commandIssues(envelope, outcome);
      return reply.code(code).send({ ...outcome, error: "INVALID_COMMAND", issues });
    }
    if (code >= 500) log.error({ outcome, by: operator(req).name }, "custody command failed");
    return reply.code(code).send(outcome);
  };

  app.post<{ Params: { id: string } }>("/api/alarms/:id/ack", { config: { access: "operator" } }, async (req, reply) => {
    const body = parseOr400(reply, AckBody, req.body ?? {}, "body");
    if (!body) return reply;
    const args = { alarmId: req.params.id, ...(body.note !== undefined && { note: body.note }) };
    return runCommand(req, reply, { commandId: body.commandId ?? uuidv7(deps.clock.now()), name: "ack_alarm", args, by: actor(req) }, alarmStatus);
  });

  app.post<{ Params: { id: string } }>("/api/alarms/:id/resolve", { config: { access: "operator" } }, async (req, reply) => {
    const body = parseOr400(reply, ResolveBody, req.body ?? {}, "body");
    if (!body) return reply;
    const args = { alarmId: req.params.id, resolution: body.resolution, ...(body.note !== undefined && { note: body.note }) };
    return runCommand(req, reply, { commandId: body.commandId ?? uuidv7(deps.clock.now()), name: "resolve_alarm", args, by: actor(req) }, alarmStatus);
  });

  app.post<{ Body: unknown }>("/api/commands", { config: { access: "operator" } }, async (req, reply) => {
    const body = parseOr400(reply, AnyObject, req.body, "body");
    if (!body) return reply;
    const by = actor(req);
    if (body.by !== undefined && !sameActor(body.by, by)) {
      log.warn({ by: operator(req).name, claimed: body.by }, "api command refused: claims another actor");
      return sendError(reply, 403, "ACTOR_MISMATCH", `commands through this API are issued by the token's operator ${JSON.stringify(by)}; leave "by" out`);
    }
    return runCommand(req, reply, { ...body, commandId: body.commandId ?? uuidv7(deps.clock.now()), by }, commandStatus);
  });

  for (const action of ["unlock", "lock"] as const) {
    app.post<{ Params: { id: string } }>(`/api/doors/:id/${action}`, { config: { access: "operator" } }, async (req, reply) => {
      const body = parseOr400(reply, DoorBody, req.body ?? {}, "body");
      if (!body) return reply;
      const outcome = await deps.actions.doors.request({
        ...(body.requestId !== undefined && { id: body.requestId }),
        doorId: req.params.id,
        action,
        origin: "operator",
        requestedBy: operator(req).name,
        reason: body.reason,
        deadline: deps.clock.now() + DOOR_DEADLINE_MS,
        ...(body.personId !== undefined && { personId: body.personId }),
        ...(body.toZone !== undefined && { toZone: body.toZone }),
      });
      return reply.code(doorStatus(outcome)).send(outcome);
    });
  }
}

function sameActor(claimed: unknown, by: { kind: string; id: string }): boolean {
  const c = claimed as { kind?: unknown; id?: unknown } | null;
  return typeof c === "object" && c !== null && Object.keys(c).length === 2 && c.kind === by.kind && c.id === by.id;
}
