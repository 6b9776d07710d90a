/** Transient: the core retries with backoff (device not plugged in yet, broker down). */
export class NotReadyError extends Error {
  override name = "NotReadyError";
}

/** Permanent: retrying will not help until the configuration changes. */
export class FatalDriverError extends Error {
  override name = "FatalDriverError";
}

/** One problem in the site configuration, with its path (e.g. "doors.2.sides.0"). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`${file}: ${issues.length} configuration error(s)\n${issues.map((i) => `  ✖ ${i.path || "(root)"}: ${i.message}`).join("\n")}`);
  }
}

/** Documented process exit codes (see docs/operations.md). */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 64,
  CONFIG: 78, // EX_CONFIG from sysexits.h: systemd will not help by restarting
  STOP_TIMEOUT: 70, // EX_SOFTWARE: a component did not stop within its deadline
} as const;
