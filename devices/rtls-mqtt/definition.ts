import { z } from "zod";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "./codec.js";
import { createRtlsMqttDriver } from "./driver.js";

export const DEFAULT_PREFIX = { dwm: "dwm", espresense: "espresense" } as const;

const TopicPrefix = z
  .string()
  .min(1)
  .max(200)
  .refine((p) => !/[+#\u0000]/.test(p) && !p.startsWith("/") && !p.endsWith("/") && !p.split("/").includes(""), {
    message: "a topic prefix without wildcards (+, #), empty levels or leading/trailing '/'",
  });

/**
 * Options of one `rtls-mqtt` device. One device = one RTLS source on the local broker:
 * a DWM1001/LEAPS gateway (`format: dwm`) or a set of ESPresense room nodes (`format: espresense`).
 */
export const RtlsMqttOptions = z
  .strictObject({
    format: z.enum(["dwm", "espresense"]),
    prefix: TopicPrefix.optional().describe("topic prefix; default dwm or espresense"),
    minQuality: z.number().min(0).max(100).optional().describe("drop DWM positions below this quality (0–100)"),
    nodeFilter: z
      .array(z.string().min(1))
      .optional()
      .describe("accept only these nodes: DWM tag node ids (hex, any case) or ESPresense room names"),
    maxPayloadBytes: z.number().int().positive().max(1_048_576).default(DEFAULT_MAX_PAYLOAD_BYTES),
    malformedReportEvery: z.number().int().positive().default(100).describe("publish the malformed counter every N bad messages"),
  })
  .transform((o) => ({ ...o, prefix: o.prefix ?? DEFAULT_PREFIX[o.format] }));
export type RtlsMqttOptions = z.output<typeof RtlsMqttOptions>;

export const rtlsMqtt = defineDriver<RtlsMqttOptions>({
  id: "rtls-mqtt",
  vendor: "Qorvo/LEAPS, ESPresense",
  model: "DWM1001 gateway JSON, ESPresense",
  description: "Wristband positions from an RTLS gateway or BLE room nodes publishing JSON to the local MQTT broker",
  version: "1.0.0",
  transport: "mqtt",
  protocol: "rtls-mqtt-json",
  optionsSchema: RtlsMqttOptions,
  capabilities(o): readonly Capability[] {
    const common: Capability[] = [
      { kind: "numeric", name: "malformed", access: Access.STATE, min: 0, description: "messages that could not be decoded" },
    ];
    return o.format === "dwm"
      ? [
          { kind: "presence", name: "position", method: "uwb", description: "tag coordinates in metres" },
          { kind: "event", name: "tag_status", values: ["present", "absent"], description: "per-tag battery and presence" },
          ...common,
        ]
      : [
          { kind: "presence", name: "distance", method: "ble", description: "distance of a tag to a room node" },
          { kind: "event", name: "node_status", values: ["online", "offline"], description: "a room node came or went" },
          ...common,
        ];
  },
  create: (ctx) => createRtlsMqttDriver(ctx),
});
