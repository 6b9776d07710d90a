import { z } from "zod";
import { SafeId } from "../../src/config/schema.js";
import { Access, defineDriver, type Capability } from "../../src/drivers/contract.js";
import { CAMERA_NAME, DEFAULT_MAX_PAYLOAD_BYTES } from "./codec.js";
import { createFrigateDriver } from "./driver.js";
import type { CameraMapping } from "./reports.js";

const Prefix = z
  .string()
  .min(1)
  .max(200)
  .refine((p) => p.split("/").every((level) => level.length > 0 && !/[+#\u0000]/.test(level)), {
    message: "a topic prefix without wildcards (+, #), empty levels or leading/trailing '/'",
  });

const Camera = z.strictObject({
  room: SafeId.describe("the room this camera watches (headcounts and objects are reported for it)"),
  channelId: z.string().min(1).max(128).optional().describe("recorder channel id that interrogation sessions name (default: the Frigate camera name)"),
  cameraId: z.string().min(1).max(128).optional().describe("camera id in events and alarm evidence (default: the Frigate camera name)"),
});

/**
 * Options of one `frigate` device: one Frigate instance on the local broker. Only the cameras
 * listed are reported; each maps to a room and to the recorder channel its recording counts as.
 */
export const FrigateOptions = z
  .strictObject({
    prefix: Prefix.default("frigate").describe("Frigate's mqtt.topic_prefix"),
    cameras: z
      .record(z.string().regex(CAMERA_NAME, "a Frigate camera name: letters, digits, '_' and '-'"), Camera)
      .refine((c) => Object.keys(c).length > 0, { message: "list at least one camera" })
      .describe("Frigate camera name → { room, channelId?, cameraId? }"),
    headcountLabel: z.string().regex(/^[a-z0-9_]{1,64}$/).default("person").describe("the object label whose count is the room's headcount"),
    headcountRepeatS: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(60)
      .describe("Frigate publishes counts only when they change; repeat the last one this often while Frigate is online (0: never). Keep it below the rules' R13 cameraMaxAgeS"),
    objects: z.boolean().default(true).describe("report tracked objects from <prefix>/events"),
    labels: z.array(z.string().min(1).max(64)).optional().describe("report only objects with these labels (default: all)"),
    reviews: z.boolean().default(true).describe("report review items (alerts/detections) from <prefix>/reviews (Frigate ≥ 0.14)"),
    maxPayloadBytes: z.number().int().positive().max(1_048_576).default(DEFAULT_MAX_PAYLOAD_BYTES),
    malformedReportEvery: z.number().int().positive().default(100).describe("publish the malformed counter every N bad messages"),
  })
  .superRefine((o, ctx) => {
    const seen = new Map<string, string>();
    for (const [name, c] of Object.entries(o.cameras)) {
      const channel = c.channelId ?? name;
      const other = seen.get(channel);
      if (other !== undefined) ctx.addIssue({ code: "custom", path: ["cameras", name, "channelId"], message: `channel ${channel} is already camera ${other}'s` });
      seen.set(channel, name);
    }
  })
  .transform((o) => ({
    ...o,
    cameras: Object.fromEntries(
      Object.entries(o.cameras).map(([name, c]): [string, CameraMapping] => [name, { room: c.room, channelId: c.channelId ?? name, cameraId: c.cameraId ?? name }]),
    ) as Readonly<Record<string, CameraMapping>>,
  }));
export type FrigateOptions = z.output<typeof FrigateOptions>;

export const frigate = defineDriver<FrigateOptions>({
  id: "frigate",
  vendor: "Frigate NVR",
  model: "Frigate ≥ 0.13 over MQTT",
  description: "Recording state, per-room headcounts, tracked objects and reviews from a Frigate NVR on the local broker; switches recording",
  version: "1.0.0",
  transport: "mqtt",
  protocol: "frigate-mqtt",
  optionsSchema: FrigateOptions,
  // Online while Frigate says so on <prefix>/available, not merely while the broker is up.
  availability: "driver",
  capabilities(o): readonly Capability[] {
    const caps: Capability[] = [
      { kind: "binary", name: "recording", access: Access.STATE | Access.SET, on: true, off: false, description: "recording per camera (command: { recording, camera | channel | room })" },
      { kind: "numeric", name: "headcount", access: Access.STATE, min: 0, description: `count of ${o.headcountLabel} per camera` },
      { kind: "enum", name: "frigate", access: Access.STATE, values: ["online", "offline", "stopped"], description: "Frigate's own availability" },
      { kind: "numeric", name: "malformed", access: Access.STATE, min: 0, description: "messages that could not be decoded" },
    ];
    const analytics = ["headcount", ...(o.objects ? ["object"] : []), ...(o.reviews ? ["review"] : [])];
    caps.push(
      { kind: "event", name: "recorder_status", values: ["recording", "not_recording", "offline"], description: "a camera's recording changed (RECORDER_STATUS)" },
      { kind: "event", name: "camera_event", values: analytics, description: "headcount, tracked object or review item of a camera (CAMERA_EVENT)" },
    );
    return caps;
  },
  create: (ctx) => createFrigateDriver(ctx),
});
