import { ConfigError, ExitCode } from "../core/errors.js";
import { createLogger } from "../core/logger.js";
import { loadConfig } from "../config/load.js";
import { builtinDrivers } from "../drivers/builtin.js";
import { startDaemon } from "../main.js";

/**
 * `custody-edge run`: validate the whole config before touching hardware, start, and stop
 * cleanly on SIGTERM/SIGINT. A second signal exits at once.
 */
export async function runCommand(configFile: string, opts: { logLevel?: string | undefined }): Promise<number> {
  const log = createLogger(opts.logLevel ? { level: opts.logLevel } : {});
  const registry = builtinDrivers();
  let config;
  try {
    config = loadConfig(configFile, registry);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return ExitCode.CONFIG;
    }
    throw err;
  }

  const daemon = await startDaemon({ config, registry, log }).catch((err: unknown) => {
    log.fatal({ err }, "daemon failed to start");
    return null;
  });
  if (!daemon) return ExitCode.FAILURE;

  return new Promise<number>((resolve) => {
    let signals = 0;
    let firstSignalAt = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        // Ctrl-C reaches us twice when a wrapper (npm, tsx) relays it to its process group: only a
        // repeated signal well after the first means "stop waiting".
        if (performance.now() - firstSignalAt < 1500) return;
        log.warn({ signal }, "second signal: exiting now");
        process.exit(ExitCode.STOP_TIMEOUT);
      }
      firstSignalAt = performance.now();
      log.info({ signal }, "stopping");
      void daemon.stop().then((clean) => {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
        log.info({ clean }, "stopped");
        resolve(clean ? ExitCode.OK : ExitCode.STOP_TIMEOUT);
      });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    daemon.stopped.then(() => {
      // The daemon stopped by itself (fatal condition inside); exit non-zero so systemd restarts us.
      if (signals === 0) resolve(ExitCode.FAILURE);
    });
  });
}
