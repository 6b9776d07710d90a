import type { Device } from "../config/schema.js";
import type { Capability } from "../drivers/contract.js";
import type { DriverRegistry } from "../drivers/registry.js";
import type { CapabilityLookup } from "./door-site.js";

/**
 * What each configured device's driver declares for its points, so a door knows whether its
 * lock takes lock/unlock words or relay levels. Needs the devices' parsed options (as
 * validateConfig leaves them); a driver whose options do not parse declares nothing.
 */
export function capabilityLookup(devices: readonly Device[], registry: DriverRegistry): CapabilityLookup {
  const byDevice = new Map<string, readonly Capability[]>();
  for (const d of devices) {
    const def = registry.get(d.driver);
    if (!def) continue;
    try {
      byDevice.set(d.id, def.capabilities(d.options));
    } catch {
      // Left undeclared: the door falls back to lock/unlock words and the device refuses what it cannot do.
    }
  }
  return (deviceId, point) => byDevice.get(deviceId)?.find((c) => c.name === point);
}
