import type { ConfigIssue } from "../core/errors.js";
import type { DriverRegistry } from "../drivers/registry.js";
import { asObject, entries, field, joinPath, num, text } from "./raw.js";
import { didYouMean } from "./suggest.js";
import { configErrorMap, toConfigIssues } from "./zod-issues.js";

export interface DeviceCheckResult {
  issues: ConfigIssue[];
  /** Parsed (defaulted, transformed) options by device index, for devices whose options are valid. */
  options: Map<number, unknown>;
}

/**
 * What only the drivers know: the driver exists, the device uses the transport the driver talks
 * over, and the `options:` block passes the driver's own schema. Devices sharing one serial port
 * (an RS-485 bus) must also agree on the line settings, since the port is opened once.
 */
export function checkDevices(doc: unknown, registry: DriverRegistry): DeviceCheckResult {
  const issues: ConfigIssue[] = [];
  const options = new Map<number, unknown>();
  for (const [device, d] of entries(field(doc, "devices"))) {
    const driverId = text(field(device, "driver"));
    if (driverId === undefined) continue;
    const def = registry.get(driverId);
    if (!def) {
      const known = registry.ids();
      issues.push({
        path: joinPath("devices", d, "driver"),
        message: `unknown driver "${driverId}"${didYouMean(driverId, known)}; known drivers: ${known.length ? known.join(", ") : "(none in this build)"}`,
      });
      continue;
    }
    const transport = field(device, "transport");
    const kind = transport === undefined ? "none" : text(field(transport, "kind"));
    if (kind !== undefined && kind !== def.transport) {
      issues.push({
        path: joinPath("devices", d, transport === undefined ? "transport" : "transport.kind"),
        message: `driver "${def.id}" talks over ${def.transport}, not ${kind}; set transport: { kind: ${def.transport} }`,
      });
    }
    const raw = field(device, "options") ?? {};
    if (!asObject(raw)) continue; // the schema reports a non-mapping
    const parsed = def.optionsSchema.safeParse(raw, { error: configErrorMap });
    if (parsed.success) options.set(d, parsed.data);
    else issues.push(...toConfigIssues(parsed.error.issues, joinPath("devices", d, "options")));
  }
  issues.push(...checkSharedSerialPorts(doc));
  return { issues, options };
}

const LINE_DEFAULTS = { baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 } as const;

function checkSharedSerialPorts(doc: unknown): ConfigIssue[] {
  const firstOnPort = new Map<string, { index: number; line: string }>();
  const issues: ConfigIssue[] = [];
  for (const [device, d] of entries(field(doc, "devices"))) {
    const transport = field(device, "transport");
    const path = text(field(transport, "path"));
    if (field(transport, "kind") !== "serial" || path === undefined || field(device, "enabled") === false) continue;
    const line = lineSettings(transport);
    const first = firstOnPort.get(path);
    if (!first) firstOnPort.set(path, { index: d, line });
    else if (first.line !== line) {
      issues.push({
        path: joinPath("devices", d, "transport"),
        message: `shares serial port ${path} with devices.${first.index} but uses ${line} instead of ${first.line}; devices on one bus need the same line settings`,
      });
    }
  }
  return issues;
}

/** "9600 8N1" */
function lineSettings(transport: unknown): string {
  const baud = num(field(transport, "baudRate")) ?? LINE_DEFAULTS.baudRate;
  const bits = num(field(transport, "dataBits")) ?? LINE_DEFAULTS.dataBits;
  const parity = text(field(transport, "parity")) ?? LINE_DEFAULTS.parity;
  const stop = num(field(transport, "stopBits")) ?? LINE_DEFAULTS.stopBits;
  return `${baud} ${bits}${(parity[0] ?? "?").toUpperCase()}${stop}`;
}
