import { DriverRegistry } from "./registry.js";
import { dwm1001 } from "../../devices/dwm1001/definition.js";
import { frigate } from "../../devices/frigate/definition.js";
import { gpioIo } from "../../devices/gpio-io/definition.js";
import { hidBadge } from "../../devices/hid-badge/definition.js";
import { modbusRelay } from "../../devices/modbus-relay/definition.js";
import { osdp } from "../../devices/osdp/definition.js";
import { pelco } from "../../devices/pelco/definition.js";
import { rtlsMqtt } from "../../devices/rtls-mqtt/definition.js";
import { simDoor } from "../../devices/sim-door/definition.js";

/** Every driver shipped with the daemon. Add one import and one entry per driver family. */
export function builtinDrivers(): DriverRegistry {
  return DriverRegistry.of(rtlsMqtt, dwm1001, modbusRelay, pelco, osdp, simDoor, hidBadge, frigate, gpioIo);
}
