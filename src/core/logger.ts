import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/**
 * Paths that may carry secrets anywhere in a log record. pino's redact works on paths, so the
 * common shapes are listed once here; `*.` covers one level of nesting (config.uplink.password).
 */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "token",
  "*.token",
  "*.*.token",
  "secret",
  "*.secret",
  "*.*.secret",
  "key",
  "*.key",
  "*.scbk",
  "*.*.scbk",
  "*.pin",
  "headers.authorization",
];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  const options = {
    level: opts.level ?? process.env.LOG_LEVEL ?? "info",
    base: { svc: "custody-edge" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
