import { z } from "zod";
import { SAFE_ID } from "../../src/core/ids.js";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { createSimDoorDriver } from "./driver.js";

const PointName = z
  .string()
  .regex(SAFE_ID, "a point name is [a-z0-9-] (it becomes a state key)")
  .refine((n) => n !== "ms" && n !== "heartbeat", { message: '"ms" and "heartbeat" are command keys, not point names' });

const SimDoor = z.strictObject({
  lock: PointName.describe("lock output: takes lock, unlock, pulse; reports locked/unlocked"),
  contact: PointName.describe("door contact: reports open/closed"),
  requestToExit: PointName.optional().describe("exit button: reports true while pressed"),
  onPowerLoss: z.enum(["unlock", "hold"]).default("unlock").describe("unlock: a maglock (fail-safe); hold: a fail-secure strike keeps its state"),
  locked: z.boolean().default(true).describe("state at power-up"),
  open: z.boolean().default(false).describe("state at power-up"),
});

/**
 * A simulated door controller that behaves like a real one: lock outputs act after a latency,
 * door contacts bounce, the controller can drop off the bus (or lose power) on a schedule, and
 * without heartbeats it reverts its outputs to their power-loss state. Tests and the demo drive
 * the "physical" side (people opening doors, panel buttons) through `simDoorPanel(deviceId)`.
 */
export const SimDoorOptions = z
  .strictObject({
    doors: z.array(SimDoor).default([]),
    inputs: z.array(PointName).default([]).describe("panel inputs (fire alarm relay, lockdown key switch, panic button): report true/false"),
    latencyMs: z.number().int().min(0).max(5_000).default(20).describe("command to lock movement"),
    bounceMs: z.number().int().min(0).max(1_000).default(0).describe("contact bounce after each physical change"),
    pulseMs: z.number().int().min(1).max(60_000).default(5_000).describe('default length of a "pulse"'),
    heartbeatTimeoutMs: z.number().int().min(0).max(600_000).default(0).describe("revert outputs when no { heartbeat: true } came this long (0: no watchdog)"),
    offline: z
      .array(z.strictObject({ atMs: z.number().int().min(0), forMs: z.number().int().positive(), power: z.boolean().default(false) }))
      .default([])
      .describe("outages after start: comms only, or power (locks go to their power-loss state)"),
  })
  .superRefine((o, ctx) => {
    const seen = new Set<string>();
    const names = [...o.doors.flatMap((d) => [d.lock, d.contact, ...(d.requestToExit ? [d.requestToExit] : [])]), ...o.inputs];
    for (const n of names) {
      if (seen.has(n)) ctx.addIssue({ code: "custom", path: [], message: `point "${n}" is named twice` });
      seen.add(n);
    }
  });
export type SimDoorOptions = z.output<typeof SimDoorOptions>;
export type SimDoorPoint = SimDoorOptions["doors"][number];

export const simDoor = defineDriver<SimDoorOptions>({
  id: "sim-door",
  vendor: "custody-edge",
  model: "simulated door controller",
  description: "Door locks, contacts, exit buttons and panel inputs with latency, contact bounce and outages, for tests and the demo",
  version: "1.0.0",
  transport: "none",
  protocol: "sim-door",
  optionsSchema: SimDoorOptions,
  availability: "driver",
  capabilities(o): readonly Capability[] {
    const caps: Capability[] = [];
    for (const d of o.doors) {
      caps.push({ kind: "enum", name: d.lock, access: Access.STATE | Access.SET, values: ["locked", "unlocked"], description: "commands: lock, unlock, pulse (with ms)" });
      caps.push({ kind: "enum", name: d.contact, access: Access.STATE, values: ["open", "closed"] });
      if (d.requestToExit) caps.push({ kind: "binary", name: d.requestToExit, access: Access.STATE, on: true, off: false });
    }
    for (const i of o.inputs) caps.push({ kind: "binary", name: i, access: Access.STATE, on: true, off: false });
    caps.push({ kind: "numeric", name: "ms", access: Access.SET, unit: "ms", min: 1, max: 60_000, description: `pulse length (default ${o.pulseMs})` });
    if (o.heartbeatTimeoutMs > 0) caps.push({ kind: "binary", name: "heartbeat", access: Access.SET, on: true, off: false, description: "keepalive" });
    return caps;
  },
  create: (ctx) => createSimDoorDriver(ctx),
});
