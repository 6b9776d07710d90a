import { ConfigError, ExitCode } from "../core/errors.js";
import type { DriverRegistry } from "../drivers/registry.js";
import { loadConfig } from "./load.js";

type TextOut = { write(text: string): unknown };

/**
 * `custody-edge check-config <file>`: a one-line summary on success, otherwise every issue as
 * `✖ <path>: <message>` and exit 78 (EX_CONFIG). Secrets are resolved too, so run it with the
 * same environment as the service or a missing variable is reported.
 */
export function checkConfigCommand(
  file: string,
  registry: DriverRegistry,
  out: TextOut = process.stdout,
  err: TextOut = process.stderr,
): number {
  try {
    const config = loadConfig(file, registry);
    const rooms = config.areas.reduce((n, a) => n + a.rooms.length, 0);
    out.write(
      `✔ ${file}: ${config.center.id} / ${config.gateway.id} OK — ${count(config.areas.length, "area")}, ` +
        `${count(rooms, "room")}, ${count(config.doors.length, "door")}, ${count(config.devices.length, "device")}\n`,
    );
    return ExitCode.OK;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err.write(`${file}: ${count(e.issues.length, "problem")}\n`);
    for (const issue of e.issues) err.write(`✖ ${issue.path || "(root)"}: ${issue.message}\n`);
    return ExitCode.CONFIG;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
