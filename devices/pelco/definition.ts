import { z } from "zod";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { MAX_SPEED } from "./codec.js";
import { MAX_MOVE_MS, MAX_PRESET } from "./commands.js";
import { createPelcoDriver } from "./driver.js";

/**
 * One PTZ camera on a Pelco-D or Pelco-P RS-485 line (PROTOCOLS.md §5.1). Several cameras on
 * one line are several devices with the same serial path and their own addresses.
 */
export const PelcoOptions = z
  .strictObject({
    protocol: z.enum(["d", "p"]).default("d").describe("Pelco-D (usually 2400 8N1) or Pelco-P (usually 4800 8N1)"),
    address: z.number().int().min(0).max(511).default(1).describe("the camera's number as the site numbers it"),
    addressOffset: z
      .number()
      .int()
      .min(-255)
      .max(255)
      .default(0)
      .describe("added to address for the byte on the wire: -1 where camera 1 is address byte 0 (common with Pelco-P)"),
    defaultSpeed: z.number().int().min(0).max(MAX_SPEED).default(0x20).describe("pan/tilt speed when a command gives none"),
  })
  .superRefine((o, ctx) => {
    const wire = o.address + o.addressOffset;
    const min = o.protocol === "d" ? 1 : 0; // Pelco-D address 0 is not a camera
    if (wire < min || wire > 255) ctx.addIssue({ code: "custom", path: ["address"], message: `address + addressOffset = ${wire}; Pelco-${o.protocol.toUpperCase()} needs ${min}–255` });
  });
export type PelcoOptions = z.output<typeof PelcoOptions>;

export const pelco = defineDriver<PelcoOptions>({
  id: "pelco",
  vendor: "Pelco (and compatibles)",
  model: "Pelco-D / Pelco-P PTZ camera",
  description: "Presets, pan/tilt/zoom and stop for a PTZ camera on an RS-485 line; write-only, so availability follows the serial port",
  version: "1.0.0",
  transport: "serial",
  protocol: "pelco",
  optionsSchema: PelcoOptions,
  availability: "transport",
  capabilities(): readonly Capability[] {
    const preset = (name: string, what: string): Capability => ({ kind: "numeric", name, access: Access.SET, min: 1, max: MAX_PRESET, description: what });
    return [
      preset("goto_preset", "move to a stored preset"),
      preset("set_preset", "store the current position as a preset"),
      preset("clear_preset", "delete a preset"),
      { kind: "binary", name: "stop", access: Access.SET, on: true, off: false, description: "stop all movement" },
      { kind: "enum", name: "pan", access: Access.SET, values: ["left", "right"] },
      { kind: "enum", name: "tilt", access: Access.SET, values: ["up", "down"] },
      { kind: "enum", name: "zoom", access: Access.SET, values: ["tele", "wide"] },
      { kind: "numeric", name: "speed", access: Access.SET, min: 0, max: MAX_SPEED, description: "pan and tilt speed (pan_speed, tilt_speed override)" },
      { kind: "numeric", name: "ms", access: Access.SET, unit: "ms", min: 1, max: MAX_MOVE_MS, description: "send stop after this long" },
      { kind: "numeric", name: "preset", access: Access.STATE, min: 1, max: MAX_PRESET, description: "last preset gone to (as commanded; the camera does not report)" },
      { kind: "binary", name: "moving", access: Access.STATE, on: true, off: false, description: "a move was commanded and not stopped yet (as commanded)" },
    ];
  },
  create: (ctx) => createPelcoDriver(ctx),
});
