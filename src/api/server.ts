import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { AddressInfo } from "node:net";
import type { Logger } from "../core/logger.js";
import { roleAllows, TokenTable, type Access, type Principal } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { EventStream, type EventStreamOptions } from "./event-stream.js";
import { sendError } from "./http-errors.js";
import { ApiMetrics } from "./metrics.js";
import { commandRoutes } from "./routes-commands.js";
import { eventRoutes } from "./routes-events.js";
import { readRoutes } from "./routes-read.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route; every route states it (routes-*.ts). */
    access?: Access;
  }
  interface FastifyRequest {
    /** The caller, once its token was checked; null on public routes. */
    principal: Principal | null;
  }
}

/** What every route module gets. */
export interface RouteContext {
  readonly deps: ApiDeps;
  /** The API's own logger (component "api"). */
  readonly log: Logger;
  /** When the server started (monotonic ms of the daemon's clock), for uptime. */
  readonly startedAt: number;
  readonly stream: EventStream;
  readonly metrics: ApiMetrics;
}

export interface ApiServerOptions {
  /** Overrides of the event stream's limits and timing (tests). */
  readonly stream?: Partial<Omit<EventStreamOptions, "outbox" | "log">>;
}

export interface ApiServer {
  /** `http://host:port` as bound (port 0 in the config becomes the real port). */
  readonly url: string;
  readonly port: number;
  readonly stream: EventStream;
  readonly metrics: ApiMetrics;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024;

/** The local operator API (docs/api.md), listening on `config.api.host:port`. */
export async function startApiServer(deps: ApiDeps, opts: ApiServerOptions = {}): Promise<ApiServer> {
  const { config } = deps;
  const log = deps.log.child({ component: "api" });
  const startedAt = deps.clock.monotonic();
  const tokens = new TokenTable(config.api.tokens);
  if (tokens.unusable.length > 0) log.error({ tokens: tokens.unusable }, "api tokens without a usable secret are ignored");
  if (tokens.size === 0) log.warn("api enabled without tokens: only /api/health answers");
  if (!isLoopback(config.api.host)) log.warn({ host: config.api.host }, "api listens beyond loopback over plain HTTP: bearer tokens cross the network in clear; put a TLS proxy in front");

  const stream = new EventStream({ outbox: deps.outbox, log, ...opts.stream });
  const metrics = new ApiMetrics(deps, stream);
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, forceCloseConnections: true, return503OnClosing: true });
  app.decorateRequest("principal", null);

  app.addHook("onRequest", async (req, reply) => {
    const access = req.routeOptions.config.access ?? (req.method === "GET" || req.method === "HEAD" ? "viewer" : "operator");
    if (access === "public") return;
    const auth = tokens.authenticate(req.headers.authorization);
    if (!auth.ok) {
      const message = auth.reason === "unknown" ? "the bearer token is not valid" : "send Authorization: Bearer <token>";
      reply.header("www-authenticate", `Bearer realm="custody-edge"${auth.reason === "unknown" ? ', error="invalid_token"' : ""}`);
      return sendError(reply, 401, "UNAUTHORIZED", message);
    }
    req.principal = auth.principal;
    if (!roleAllows(auth.principal.role, access)) {
      return sendError(reply, 403, "FORBIDDEN", `role ${auth.principal.role} may not ${req.method} ${req.routeOptions.url ?? req.url}; it needs ${access}`);
    }
  });

  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    metrics.request(req.method, route, reply.statusCode);
    log.debug({ method: req.method, route, status: reply.statusCode, by: req.principal?.name, ms: Math.round(reply.elapsedTime) }, "api request");
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      log.error({ err, method: req.method, url: req.routeOptions.url }, "api request failed");
      return sendError(reply, status, "INTERNAL", "internal error; see the daemon log");
    }
    return sendError(reply, status, clientErrorCode(err, status), err.message);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, "NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`));

  const ctx: RouteContext = { deps, log, startedAt, stream, metrics };
  readRoutes(app, ctx);
  commandRoutes(app, ctx);
  eventRoutes(app, ctx);

  try {
    await app.listen({ host: config.api.host, port: config.api.port });
  } catch (err) {
    stream.close();
    metrics.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  log.info({ url: `http://${host}:${address.port}`, tokens: tokens.size }, "local api listening");
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stream,
    metrics,
    close: () => closeServer(app, stream, metrics),
  };
}

async function closeServer(app: FastifyInstance, stream: EventStream, metrics: ApiMetrics): Promise<void> {
  // Event streams never finish on their own: end them first so close() does not wait on them.
  stream.close();
  await app.close();
  metrics.close();
}

function clientErrorCode(err: FastifyError, status: number): string {
  if (status === 413) return "BODY_TOO_LARGE";
  if (status === 415) return "UNSUPPORTED_MEDIA_TYPE";
  if (err instanceof SyntaxError || err.code?.includes("JSON")) return "INVALID_JSON";
  return "BAD_REQUEST";
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
