import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import type { Logger } from "../core/logger.js";

/** Where `NOTIFY_SOCKET` points: a socket file, or a Linux abstract name (`@name`). */
export type NotifyAddress = { kind: "path"; path: string } | { kind: "abstract"; name: string };

/** The part of the optional `unix-dgram` native module we use (it ships no types). */
export interface UnixDgramSocket {
  on(event: "error", listener: (err: Error) => void): unknown;
  send(buf: Buffer, offset: number, length: number, path: string, callback: (err?: Error) => void): void;
  close(): void;
}
export interface UnixDgramModule {
  createSocket(type: "unix_dgram"): UnixDgramSocket;
}

/** Sends one sd_notify datagram ("READY=1", "WATCHDOG=1", …); never throws. */
export interface NotifyTransport {
  send(message: string): void;
  close(): void;
}

export function parseNotifyAddress(value: string | undefined): NotifyAddress | undefined {
  if (!value) return undefined;
  if (value.startsWith("/")) return { kind: "path", path: value };
  if (value.startsWith("@") && value.length > 1) return { kind: "abstract", name: value.slice(1) };
  return undefined; // e.g. vsock: addresses, which a gateway never gets
}

/** Loaded on demand so that hosts without the optional native module still run. */
export function loadUnixDgram(): UnixDgramModule {
  return createRequire(import.meta.url)("unix-dgram") as UnixDgramModule;
}

export interface OpenTransportOptions {
  log: Logger;
  loadDgram?: () => UnixDgramModule;
  /** Executable used for abstract addresses; overridable for tests. */
  notifyCommand?: string;
}

/** Returns undefined (after one warning) when the address cannot be served on this host. */
export function openNotifyTransport(address: NotifyAddress, opts: OpenTransportOptions): NotifyTransport | undefined {
  if (address.kind === "abstract") return commandTransport(address.name, opts.log, opts.notifyCommand ?? "systemd-notify");
  let dgram: UnixDgramModule;
  try {
    dgram = (opts.loadDgram ?? loadUnixDgram)();
  } catch (err) {
    opts.log.warn({ err }, "optional module unix-dgram is not available: systemd notifications and watchdog disabled");
    return undefined;
  }
  return datagramTransport(dgram, address.path, opts.log);
}

function datagramTransport(dgram: UnixDgramModule, path: string, log: Logger): NotifyTransport {
  const socket = dgram.createSocket("unix_dgram");
  let failing = false;
  // Failures are logged on the transition only: a manager restart must not flood the journal.
  const report = (message: string, err?: Error): void => {
    if (err && !failing) log.warn({ err, message }, "sd_notify send failed");
    else if (!err && failing) log.info("sd_notify sends work again");
    failing = Boolean(err);
  };
  socket.on("error", (err) => report("(socket)", err));
  let closed = false;
  return {
    send(message) {
      if (closed) return;
      const buf = Buffer.from(message);
      socket.send(buf, 0, buf.length, path, (err) => report(message, err));
    },
    close() {
      if (closed) return;
      closed = true;
      socket.close();
    },
  };
}

/**
 * unix-dgram copies the address with strncpy, so a name starting with NUL cannot be reached
 * through it; abstract names are handed to `systemd-notify` instead. Current systemd always
 * uses a socket file, so abstract names come from container supervisors (or pre-217 systemd).
 * `--no-block` skips the BARRIER=1 handshake: a receiver that keeps the passed fd open would
 * stall it for 5 s, after which systemd-notify reports ERRNO=110 as if we had failed. The
 * child is not the main PID, so a systemd unit fed this way needs NotifyAccess=all.
 * Messages are sent one after another to keep READY before STOPPING.
 */
function commandTransport(name: string, log: Logger, command: string): NotifyTransport {
  let chain = Promise.resolve();
  let closed = false;
  let missing = false;
  const env = { ...process.env, NOTIFY_SOCKET: `@${name}` };
  const run = (message: string) =>
    new Promise<void>((resolve) => {
      execFile(command, ["--no-block", message], { env, timeout: 5000 }, (err) => {
        if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
          missing = true;
          log.warn({ command }, "abstract NOTIFY_SOCKET needs systemd-notify, which is missing: notifications disabled");
        } else if (err) {
          log.warn({ err, message }, "sd_notify via systemd-notify failed");
        }
        resolve();
      });
    });
  return {
    send(message) {
      if (closed) return;
      chain = chain.then(() => (missing ? undefined : run(message)));
    },
    close() {
      closed = true;
    },
  };
}
