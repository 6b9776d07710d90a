import { Device } from "../../src/config/schema.js";
import { systemClock } from "../../src/core/clock.js";
import { createLogger } from "../../src/core/logger.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import type { DeviceMessage } from "../../src/drivers/contract.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import { TransportPool } from "../../src/transports/pool.js";

/**
 * The daemon's device path without the rest of the daemon: built-in registry, real transport pool,
 * driver supervisor, every message recorded. For integration children (e.g. under umockdev-run).
 */
export function supervisedDevices() {
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const registry = builtinDrivers();
  const pool = new TransportPool({ log, reopen: { initialMs: 20, maxMs: 50 } });
  const messages: DeviceMessage[] = [];
  const supervisor = new DriverSupervisor({
    registry,
    clock: systemClock,
    log,
    acquire: (d) => pool.acquire(d.id, d.transport),
    storeFor: () => ({ get: () => undefined, set: () => {} }),
    onMessage: (_id, _def, m) => void messages.push(m),
  });
  /** A configured device with its options parsed by its driver's schema, as the config loader leaves it. */
  const device = (raw: unknown): Device => {
    const d = Device.parse(raw);
    const def = registry.get(d.driver);
    if (!def) throw new Error(`no driver "${d.driver}" in the built-in registry`);
    d.options = def.optionsSchema.parse(d.options) as Record<string, unknown>;
    return d;
  };
  return { registry, pool, supervisor, messages, device };
}
