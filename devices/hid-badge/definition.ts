import { z } from "zod";
import { SAFE_ID } from "../../src/core/ids.js";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { CARD_FORMATS } from "./card-format.js";
import { createHidBadgeDriver } from "./driver.js";

/**
 * Options of one `hid-badge` device: a USB keyboard-wedge RFID/badge reader. Vendor and product id
 * (and the hidraw path when several identical readers are plugged in) are the transport's.
 */
export const HidBadgeOptions = z.strictObject({
  readerId: z.string().min(1).max(64).optional().describe("reader id in card reads and observations (presence.readers maps it to a room); default: the device id"),
  zone: z.string().regex(SAFE_ID, "a room or area id").optional().describe("room or area where the reader is; carried with every card read (duress cards, passage)"),
  format: z.enum(CARD_FORMATS).default("decimal10").describe("what the reader types: decimal10 (EM4100 10 digits), hex (UID), wiegand (facility,card), text"),
  hexDigits: z.array(z.number().int().min(2).max(32)).min(1).default([8, 14]).describe("format hex: accepted numbers of digits"),
  terminator: z.enum(["enter", "tab", "either"]).default("enter").describe("the key that ends a card"),
  interKeyTimeoutMs: z.number().int().min(5).max(5_000).default(150).describe("a read with a longer pause between keys is discarded"),
  maxLength: z.number().int().min(1).max(64).default(32).describe("longest read accepted, in characters"),
  repeatMs: z.number().int().min(0).max(60_000).default(1_000).describe("the same card again within this time is not a new read (a card left on the reader); 0 = report every read"),
  observe: z.boolean().default(false).describe("also report each card as a reader observation, for people who carry badges instead of wristbands"),
  reportId: z.number().int().min(1).max(255).optional().describe("report id byte in front of each keyboard report, for readers with numbered reports"),
});
export type HidBadgeOptions = z.output<typeof HidBadgeOptions>;

export const CARD_READ = "card_read";

export const hidBadge = defineDriver<HidBadgeOptions>({
  id: "hid-badge",
  vendor: "generic",
  model: "USB keyboard-wedge RFID/badge reader",
  description: "Card reads from a USB HID reader that types the card number as a boot keyboard (125 kHz EM4100, 13.56 MHz UID, Wiegand)",
  version: "1.0.0",
  transport: "hid",
  protocol: "hid-boot-keyboard",
  optionsSchema: HidBadgeOptions,
  capabilities(o): readonly Capability[] {
    const caps: Capability[] = [
      { kind: "event", name: CARD_READ, values: [o.format], description: "a card at the reader: reader, zone, card (canonical credential), format, uid or facility/number" },
      { kind: "numeric", name: "rejected", access: Access.STATE, min: 0, description: "reads discarded as garbled, unfinished or not in the configured format" },
    ];
    if (o.observe) caps.push({ kind: "presence", name: "badge", method: "rfid", description: "a badge (its card number as tag id) at this reader" });
    return caps;
  },
  create: (ctx) => createHidBadgeDriver(ctx),
});
