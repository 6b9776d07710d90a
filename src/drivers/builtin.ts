import { DriverRegistry } from "./registry.js";
import { rtlsMqtt } from "../../devices/rtls-mqtt/definition.js";

/** Every driver shipped with the daemon. Add one import and one entry per driver family. */
export function builtinDrivers(): DriverRegistry {
  return DriverRegistry.of(rtlsMqtt);
}
