import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { EventCategory } from "../core/envelope.js";
import { parseOr400, sendError } from "./http-errors.js";
import type { RouteContext } from "./server.js";

const Seq = z.coerce.number().int().nonnegative();

const EventsQuery = z.strictObject({
  after: Seq.optional().describe("resume after this seq (for clients that cannot send Last-Event-ID)"),
  category: z
    .string()
    .transform((s) => s.split(",").map((c) => c.trim()).filter((c) => c.length > 0))
    .pipe(z.array(EventCategory).min(1))
    .optional()
    .describe("comma-separated event categories to receive; default all"),
});

/**
 * GET /api/events: Server-Sent Events of every committed event (event-stream.ts). Resumes
 * after `Last-Event-ID` (what EventSource sends on reconnect), else after `?after=`, else
 * starts at the live edge.
 */
export function eventRoutes(app: FastifyInstance, { stream }: RouteContext): void {
  app.get("/api/events", { config: { access: "viewer" }, exposeHeadRoute: false }, async (req, reply) => {
    const q = parseOr400(reply, EventsQuery, req.query, "query");
    if (!q) return reply;
    const header = req.headers["last-event-id"];
    let afterSeq = q.after;
    if (typeof header === "string" && header.trim() !== "") {
      const parsed = Seq.safeParse(header.trim());
      if (!parsed.success) return sendError(reply, 400, "INVALID_INPUT", "Last-Event-ID must be an event seq (a non-negative integer)", [{ path: "headers.last-event-id", message: "not a seq" }]);
      afterSeq = parsed.data;
    }
    reply.hijack();
    stream.open(reply.raw, { ...(afterSeq !== undefined && { afterSeq }), ...(q.category && { categories: new Set(q.category) }) });
    return reply;
  });
}
