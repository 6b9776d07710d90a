import { z } from "zod";
import { SAFE_ID } from "../../src/core/ids.js";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { MAX_BITS_PER_READ, MAX_PULSE_MS } from "./codec.js";
import { createModbusRelayDriver } from "./driver.js";

const PointName = z
  .string()
  .regex(SAFE_ID, "a point name is [a-z0-9-] (it becomes a state key and a topic level)")
  .refine((n) => n !== "ms", { message: '"ms" is reserved for the pulse length in commands' });
const Address = z.number().int().min(0).max(0xffff).describe("protocol address, 0-based (mbpoll -r 1 is address 0)");

const span = (points: Record<string, number>) => {
  const a = Object.values(points);
  return a.length ? Math.max(...a) - Math.min(...a) + 1 : 0;
};

/**
 * One Modbus RTU relay/IO board. Door strikes and relays are coils, door contacts and
 * request-to-exit buttons are discrete inputs; doors refer to them by point name.
 */
export const ModbusRelayOptions = z
  .strictObject({
    slaveId: z.number().int().min(1).max(247).default(1).describe("the board's unit address"),
    coils: z.record(PointName, Address).default({}).describe('outputs by name, e.g. { "strike-1": 0 }'),
    inputs: z.record(PointName, Address).default({}).describe('discrete inputs by name, e.g. { "contact-1": 0 }'),
    pollMs: z.number().int().min(20).max(60_000).default(250).describe("how often inputs (and coils) are read"),
    readCoils: z.boolean().default(true).describe("read the coils back every poll, so state is what the board reports"),
    timeoutMs: z.number().int().min(10).max(5_000).default(300).describe("reply timeout per request"),
    missedPolls: z.number().int().min(1).max(100).default(3).describe("unanswered polls in a row before the board is reported offline"),
    pulseMs: z.number().int().min(1).max(MAX_PULSE_MS).default(1_000).describe('default length of a "pulse" command'),
  })
  .superRefine((o, ctx) => {
    for (const name of Object.keys(o.coils)) {
      if (Object.hasOwn(o.inputs, name)) ctx.addIssue({ code: "custom", path: ["inputs", name], message: `"${name}" names both a coil and an input` });
    }
    if (Object.keys(o.coils).length + Object.keys(o.inputs).length === 0) ctx.addIssue({ code: "custom", path: [], message: "map at least one coil or input" });
    for (const kind of ["coils", "inputs"] as const) {
      if (span(o[kind]) > MAX_BITS_PER_READ) ctx.addIssue({ code: "custom", path: [kind], message: `addresses span more than ${MAX_BITS_PER_READ}; one read cannot cover them` });
    }
  });
export type ModbusRelayOptions = z.output<typeof ModbusRelayOptions>;

export const INPUT_CHANGED = "input_changed";

export const modbusRelay = defineDriver<ModbusRelayOptions>({
  id: "modbus-relay",
  vendor: "generic",
  model: "Modbus RTU relay/IO board",
  description: "Door strikes and relays on coils, door contacts on discrete inputs, over Modbus RTU (RS-485)",
  version: "1.0.0",
  transport: "serial",
  protocol: "modbus-rtu",
  optionsSchema: ModbusRelayOptions,
  availability: "driver",
  capabilities(o): readonly Capability[] {
    const caps: Capability[] = [];
    for (const [name, addr] of Object.entries(o.coils)) {
      caps.push({ kind: "enum", name, access: Access.STATE | Access.SET | Access.GET, values: ["on", "off", "pulse"], description: `coil ${addr}; "pulse" switches on for ms, then off` });
    }
    if (Object.keys(o.coils).length > 0) {
      caps.push({ kind: "numeric", name: "ms", access: Access.SET, unit: "ms", min: 1, max: MAX_PULSE_MS, description: `pulse length (default ${o.pulseMs})` });
    }
    for (const [name, addr] of Object.entries(o.inputs)) {
      caps.push({ kind: "binary", name, access: Access.STATE | Access.GET, on: true, off: false, description: `discrete input ${addr}` });
    }
    if (Object.keys(o.inputs).length > 0) {
      caps.push({ kind: "event", name: INPUT_CHANGED, values: Object.keys(o.inputs), description: "an input changed; data: input, value, previous" });
    }
    return caps;
  },
  create: (ctx) => createModbusRelayDriver(ctx),
});
