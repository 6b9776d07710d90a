/** The local operator API: HTTP + JSON, Server-Sent Events, Prometheus metrics (docs/api.md). */
export { startApiServer, type ApiServer, type ApiServerOptions, type RouteContext } from "./server.js";
export type { ApiDeps } from "./deps.js";
export { TokenTable, roleAllows, type Access, type ApiRole, type Principal, type AuthResult } from "./auth.js";
export { EventStream, type EventStreamOptions, type EventStreamStats, type StreamStart } from "./event-stream.js";
export { ApiMetrics } from "./metrics.js";
export { DOOR_DEADLINE_MS, commandStatus } from "./routes-commands.js";
export type { ApiErrorBody, ApiIssue } from "./http-errors.js";
