import { afterEach } from "vitest";
import { createLogger } from "../../src/core/logger.js";
import { TransportPool, type SerialTransportConfig } from "../../src/transports/pool.js";
import { openPeer, startPtyPair, type PtyPair, type PtyPeer } from "../helpers/socat.js";

/** Shared by the serial and pool tests: a PTY pair, a pool with fast reopening, cleanup after each test. */
export const silentLog = createLogger({ level: "silent" });

export const serialConfig = (path: string, baudRate = 9600): SerialTransportConfig => ({
  kind: "serial",
  path,
  baudRate,
  dataBits: 8,
  parity: "none",
  stopBits: 1,
});

/** Everything a test opened, closed in reverse whatever happened. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

export function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}

export async function ptyAndPool(): Promise<{ pair: PtyPair; pool: TransportPool }> {
  const pair = await startPtyPair();
  onCleanup(() => pair.stop());
  const pool = new TransportPool({ log: silentLog, reopen: { initialMs: 20, maxMs: 100 } });
  onCleanup(() => pool.closeAll(2_000));
  return { pair, pool };
}

/** The device end, closed after the test. */
export async function devicePeer(path: string): Promise<PtyPeer> {
  const p = await openPeer(path);
  onCleanup(() => p.close());
  return p;
}
