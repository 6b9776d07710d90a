import { z } from "zod";
import { EventEnvelope } from "../core/envelope.js";

/**
 * Payloads of every upstream topic (docs/topics.md). Outbound ones are what we publish; the
 * inbound ones are validated before anything acts on them.
 */

const Hash = z.string().regex(/^[0-9a-f]{64}$/);
const ChainHead = z.object({ key: z.number().int().nonnegative(), hash: Hash });

/** `…/state`, retained. Published online after connect; the broker publishes the will (offline). */
export const GatewayState = z.object({
  online: z.boolean(),
  ts: z.number().describe("gateway time, epoch ms"),
  bdSeq: z.number().int().nonnegative().describe("MQTT session number; the will carries the same value as the birth of its session"),
});
export type GatewayState = z.infer<typeof GatewayState>;

export const Inventory = z.object({
  devices: z.array(z.object({ id: z.string(), driver: z.string().optional(), kind: z.string().optional(), online: z.boolean().optional() }).passthrough()),
  zones: z.array(z.object({ id: z.string(), type: z.string().optional() }).passthrough()),
  ruleSetVersion: z.string(),
});
export type Inventory = z.infer<typeof Inventory>;

/** `…/birth`, after every connect, when the central host comes online and on `cmd/rebirth`. */
export const Birth = z.object({
  ts: z.number(),
  bdSeq: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  site: z.string(),
  gatewayId: z.string(),
  software: z.string(),
  inventory: Inventory,
  outbox: z.object({
    committedSeq: z.number().int().nonnegative().describe("newest accepted event"),
    floorSeq: z.number().int().nonnegative().describe("everything ≤ this has been acked or dropped and deleted here"),
    pending: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative().describe("events dropped by retention since the store was created"),
  }),
  chain: z.object({
    outbox: ChainHead.describe("seq and hash of the newest accepted event"),
    audit: ChainHead.describe("id and hash of the newest audit record"),
  }),
});
export type Birth = z.infer<typeof Birth>;

/** `…/evt/<category>`: the envelope plus transport facts. `hash`/`prevHash` link it into the event chain. */
export const EventMessage = EventEnvelope.extend({
  historical: z.boolean().describe("committed before the current drain session started (store-and-forward replay)"),
  prevHash: Hash,
  hash: Hash.describe("hex SHA-256 of prevHash + '\\n' + canonical JSON of the envelope without historical/prevHash/hash"),
});
export type EventMessage = z.infer<typeof EventMessage>;

/** `…/ack` ← central: everything ≤ upTo is durably stored centrally; the outbox deletes it. */
// Inbound envelopes ignore fields they do not know (central may add some); command args stay strict.
export const Ack = z.object({
  upTo: z.number().int().nonnegative(),
  hash: Hash.optional().describe("the hash of event upTo as central received it; when given, an ack that does not match our event is refused"),
});
export type Ack = z.infer<typeof Ack>;

/** `edc/v1/host/<hostId>/state` ← central, retained; its will publishes online:false. */
export const HostState = z.object({ online: z.boolean(), ts: z.number() });
export type HostState = z.infer<typeof HostState>;

/** `…/cmd/<name>` ← central. */
export const CommandRequest = z.object({
  id: z.string().min(1).max(128).describe("command id; a repeated id is answered from the store, never executed twice"),
  args: z.record(z.string(), z.unknown()).default({}),
  deadline: z.number().optional().describe("epoch ms; a command that arrives later is answered EXPIRED"),
  requestedBy: z.string().min(1).max(128).optional().describe("the central user on whose behalf"),
  reason: z.string().max(1000).optional(),
});
export type CommandRequest = z.infer<typeof CommandRequest>;

export const CommandError = z.object({ code: z.string(), message: z.string() });

/** `…/cmd/<name>/response`. */
export const CommandResponse = z.object({
  id: z.string().nullable(),
  status: z.enum(["ok", "error"]),
  data: z.unknown().optional(),
  error: CommandError.optional(),
  ts: z.number(),
  replayed: z.boolean().optional().describe("true when answered from the store for a repeated command id"),
});
export type CommandResponse = z.infer<typeof CommandResponse>;

/** MQTT 5 user property that names the publisher; the broker ACL makes it trustworthy. */
export const SENDER_PROPERTY = "sender";
