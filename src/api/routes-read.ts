import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseOr400, sendError } from "./http-errors.js";
import type { RouteContext } from "./server.js";
import { doorsView, personView, sortedAlarms, zonesView } from "./views.js";

const AlarmQuery = z.strictObject({
  minSeverity: z.coerce.number().int().min(0).max(4).optional().describe("only alarms at least this severe"),
});

/** The GET side: health, status, zones, people, alarms, doors, metrics. Reads only; nothing here waits on I/O. */
export function readRoutes(app: FastifyInstance, { deps, stream, metrics, startedAt }: RouteContext): void {
  const now = () => deps.clock.now();

  app.get("/api/health", { config: { access: "public" } }, async (_req, reply) => {
    const health = deps.health.check();
    const outbox = deps.outbox.stats();
    const uplink = deps.uplink?.status();
    return reply.code(health.healthy ? 200 : 503).send({
      status: health.healthy ? "ok" : "unhealthy",
      reasons: health.reasons,
      at: now(),
      uptimeS: Math.round((deps.clock.monotonic() - startedAt) / 1000),
      centerId: deps.config.center.id,
      gatewayId: deps.config.gateway.id,
      store: {
        epoch: deps.outbox.epoch,
        committedSeq: deps.outbox.committedSeq,
        floorSeq: deps.outbox.floorSeq,
        pendingEvents: outbox.rows,
        pendingBytes: outbox.bytes,
        dropped: outbox.dropped,
      },
      uplink: uplink
        ? { enabled: true, connected: uplink.connected, centralOnline: uplink.centralOnline, draining: uplink.draining }
        : { enabled: false, connected: false, centralOnline: false, draining: false },
    });
  });

  app.get("/api/status", { config: { access: "viewer" } }, async () => {
    const outbox = deps.outbox.stats();
    return {
      at: now(),
      devices: deps.supervisor.status(),
      transports: deps.pool.status(),
      outbox: {
        epoch: deps.outbox.epoch,
        committedSeq: deps.outbox.committedSeq,
        floorSeq: deps.outbox.floorSeq,
        headHash: outbox.head.hash,
        pendingEvents: outbox.rows,
        pendingBytes: outbox.bytes,
        dropped: outbox.dropped,
        oldestPendingAt: deps.outbox.oldestReceivedAt() ?? null,
      },
      uplink: deps.uplink?.status() ?? null,
      presence: deps.presence.stats(),
      rules: deps.rules.stats(),
      eventStream: stream.stats(),
    };
  });

  app.get("/api/zones", { config: { access: "viewer" } }, async () => ({ at: now(), ...zonesView(deps) }));

  app.get<{ Params: { id: string } }>("/api/people/:id", { config: { access: "viewer" } }, async (req, reply) => {
    const view = personView(deps, req.params.id);
    if (!view) return sendError(reply, 404, "UNKNOWN_PERSON", `no person "${req.params.id}" is registered`);
    return { at: now(), ...view };
  });

  app.get("/api/alarms", { config: { access: "viewer" } }, async (req, reply) => {
    const q = parseOr400(reply, AlarmQuery, req.query, "query");
    if (!q) return reply;
    const min = q.minSeverity ?? 0;
    return { at: now(), alarms: sortedAlarms(deps.rules.openAlarms().filter((a) => a.severity >= min)) };
  });

  app.get("/api/doors", { config: { access: "viewer" } }, async () => ({ at: now(), ...doorsView(deps) }));

  app.get("/metrics", { config: { access: "viewer" } }, async (_req, reply) => {
    const { contentType, body } = await metrics.text();
    return reply.type(contentType).send(body);
  });
}
