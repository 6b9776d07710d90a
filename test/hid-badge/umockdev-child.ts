/**
 * Runs inside `umockdev-run` with the faked badge reader of fixtures/ and prints one JSON line for
 * umockdev.test.ts: the hid-badge driver from the built-in registry, started by the supervisor
 * on a lease from the transport pool, reading through the real node-hid.
 */
import { Device } from "../../src/config/schema.js";
import { systemClock } from "../../src/core/clock.js";
import { createLogger } from "../../src/core/logger.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import type { DeviceMessage } from "../../src/drivers/contract.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import { TransportPool } from "../../src/transports/pool.js";

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

const device = Device.parse({
  id: "sally-port-reader",
  driver: "hid-badge",
  transport: { kind: "hid", vendorId: 0xffff, productId: 0x0035 },
  options: JSON.parse(process.argv[2] ?? "{}"),
});
// The config loader leaves options parsed by the driver's schema; do the same here.
device.options = registry.get("hid-badge")!.optionsSchema.parse(device.options) as Record<string, unknown>;

try {
  await supervisor.startAll([device]);
  const until = Date.now() + 5_000;
  while (!messages.some((m) => m.type === "event" && m.name === "card_read") && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  const status = supervisor.status()[0];
  await supervisor.stopAll(1_000);
  process.stdout.write(JSON.stringify({ messages, status }) + "\n");
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + "\n");
} finally {
  await pool.closeAll(2_000);
}
