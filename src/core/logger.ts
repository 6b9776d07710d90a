import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/**
 * Paths that may carry secrets anywhere in a log record. pino's redact works on paths, so the
 * common shapes are listed once here; `*.` covers one level of nesting (config.uplink.password).
 */
const SECRET_FIELDS = ["password", "token", "secret", "scbk", "pin", "authorization", "privateKey"];

/**
 * Paths that may carry secrets anywhere in a log record. pino's redaction works on explicit
 * paths (one `*` per level), so each secret field name is listed at depths 0–3. A transport
 * `key` ("/dev/ttyUSB0") is not a secret; a TLS key is, by its parent.
 */
export const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]),
  "tls.key",
  "*.tls.key",
  "*.*.tls.key",
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
