import { createLogger } from "../../src/core/logger.js";
import type { DeviceDriver, DeviceMessage, DriverDefinition } from "../../src/drivers/contract.js";
import type { TransportLease } from "../../src/transports/lease.js";

/**
 * Runs one driver the way the supervisor would (options parsed by the driver's own schema, a
 * real lease), and records what it emits: merged state, events, observations, availability.
 */
export interface DriverUnderTest {
  readonly driver: DeviceDriver;
  readonly messages: DeviceMessage[];
  /** Merged `state` values, as the retained device topic would carry them. */
  state(): Record<string, unknown>;
  /** The last availability the driver reported (undefined: none yet). */
  online(): boolean | undefined;
  events(name?: string): Array<Extract<DeviceMessage, { type: "event" }>>;
  observations(): Array<Extract<DeviceMessage, { type: "observation" }>["observation"]>;
  availabilityLog(): Array<{ online: boolean; reason?: string }>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function driverUnderTest<C>(def: DriverDefinition<C>, deviceId: string, options: unknown, transport: TransportLease<unknown> | null): DriverUnderTest {
  const config = def.optionsSchema.parse(options);
  const messages: DeviceMessage[] = [];
  const store = new Map<string, unknown>();
  const driver = def.create({
    deviceId,
    config,
    log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }).child({ device: deviceId }),
    transport,
    store: { get: <T>(k: string) => store.get(k) as T | undefined, set: (k, v) => void store.set(k, v) },
    now: () => Date.now(),
    emit: (m) => void messages.push(m),
  });
  const ac = new AbortController();
  return {
    driver,
    messages,
    state: () => Object.assign({}, ...messages.flatMap((m) => (m.type === "state" ? [m.values] : []))),
    online: () => {
      const last = messages.findLast((m) => m.type === "availability");
      return last?.type === "availability" ? last.online : undefined;
    },
    events: (name) => messages.filter((m): m is Extract<DeviceMessage, { type: "event" }> => m.type === "event" && (name === undefined || m.name === name)),
    observations: () => messages.flatMap((m) => (m.type === "observation" ? [m.observation] : [])),
    availabilityLog: () => messages.flatMap((m) => (m.type === "availability" ? [m.reason === undefined ? { online: m.online } : { online: m.online, reason: m.reason }] : [])),
    start: () => driver.start(ac.signal),
    stop: async () => {
      ac.abort();
      await driver.stop("shutdown");
    },
  };
}

/** Polls `cond` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
