import { afterAll, describe, expect, it } from "vitest";
import { gpioIo } from "../../devices/gpio-io/definition.js";
import { capabilityLookup } from "../../src/actions/capabilities.js";
import { DoorController } from "../../src/actions/door-controller.js";
import { compileDoorSite } from "../../src/actions/door-site.js";
import { SiteConfig } from "../../src/config/schema.js";
import { systemClock } from "../../src/core/clock.js";
import { DriverRegistry } from "../../src/drivers/registry.js";
import { DriverSupervisor } from "../../src/drivers/supervisor.js";
import { MemoryGpioBackend } from "../../src/transports/gpio-memory.js";
import { TransportPool } from "../../src/transports/pool.js";
import { until } from "../helpers/driver-context.js";
import { silentLog } from "./fixture.js";

/**
 * A cell door whose fail-secure strike and reed contact are GPIO points: the door controller
 * learns from gpio-io's capabilities how to drive the lock, reads the door from the reported
 * points, and opens it with a pulse the driver times.
 */
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup() {
  const backend = new MemoryGpioBackend();
  backend.set(27, 1); // door closed: the contact is active
  const pool = new TransportPool({ log: silentLog, gpioBackend: () => backend });
  const config = SiteConfig.parse({
    version: 1,
    center: { id: "c1", name: "t" },
    gateway: { id: "gw" },
    areas: [{ id: "secure", type: "secure_area", rooms: [{ id: "cell-1", type: "holding" }, { id: "corridor", type: "corridor" }] }],
    doors: [{ id: "cell-1-door", between: ["cell-1", "corridor"], failMode: "secure", openPulseS: 0.2, lock: { device: "io-1", point: "strike" }, contact: { device: "io-1", point: "contact" } }],
    devices: [{ id: "io-1", driver: "gpio-io", transport: { kind: "gpio", chip: "gpiochip0" } }],
  });
  config.devices[0]!.options = gpioIo.optionsSchema.parse({ outputs: { strike: { line: 17 } }, inputs: { contact: { line: 27, debounceMs: 5 } } }) as Record<string, unknown>;
  const registry = DriverRegistry.of(gpioIo);
  let doors!: DoorController;
  const supervisor = new DriverSupervisor({
    registry,
    clock: systemClock,
    log: silentLog,
    acquire: (d) => pool.acquire(d.id, d.transport as Parameters<typeof pool.acquire>[1]),
    storeFor: () => ({ get: () => undefined, set: () => {} }),
    onMessage: (deviceId, _def, msg) => doors.onDeviceMessage(deviceId, msg),
  });
  const sinks = { events: () => {}, alarms: () => {}, audit: { record: () => {} } };
  doors = new DoorController({
    site: compileDoorSite(config, capabilityLookup(config.devices, registry)),
    clock: systemClock,
    send: (id, cmd) => supervisor.command(id, cmd),
    readBack: (id, points) => supervisor.read(id, points),
    sinks,
    log: silentLog,
  });
  doors.start();
  await supervisor.startAll(config.devices);
  cleanups.push(async () => {
    doors.stop();
    await supervisor.stopAll(1_000);
    await pool.closeAll(1_000);
  });
  await until(() => doors.view("cell-1-door")!.known, "door state known");
  return { backend, doors };
}

describe("a door on gpio-io points", () => {
  it("reads locked and closed, opens with a strike pulse that ends on its own, and sees the door open", async () => {
    const { backend, doors } = await setup();
    expect(doors.view("cell-1-door")).toMatchObject({ online: true, locked: true, open: false });
    const out = await doors.request({ doorId: "cell-1-door", action: "open", origin: "operator", requestedBy: "op-1", reason: "escort to interview" });
    expect(out.result).toBe("executed");
    expect(backend.get(17)).toBe(1);
    await until(() => backend.get(17) === 0, "the strike pulse to end", 2_000);
    backend.set(27, 0); // the door swings open
    await until(() => doors.view("cell-1-door")!.open === true, "the door seen open");
    expect(doors.view("cell-1-door")!.locked).toBe(true);
  });
});
