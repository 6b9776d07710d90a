import { z } from "zod";
import { SAFE_ID } from "../../src/core/ids.js";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { MAX_PULSE_MS } from "./command.js";
import { createGpioIoDriver } from "./driver.js";

const PointName = z
  .string()
  .regex(SAFE_ID, "a point name is [a-z0-9-] (it becomes a state key and a topic level)")
  .refine((n) => n !== "ms", { message: '"ms" is reserved for the pulse length in commands' });
const Line = z.number().int().min(0).max(1023).describe("line offset on the chip (the BCM number on a Raspberry Pi header), not a global sysfs number");

const Output = z.strictObject({
  line: Line,
  activeLow: z.boolean().default(false).describe('the relay energises at low level: "on" writes 0'),
  safe: z.enum(["off", "on"]).default("off").describe("written when the driver starts and when it stops (a maglock that must stay powered: on)"),
  pulseMs: z.number().int().min(1).max(MAX_PULSE_MS).default(1_000).describe('length of a "pulse" when the command gives no ms'),
});

const Input = z.strictObject({
  line: Line,
  activeLow: z.boolean().default(false).describe("active at low level (a contact or button to ground, with pull-up)"),
  debounceMs: z.number().int().min(0).max(10_000).default(30).describe("a change counts once the line has been quiet this long"),
  edge: z
    .enum(["both", "rising", "falling", "none"])
    .default("both")
    .describe("which changes raise input_changed: rising = becoming active, falling = becoming inactive; state is published on every change"),
});

/**
 * GPIO lines of one chip as named points: relay outputs (door strike, siren, room power) and
 * inputs (door contact, request-to-exit, fire-alarm contact, duress button). Doors and inputs
 * in the site config refer to them by name.
 */
export const GpioIoOptions = z
  .strictObject({
    outputs: z.record(PointName, Output).default({}).describe('relay outputs by name, e.g. { "strike-1": { line: 17 } }'),
    inputs: z.record(PointName, Input).default({}).describe('inputs by name, e.g. { "contact-1": { line: 27, activeLow: true } }'),
    pollMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(1_000)
      .refine((v) => v === 0 || v >= 20, { message: "0 (edges only) or at least 20 ms" })
      .describe("inputs are also read this often, so a missed edge interrupt is caught; 0 = edges only"),
  })
  .superRefine((o, ctx) => {
    for (const name of Object.keys(o.outputs)) {
      if (Object.hasOwn(o.inputs, name)) ctx.addIssue({ code: "custom", path: ["inputs", name], message: `"${name}" names both an output and an input` });
    }
    const byLine = new Map<number, string>();
    for (const [kind, points] of [["outputs", o.outputs], ["inputs", o.inputs]] as const) {
      for (const [name, p] of Object.entries(points)) {
        const other = byLine.get(p.line);
        if (other !== undefined) ctx.addIssue({ code: "custom", path: [kind, name, "line"], message: `line ${p.line} is already used by "${other}"` });
        byLine.set(p.line, name);
      }
    }
    if (byLine.size === 0) ctx.addIssue({ code: "custom", path: [], message: "map at least one output or input" });
  });
export type GpioIoOptions = z.output<typeof GpioIoOptions>;

export const INPUT_CHANGED = "input_changed";

export const gpioIo = defineDriver<GpioIoOptions>({
  id: "gpio-io",
  vendor: "generic",
  model: "GPIO relays and inputs",
  description: "Door strikes, sirens and power relays on GPIO outputs; door contacts, exit buttons, fire-alarm and duress inputs on GPIO inputs",
  version: "1.0.0",
  transport: "gpio",
  protocol: "gpio",
  optionsSchema: GpioIoOptions,
  capabilities(o): readonly Capability[] {
    const caps: Capability[] = [];
    for (const [name, out] of Object.entries(o.outputs)) {
      caps.push({ kind: "enum", name, access: Access.STATE | Access.SET | Access.GET, values: ["on", "off", "pulse"], description: `line ${out.line}; "pulse" switches on for ms, then off; safe value ${out.safe}` });
    }
    if (Object.keys(o.outputs).length > 0) {
      caps.push({ kind: "numeric", name: "ms", access: Access.SET, unit: "ms", min: 1, max: MAX_PULSE_MS, description: "pulse length (default: the output's pulseMs)" });
    }
    for (const [name, input] of Object.entries(o.inputs)) {
      caps.push({ kind: "binary", name, access: Access.STATE | Access.GET, on: true, off: false, description: `line ${input.line}; true while active` });
    }
    if (Object.keys(o.inputs).length > 0) {
      caps.push({ kind: "event", name: INPUT_CHANGED, values: Object.keys(o.inputs), description: "an input changed (debounced); data: input, value, previous" });
    }
    return caps;
  },
  create: (ctx) => createGpioIoDriver(ctx),
});
