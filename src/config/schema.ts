import { z } from "zod";
import { SAFE_ID } from "../core/ids.js";

/**
 * The site configuration (read-only to the daemon). Cross-references between sections are
 * checked in `crossref.ts`; driver options are validated by each driver's own schema.
 */
export const SafeId = z
  .string()
  .regex(SAFE_ID, "must be 1–64 chars of [a-z0-9-], not starting or ending with '-' (used as an MQTT topic level)")
  .describe("id: lowercase letters, digits and '-' (an MQTT topic level)");

/** A secret is never written in the file itself in production: take it from the environment or a file. */
export const SecretRef = z.union(
  [
    z.string().describe("literal value (only for development)"),
    z.strictObject({ env: z.string().min(1).describe("environment variable holding the secret") }),
    z.strictObject({ file: z.string().min(1).describe("file holding the secret") }),
    z.strictObject({ credential: z.string().min(1).describe("systemd credential name (LoadCredential=), read from $CREDENTIALS_DIRECTORY") }),
  ],
  { error: "a secret is a string, { env: VARIABLE_NAME }, { file: /path/to/file } or { credential: NAME }" },
);
export type SecretRef = z.infer<typeof SecretRef>;

export { AreaType, RoomType } from "./zone-types.js";
import { AreaType, RoomType } from "./zone-types.js";
import { PresenceParams } from "../presence/params.js";

const Point = z.tuple([z.number(), z.number()]).describe("[x, y] in metres on the floor plan");
const Ring = z.array(Point).min(3, "a polygon ring needs at least 3 points");

export const FloorShape = z.strictObject({
  floor: z.number().int().default(1),
  polygon: Ring.describe("outer boundary, metres"),
  holes: z.array(Ring).default([]).describe("areas inside the polygon that are not part of the room"),
});
export type FloorShape = z.infer<typeof FloorShape>;

export const Room = z.strictObject({
  id: SafeId,
  name: z.string().optional(),
  type: RoomType,
  capacity: z.number().int().positive().optional().describe("most detainees held at once (assignment check R09)"),
  sex: z.enum(["any", "male", "female"]).default("any").describe("who may be held here"),
  age: z
    .enum(["any", "minor", "adult"])
    .default("any")
    .describe("juvenile room types (holding_juvenile, interrogation_juvenile) must say minor"),
  /** One room may span several polygons (L-shapes, or floors joined by stairs). */
  shapes: z.array(FloorShape).default([]).describe("the room's outline(s) on the floor plan; several for rooms spanning floors"),
  /** Room is next to the area exit: a tag lost here is more urgent (R19). */
  adjacentToExit: z.boolean().default(false).describe("next to the area exit: a tag lost here is more urgent (R19)"),
});
export type Room = z.infer<typeof Room>;

export const Area = z.strictObject({
  id: SafeId,
  name: z.string().optional(),
  type: AreaType,
  rooms: z.array(Room).default([]),
});
export type Area = z.infer<typeof Area>;

const DevicePoint = z.strictObject({
  device: SafeId.describe("device id providing this point"),
  point: z.union([z.string(), z.number().int().nonnegative()]).describe("output/input number or name on that device"),
});

export const Door = z.strictObject({
  id: SafeId,
  name: z.string().optional(),
  between: z.tuple([SafeId, SafeId]).describe("the zone (room or area) ids on each side"),
  interlockGroup: SafeId.optional(),
  failMode: z.enum(["safe", "secure"]).describe("safe: unlocks on power loss; secure: stays locked"),
  fireRelease: z.enum(["auto", "remote", "none"]).default("none"),
  heldOpenS: z.number().positive().default(30),
  lock: DevicePoint.optional(),
  contact: DevicePoint.optional(),
  requestToExit: DevicePoint.optional(),
  // Door control (src/actions, docs/doors.md): optional so existing configs stay valid; defaults in the descriptions.
  lockSensor: DevicePoint.optional().describe("bolt/bond monitor; when set, the locked state is read here instead of the lock output's read-back"),
  lockOutput: z
    .enum(["auto", "energize-to-lock", "energize-to-unlock"])
    .optional()
    .describe("how a relay output drives the lock (default auto: lock/unlock words when the device speaks them, else failMode safe = energize-to-lock (maglock), secure = energize-to-unlock (strike))"),
  contactActive: z.enum(["closed", "open"]).optional().describe("what an active (on/true) contact input means (default closed: a reed contact closes with the door)"),
  heldOpenLevelsS: z
    .array(z.number().positive())
    .min(1)
    .max(5)
    .optional()
    .describe("seconds open at which DOOR_HELD_OPEN levels 1… are reached, ascending (default heldOpenS × 1, 2, 4, 8, 16)"),
  openPulseS: z.number().positive().max(60).optional().describe("how long an 'open' command unlocks the door (default 5)"),
});
export type Door = z.infer<typeof Door>;

/** Panel inputs the door controller and duress watch read (R32 lockdown/override, R34 fire, R36 panic button). */
export const SiteInput = z.strictObject({
  id: SafeId,
  name: z.string().optional(),
  kind: z.enum(["fire_alarm", "lockdown", "override", "duress"]),
  point: DevicePoint,
  activeWhen: z.union([z.boolean(), z.string(), z.number()]).optional().describe("the value that means active (default: true, 1, on, active, alarm)"),
  doors: z.array(SafeId).optional().describe("lockdown/override: only these doors (default: all, together with groups)"),
  groups: z.array(SafeId).optional().describe("lockdown/override: only the doors of these interlock groups"),
  zone: SafeId.optional().describe("duress: where this fixed panic button is"),
});
export type SiteInput = z.infer<typeof SiteInput>;

/** What an alarm type sets off (DOMAIN.md R17, R36; docs/doors.md). */
export const ActionSpec = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("relay"),
    device: SafeId,
    point: z.string().min(1),
    forS: z.number().positive().max(86_400).default(300).describe("siren/beacon on for this long, then off"),
  }),
  z.strictObject({ kind: z.literal("lock_doors"), doors: z.array(SafeId).min(1) }),
  z.strictObject({
    kind: z.literal("camera_preset"),
    device: SafeId,
    preset: z.number().int().min(0).max(255).optional().describe("preset when the alarm's room has none in rooms"),
    rooms: z.record(SafeId, z.number().int().min(0).max(255)).optional().describe("preset per room id"),
  }),
  z.strictObject({ kind: z.literal("recording_bookmark"), device: SafeId, channel: z.string().optional() }),
  z.strictObject({ kind: z.literal("robot_dispatch"), device: SafeId, room: SafeId.optional().describe("fixed destination (default: the alarm's room)") }),
]);
export type ActionSpec = z.infer<typeof ActionSpec>;

export const Actions = z.strictObject({
  interlockPriority: z.enum(["lockdown", "override"]).optional().describe("which wins when both inputs are active (default lockdown)"),
  commandTimeoutMs: z.number().int().min(50).max(60_000).optional().describe("deadline of a door or action command (default 2000); a stale command is dropped"),
  contactDebounceMs: z.number().int().min(0).max(2_000).optional().describe("a contact change counts once stable this long (default 50)"),
  rexWindowS: z.number().positive().max(120).optional().describe("an opening this soon after request-to-exit is not forced (default 10)"),
  bindings: z.array(z.strictObject({ alarm: z.string().regex(/^[A-Z][A-Z0-9_]*$/), actions: z.array(ActionSpec).min(1) })).optional(),
  heartbeats: z
    .array(z.strictObject({ device: SafeId, everyS: z.number().positive().max(3_600), values: z.record(z.string(), z.unknown()).optional().describe("default { heartbeat: true }") }))
    .optional()
    .describe("keepalives for relay boards that revert to their safe default without them"),
  roomPower: z
    .array(
      z.strictObject({
        room: SafeId,
        power: DevicePoint,
        signage: DevicePoint.optional(),
        offDelayMin: z.number().nonnegative().optional().describe("after RECORD_VERIFIED (default 10)"),
        continueDelayMin: z.number().nonnegative().optional().describe("after RECORD_VERIFIED with continue (default 30)"),
      }),
    )
    .optional()
    .describe("interrogation room power and signage by session state (R23)"),
  duress: z
    .strictObject({
      tagEvents: z.array(z.string()).optional().describe('device event names that mean an officer pressed the tag button (default ["sos"])'),
      credentials: z.array(z.strictObject({ credential: z.string().min(1), officerId: z.string().min(1) })).optional().describe("duress cards/PINs (胁迫卡) and whose they are"),
      nearestOfficers: z.number().int().min(0).max(20).optional().describe("officers named in OFFICER_DURESS (default 3)"),
    })
    .optional(),
});
export type Actions = z.infer<typeof Actions>;

export const SerialTransport = z.strictObject({
  kind: z.literal("serial"),
  path: z.string().min(1).describe("prefer /dev/serial/by-id/… so the name survives re-plugging"),
  baudRate: z.number().int().positive().default(9600),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(["none", "even", "odd"]).default("none"),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});
export const MqttTransport = z.strictObject({ kind: z.literal("mqtt") });
export const HidTransport = z.strictObject({
  kind: z.literal("hid"),
  vendorId: z.number().int().min(0).max(0xffff),
  productId: z.number().int().min(0).max(0xffff),
  path: z.string().optional(),
});
export const GpioTransport = z.strictObject({ kind: z.literal("gpio"), chip: z.string().default("gpiochip0") });
export const NoTransport = z.strictObject({ kind: z.literal("none") });
export const Transport = z.discriminatedUnion("kind", [SerialTransport, MqttTransport, HidTransport, GpioTransport, NoTransport]);
export type Transport = z.infer<typeof Transport>;

export const Device = z.strictObject({
  id: SafeId,
  name: z.string().optional(),
  driver: SafeId.describe("a driver id from the registry (custody-edge drivers)"),
  transport: Transport.default({ kind: "none" }),
  options: z.record(z.string(), z.unknown()).default({}).describe("validated by the driver's own schema"),
  enabled: z.boolean().default(true),
});
export type Device = z.infer<typeof Device>;

/** Fixed readers/exciters/anchors and BLE room nodes, mapped to rooms (presence input). */
export const Reader = z.strictObject({
  id: z.string().min(1).describe("reader id as the device reports it"),
  zone: SafeId,
  exit: z.boolean().default(false).describe("an exit exciter: a read means the tag is leaving"),
});

export const Presence = z.strictObject({
  minQuality: z.number().min(0).max(100).default(50),
  readers: z.array(Reader).default([]),
  bleNodes: z.array(Reader.omit({ exit: true })).default([]),
  /** Extended by the presence engine's own parameters. */
  params: PresenceParams.prefault({}).describe("presence engine parameters (dwell, samples, offline timeout …)"),
});

export const LocalBroker = z.strictObject({
  mode: z.enum(["embedded", "external"]).default("embedded"),
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(1883),
  url: z.string().optional().describe("external broker URL (mqtt://…), when mode is external"),
  username: z.string().optional(),
  password: SecretRef.optional(),
  baseTopic: z.string().default("edc"),
});

export const Uplink = z.strictObject({
  enabled: z.boolean().default(false),
  url: z.string().optional().describe("mqtts://central.example:8883"),
  site: SafeId.optional(),
  clientId: z.string().optional(),
  username: z.string().optional(),
  password: SecretRef.optional(),
  tls: z
    .strictObject({
      ca: z.string().optional().describe("file path"),
      cert: z.string().optional().describe("file path (mutual TLS)"),
      key: SecretRef.optional().describe("client key PEM for mutual TLS: { file: /path/key.pem } or { env: NAME }; the loader replaces it with the PEM text"),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  centralHostId: z.string().default("central"),
  sessionExpiryS: z.number().int().nonnegative().default(86_400),
  // Tuning of the uplink (src/uplink/config.ts applies the defaults named in each description).
  keepaliveS: z.number().int().min(5).max(300).optional().describe("MQTT keepalive in seconds (default 20)"),
  inflightWindow: z.number().int().min(1).max(65_535).optional().describe("QoS 1 publishes awaiting PUBACK (default 100; never above the broker's Receive Maximum)"),
  unackedWindow: z.number().int().min(1).optional().describe("events published but not yet acked by central (default 10000)"),
  ackTimeoutS: z.number().positive().optional().describe("republish from the last ack when central's acks stall this long (default 15)"),
  requireCentralOnline: z.boolean().optional().describe("drain only while the central host's retained state is online (default true)"),
  retention: z
    .strictObject({
      maxAgeH: z.number().nonnegative().optional().describe("drop unacked events older than this; 0 = no age bound (default 168)"),
      maxRows: z.number().int().nonnegative().optional().describe("drop the oldest beyond this many unacked events; 0 = no bound (default 0)"),
      maxMB: z.number().nonnegative().optional().describe("drop the oldest beyond this much unacked event JSON; 0 = no bound (default 4096)"),
    })
    .optional()
    .describe("outbox bound while central does not ack; every drop is reported upstream as OUTBOX_OVERFLOW"),
});

export const LocalApi = z.strictObject({
  enabled: z.boolean().default(false),
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8080),
  tokens: z.array(z.strictObject({ name: z.string(), token: SecretRef, role: z.enum(["viewer", "operator", "admin"]) })).default([]),
});

/** A detainee of the simulation by arrival order: 1 is the first to arrive (person detainee-1-1). */
const SimDetainee = z.number().int().min(1).describe("detainee number: 1 is the first to arrive; applies to their first visit");

/**
 * Deliberate incidents of the demo: the simulated people and the demo operator do something
 * wrong, and the alarm comes out of the real chain (positions → driver → presence → rules).
 * Durations are simulated minutes.
 */
export const SimIncident = z.discriminatedUnion("kind", [
  z
    .strictObject({
      kind: z.literal("co_case_holding"),
      detainees: z.tuple([SimDetainee, SimDetainee]),
      togetherMin: z.number().positive().default(20).describe("both stay in the holding room at least this long together"),
    })
    .describe("two detainees of one case; the operator overrides the same-case refusal and holds them in one room (R10 CO_CASE_CONTACT)"),
  z
    .strictObject({
      kind: z.literal("single_officer_interrogation"),
      detainee: SimDetainee,
      afterMin: z.number().min(0).default(5).describe("the second officer leaves this long after the interrogation starts"),
      aloneMin: z.number().positive().default(40).describe("the interrogation goes on at least this long with one officer"),
    })
    .describe("the second officer leaves the interrogation room (R13 SINGLE_OFFICER_INTERROGATION)"),
  z
    .strictObject({
      kind: z.literal("overdue_holding"),
      detainee: SimDetainee,
    })
    .describe("到案时间 lies so far back (继续盘问, brought in from another unit) that the custody clock passes its warning while the detainee waits in holding, kept there until the warning is out (R04 CUSTODY_TIME_WARNING)"),
]);
export type SimIncident = z.infer<typeof SimIncident>;

export const Simulation = z
  .strictObject({
    enabled: z.boolean().default(false),
    detainees: z.number().int().min(0).max(500).default(4),
    officers: z.number().int().min(0).max(500).default(4),
    /** Time multiplier: 60 runs one simulated minute per real second, a 2-hour custody in 2 minutes. */
    speed: z.number().positive().default(60).describe("time multiplier: 60 = one simulated minute per real second"),
    rateHz: z.number().positive().max(50).default(2),
    /** Walking is not sped up like stays are: a viewer should still see people cross the corridor. */
    walkSpeedup: z.number().positive().max(50).default(4).describe("people walk at most this many times faster than in real life (never faster than speed)"),
    seed: z.number().int().default(1),
    incidents: z.array(SimIncident).max(16).default([]).describe("deliberate incidents that provoke alarms"),
  })
  .superRefine((s, ctx) => {
    s.incidents.forEach((inc, i) => {
      const refs: Array<[number, PropertyKey[]]> = inc.kind === "co_case_holding" ? inc.detainees.map((n, j) => [n, ["detainees", j]]) : [[inc.detainee, ["detainee"]]];
      for (const [n, at] of refs) {
        if (n > s.detainees) ctx.addIssue({ code: "custom", path: ["incidents", i, ...at], message: `there are only ${s.detainees} simulated detainees` });
      }
      if (inc.kind === "co_case_holding" && inc.detainees[0] === inc.detainees[1]) ctx.addIssue({ code: "custom", path: ["incidents", i, "detainees"], message: "two different detainees" });
    });
  });

export const SiteConfig = z.strictObject({
  version: z.literal(1),
  center: z.strictObject({
    id: SafeId,
    name: z.string(),
    timezone: z.string().default("Asia/Shanghai"),
  }),
  gateway: z.strictObject({ id: SafeId }),
  areas: z.array(Area).min(1),
  doors: z.array(Door).default([]),
  inputs: z.array(SiteInput).optional().describe("fire alarm, lockdown, override and panic-button inputs"),
  actions: Actions.optional().describe("door control settings and what alarms set off"),
  devices: z.array(Device).default([]),
  presence: Presence.prefault({}),
  rules: z
    .record(z.string().regex(/^R(0[1-9]|[12]\d|3[0-8])$/, "rule ids are R01…R38"), z.record(z.string(), z.unknown()))
    .default({})
    .describe("per-rule parameters, e.g. R10: { dwellS: 60 }"),
  store: z.strictObject({ path: z.string().default("./state/custody-edge.db") }).default({ path: "./state/custody-edge.db" }),
  localBroker: LocalBroker.default({ mode: "embedded", host: "127.0.0.1", port: 1883, baseTopic: "edc" }),
  uplink: Uplink.default({ enabled: false, centralHostId: "central", sessionExpiryS: 86_400 }),
  api: LocalApi.default({ enabled: false, host: "127.0.0.1", port: 8080, tokens: [] }),
  simulation: Simulation.default({ enabled: false, detainees: 4, officers: 4, speed: 60, rateHz: 2, walkSpeedup: 4, seed: 1, incidents: [] }),
  shutdownTimeoutMs: z.number().int().positive().default(4000),
});
export type SiteConfig = z.infer<typeof SiteConfig>;
export type SiteConfigInput = z.input<typeof SiteConfig>;
