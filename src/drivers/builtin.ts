import { DriverRegistry } from "./registry.js";

/** Every driver shipped with the daemon. Add one import and one entry per driver family. */
export function builtinDrivers(): DriverRegistry {
  return DriverRegistry.of();
}
