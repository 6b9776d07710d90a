import type { FastifyReply } from "fastify";
import type { z } from "zod";

/** One input problem: `path` is dotted from the body or query root ("args.personId"). */
export interface ApiIssue {
  readonly path: string;
  readonly message: string;
}

/** Every error answer of the API: a stable code for programs, a sentence for people. */
export interface ApiErrorBody {
  readonly error: string;
  readonly message: string;
  readonly issues?: readonly ApiIssue[];
}

export function zodIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): ApiIssue[] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path.map(String)].join(".") || "(root)", message: i.message }));
}

export function issuesMessage(issues: readonly ApiIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

export function sendError(reply: FastifyReply, status: number, error: string, message: string, issues?: readonly ApiIssue[]): FastifyReply {
  const body: ApiErrorBody = { error, message, ...(issues && issues.length > 0 && { issues }) };
  return reply.code(status).send(body);
}

/** Parses `value` with `schema`, or answers 400 INVALID_INPUT listing the issue paths and returns undefined. */
export function parseOr400<S extends z.ZodType>(reply: FastifyReply, schema: S, value: unknown, where: "body" | "query" | "params"): z.output<S> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = zodIssues(r.error, where === "body" ? [] : [where]);
  sendError(reply, 400, "INVALID_INPUT", `invalid ${where}: ${issuesMessage(issues)}`, issues);
  return undefined;
}
