import { z } from "zod";
import { SecretRef } from "../../src/config/schema.js";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { LedColor } from "./commands.js";
import { createOsdpDriver } from "./driver.js";

/** Point names end up in state keys and door configs as `<pd>.<point>`. */
const PointName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "1–32 chars of [a-z0-9_-], starting with a letter or digit");

const Input = z.strictObject({
  number: z.number().int().min(0).max(255),
  name: PointName,
  kind: z.enum(["door_contact", "request_to_exit", "generic"]).default("generic"),
  invert: z.boolean().default(false).describe("report true while the input is inactive (a contact that is active when the door is closed)"),
});

const Output = z.strictObject({
  number: z.number().int().min(0).max(255),
  name: PointName,
  kind: z.enum(["strike", "generic"]).default("generic"),
  pulseMs: z.number().int().min(100).max(6_553_500).default(5000).describe("pulse length when a command gives none"),
});

const Reader = z.strictObject({
  number: z.number().int().min(0).max(255).default(0),
  id: z.string().min(1).max(64).describe("reader id reported with card reads (e.g. the door side it guards)"),
});

const Pd = z
  .strictObject({
    address: z.number().int().min(0).max(0x7e).describe("PD address on the bus (0–126; 127 is broadcast)"),
    name: PointName.describe("prefix of this PD's points, e.g. cell-1"),
    scbk: SecretRef.optional().describe("secure channel base key, 32 hex digits; a secret: prefer { env } or { file }"),
    installMode: z.boolean().default(false).describe("the PD still has the default key SCBK-D: connect with it, then store scbk with KEYSET"),
    secure: z.boolean().optional().describe("run the secure channel; default: when scbk or installMode is set"),
    crc: z.boolean().default(true).describe("CRC-16 instead of the 8-bit checksum"),
    inputs: z.array(Input).default([]),
    outputs: z.array(Output).default([]),
    readers: z.array(Reader).default([]),
  })
  .transform((pd) => ({ ...pd, secure: pd.secure ?? (pd.scbk !== undefined || pd.installMode) }))
  .refine((pd) => !pd.secure || pd.scbk !== undefined || pd.installMode, { message: "secure: true needs scbk (or installMode to use SCBK-D)" })
  .refine((pd) => typeof pd.scbk !== "string" || /^[0-9a-fA-F]{32}$/.test(pd.scbk), { message: "scbk is 32 hex digits (16 bytes)", path: ["scbk"] })
  .refine((pd) => unique([...pd.inputs, ...pd.outputs].map((p) => p.name)), { message: "input and output names must be unique within a PD" });
export type OsdpPdOptions = z.output<typeof Pd>;

/** Options of one `osdp` device: one control panel on one RS-485 bus with one or more PDs. */
export const OsdpOptions = z
  .strictObject({
    pds: z.array(Pd).min(1),
    pollIntervalMs: z.number().int().min(10).max(10_000).default(100).describe("POLL period per PD when nothing else is queued"),
    replyTimeoutMs: z.number().int().min(20).max(5_000).default(200),
    retries: z.number().int().min(0).max(10).default(2).describe("repeats of a command that got no reply, before the link is reset"),
    offlineAfterMs: z.number().int().min(500).max(600_000).default(8_000).describe("a PD is offline after this long without a valid reply"),
    offlineRetryMs: z.number().int().min(50).max(600_000).default(1_000).describe("how often an offline PD is probed"),
    queryStatusOnConnect: z.boolean().default(true).describe("ask LSTAT/ISTAT/OSTAT after connecting"),
  })
  .refine((o) => unique(o.pds.map((p) => p.address)), { message: "PD addresses must be unique on a bus", path: ["pds"] })
  .refine((o) => unique(o.pds.map((p) => p.name)), { message: "PD names must be unique", path: ["pds"] });
export type OsdpOptions = z.output<typeof OsdpOptions>;

function unique(xs: readonly unknown[]): boolean {
  return new Set(xs).size === xs.length;
}

const INPUT_TEXT = {
  door_contact: "door contact: true while the door is open",
  request_to_exit: "request-to-exit button: true while pressed",
  generic: "input: true while active",
} as const;

export function osdpCapabilities(o: OsdpOptions): Capability[] {
  const caps: Capability[] = [];
  for (const pd of o.pds) {
    const p = pd.name;
    caps.push(
      { kind: "binary", name: `${p}.online`, access: Access.STATE, on: true, off: false, description: `PD ${pd.address} answers` },
      { kind: "binary", name: `${p}.secure`, access: Access.STATE, on: true, off: false, description: "secure channel established" },
      { kind: "binary", name: `${p}.tamper`, access: Access.STATE | Access.GET, on: true, off: false },
      { kind: "binary", name: `${p}.power_failure`, access: Access.STATE | Access.GET, on: true, off: false },
      ...pd.inputs.map((i): Capability => ({ kind: "binary", name: `${p}.${i.name}`, access: Access.STATE | Access.GET, on: true, off: false, description: INPUT_TEXT[i.kind] })),
      // An enum with "pulse": the PD times the pulse itself, so a strike relocks even if the gateway dies.
      ...pd.outputs.map((out): Capability => ({
        kind: "enum",
        name: `${p}.${out.name}`,
        access: Access.STATE | Access.SET | Access.GET,
        values: ["off", "on", "pulse"],
        description: out.kind === "strike" ? "door strike: on = released (unlocked); pulse takes ms" : "output; pulse takes ms",
      })),
      { kind: "enum", name: `${p}.led`, access: Access.SET, values: ["off", ...Object.keys(LedColor).filter((c) => c !== "black")] },
      { kind: "enum", name: `${p}.buzzer`, access: Access.SET, values: ["off", "beep"] },
    );
  }
  caps.push(
    { kind: "event", name: "card_read", values: ["wiegand26", "wiegand34", "raw"], description: "a card at a reader: pd, reader, bits, facility, card" },
    { kind: "event", name: "keypad", values: ["digits"] },
    { kind: "event", name: "tamper", values: ["active", "cleared"] },
    { kind: "event", name: "power_failure", values: ["active", "cleared"] },
  );
  return caps;
}

export const osdp = defineDriver<OsdpOptions>({
  id: "osdp",
  vendor: "SIA OSDP",
  model: "OSDP v2.2 control panel (readers, door I/O)",
  description: "Card readers and door strikes, contacts and exit buttons on an RS-485 OSDP bus, with the secure channel",
  version: "1.0.0",
  transport: "serial",
  protocol: "osdp-2.2",
  availability: "driver",
  optionsSchema: OsdpOptions,
  capabilities: osdpCapabilities,
  create: (ctx) => createOsdpDriver(ctx),
});
