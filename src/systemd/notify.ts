import { systemClock, type Clock, type TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { HealthVerdict } from "./health.js";
import { openNotifyTransport, parseNotifyAddress, type NotifyTransport, type UnixDgramModule } from "./notify-socket.js";

export interface NotifierOptions {
  env?: NodeJS.ProcessEnv;
  log: Logger;
  /** Asked before every watchdog ping; the ping is withheld unless it says healthy. */
  health: () => HealthVerdict;
  clock?: Clock;
  /** Our PID, compared with WATCHDOG_PID. */
  pid?: number;
  loadDgram?: () => UnixDgramModule;
  notifyCommand?: string;
}

/** sd_notify(3) for the daemon. Every method is a no-op when not started by systemd. */
export interface Notifier {
  /** NOTIFY_SOCKET is set and usable (so far). */
  readonly enabled: boolean;
  /** Ping period (WATCHDOG_USEC / 2) when the watchdog applies to this process. */
  readonly watchdogIntervalMs: number | undefined;
  /** Open the socket and start the health-gated watchdog pings. Idempotent. */
  start(): void;
  /** READY=1: startup finished (Type=notify leaves "activating"). */
  ready(): void;
  /** STOPPING=1: shutdown began; watchdog pings end here. */
  stopping(): void;
  /** STATUS=…: one line shown by `systemctl status`. */
  status(text: string): void;
  /** EXTEND_TIMEOUT_USEC=…: ask for more time while a slow start or stop is making progress. */
  extendTimeout(ms: number): void;
  /** Stop pinging and close the socket. Idempotent. */
  stop(): void;
}

/**
 * Watchdog period for this process, or undefined when systemd did not ask for pings or asked
 * another process (WATCHDOG_PID names the main PID when the variable leaks to children).
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== "" && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

export function createNotifier(opts: NotifierOptions): Notifier {
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? systemClock;
  const log = opts.log.child({ component: "sd-notify" });
  const address = parseNotifyAddress(env.NOTIFY_SOCKET);
  if (env.NOTIFY_SOCKET && !address) log.warn({ NOTIFY_SOCKET: env.NOTIFY_SOCKET }, "unsupported NOTIFY_SOCKET address");
  const interval = address ? watchdogIntervalMs(env, opts.pid ?? process.pid) : undefined;

  let transport: NotifyTransport | undefined;
  let opened = false;
  let timer: TimerHandle | undefined;
  let pinging = false;
  let unhealthy = false;
  let lastStatus: string | undefined;

  const open = (): void => {
    if (!address || opened) return;
    opened = true;
    transport = openNotifyTransport(address, { log, loadDgram: opts.loadDgram, notifyCommand: opts.notifyCommand });
  };

  const send = (message: string): void => {
    open();
    transport?.send(message);
  };

  const verdict = (): HealthVerdict => {
    try {
      return opts.health();
    } catch (err) {
      return { healthy: false, reasons: [`health check threw: ${(err as Error).message}`] };
    }
  };

  // A withheld ping is the whole point, so it is logged and shown in STATUS once per episode.
  const tick = (): void => {
    timer = undefined;
    if (!pinging) return;
    const v = verdict();
    if (v.healthy) {
      send("WATCHDOG=1");
      if (unhealthy) {
        unhealthy = false;
        log.info("healthy again: watchdog pings resumed");
        if (lastStatus !== undefined) send(`STATUS=${lastStatus}`);
      }
    } else if (!unhealthy) {
      unhealthy = true;
      log.warn({ reasons: v.reasons }, "unhealthy: withholding watchdog pings");
      send(`STATUS=${oneLine(`unhealthy: ${v.reasons.join("; ")}`)}`);
    }
    schedule();
  };

  const schedule = (): void => {
    if (!pinging || interval === undefined) return;
    timer = clock.setTimeout(tick, interval);
    unrefTimer(timer);
  };

  const stopPinging = (): void => {
    pinging = false;
    if (timer) clock.clearTimeout(timer);
    timer = undefined;
  };

  return {
    get enabled() {
      return address !== undefined && (!opened || transport !== undefined);
    },
    watchdogIntervalMs: interval,
    start() {
      if (!address || pinging) return;
      open(); // surfaces a missing native module at startup, not at READY
      if (interval === undefined || !transport) return;
      pinging = true;
      log.info({ intervalMs: interval }, "systemd watchdog enabled");
      schedule();
    },
    ready() {
      send("READY=1");
    },
    stopping() {
      // systemd disarms the service watchdog once the unit leaves "running"; TimeoutStopSec rules.
      stopPinging();
      send("STOPPING=1");
    },
    status(text) {
      lastStatus = oneLine(text);
      if (!unhealthy) send(`STATUS=${lastStatus}`);
    },
    extendTimeout(ms) {
      send(`EXTEND_TIMEOUT_USEC=${Math.max(0, Math.round(ms * 1000))}`);
    },
    stop() {
      stopPinging();
      transport?.close();
      transport = undefined;
    },
  };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ").trim();
}

/** A forgotten stop() must not keep the process alive on exit. */
function unrefTimer(handle: TimerHandle): void {
  const id = handle.id as { unref?: () => void };
  if (typeof id === "object" && typeof id.unref === "function") id.unref();
}
