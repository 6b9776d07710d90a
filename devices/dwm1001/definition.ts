import { z } from "zod";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { createDwm1001Driver } from "./driver.js";

/**
 * One DWM1001 module on a USB-UART (PROTOCOLS.md §2.1), polled with `dwm_loc_get`. As a tag it
 * reports its own position (a coordinates observation); as an anchor it reports the tags it
 * ranged to (reader observations with the anchor as reader).
 */
export const Dwm1001Options = z.strictObject({
  pollMs: z.number().int().min(20).max(60_000).default(100).describe("how often the location is read (the module's own update rate is set on the module)"),
  statusEvery: z.number().int().min(1).max(1_000).default(10).describe("read dwm_status_get every N polls"),
  timeoutMs: z.number().int().min(10).max(5_000).default(150).describe("reply timeout per request"),
  missedPolls: z.number().int().min(1).max(100).default(3).describe("unanswered polls in a row before the module is reported offline"),
  tagId: z
    .string()
    .regex(/^[0-9a-f]{4}$/, "4 lower-case hex digits, as the module prints its short id")
    .optional()
    .describe("id of this module in observations; default: read from the module (node id, low 16 bits)"),
  minQuality: z.number().int().min(0).max(100).default(1).describe("positions with a lower quality factor are not reported"),
  floor: z.number().int().optional().describe("floor the coordinates are on"),
});
export type Dwm1001Options = z.output<typeof Dwm1001Options>;

export const dwm1001 = defineDriver<Dwm1001Options>({
  id: "dwm1001",
  vendor: "Qorvo (Decawave)",
  model: "DWM1001 (UART TLV API)",
  description: "UWB tag or anchor module on a serial port, polled for its location and ranging",
  version: "1.0.0",
  transport: "serial",
  protocol: "dwm1001-uart-tlv",
  optionsSchema: Dwm1001Options,
  availability: "driver",
  capabilities(): readonly Capability[] {
    return [
      { kind: "presence", name: "position", method: "uwb", description: "tag: own coordinates in metres; anchor: tags in range" },
      { kind: "text", name: "node_id", access: Access.STATE, description: "64-bit UWB address of the module" },
      { kind: "enum", name: "role", access: Access.STATE, values: ["tag", "anchor"], description: "from the ranging the module reports" },
      { kind: "binary", name: "uwb_joined", access: Access.STATE, on: true, off: false, description: "UWBMAC joined the network (status flag)" },
      { kind: "numeric", name: "in_range", access: Access.STATE, min: 0, description: "anchors (tag) or tags (anchor) ranged in the last poll" },
    ];
  },
  create: (ctx) => createDwm1001Driver(ctx),
});
