import { createServer, type Socket } from "node:net";
import { Aedes } from "aedes";
import type { Logger } from "../core/logger.js";

/**
 * The in-process MQTT broker for the demo and for gateways without Mosquitto (ARCHITECTURE.md:
 * Mosquitto in production, an embedded broker for the demo). aedes 1.2, MQTT 3.1.1, in-memory
 * persistence: retained messages and sessions do not survive a restart.
 */
export interface EmbeddedBrokerOptions {
  /** Loopback only unless the site explicitly opens it; defaults to 127.0.0.1. */
  host?: string;
  /** 0 picks a free port; the bound port is reported back. */
  port: number;
  log: Logger;
}

export interface EmbeddedBroker {
  readonly port: number;
  readonly url: string;
  /** Stops accepting, disconnects every client and closes the broker. Idempotent. */
  close(): Promise<void>;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log;
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    aedes.handle(socket);
  });
  aedes.on("clientError", (client, err) => log.debug({ client: client.id, err: err.message }, "embedded broker client error"));
  aedes.on("connectionError", (_client, err) => log.debug({ err: err.message }, "embedded broker connection error"));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    // A failed listen can leave the server handle behind; close it with the broker.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw err;
  }
  server.on("error", (err) => log.error({ err: err.message }, "embedded broker listener error"));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const url = `mqtt://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url }, "embedded MQTT broker listening");

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      // Sockets that never completed CONNECT are not aedes clients; end them here.
      for (const s of sockets) s.destroy();
      await serverClosed;
      log.info({ url }, "embedded MQTT broker closed");
    })());

  return { port, url, close };
}
