import type { MqttClient } from "mqtt";
import { FrigateOptions } from "../../devices/frigate/definition.js";
import type { SiteConfig } from "../config/schema.js";

/**
 * The demo's video recorders: every enabled `frigate` device of the site is answered like a
 * Frigate NVR that records all its cameras (PROTOCOLS.md §5.3). `available` is online, each
 * camera's `recordings/state` is ON (retained, as Frigate keeps it), and a `recordings/set`
 * is answered on the state topic as Frigate does. The frigate driver turns these into
 * RECORDER_STATUS, so interrogations naming the cameras as recorder channels are verifiably
 * recorded (R22).
 */
interface Nvr {
  readonly prefix: string;
  /** Frigate camera name → room and recorder channel id. */
  readonly cameras: Readonly<Record<string, { readonly room: string; readonly channelId: string }>>;
}

function nvrs(config: SiteConfig): Nvr[] {
  return config.devices
    .filter((d) => d.enabled && d.driver === "frigate")
    .map((d) => FrigateOptions.safeParse(d.options))
    .flatMap((r) => (r.success ? [{ prefix: r.data.prefix, cameras: r.data.cameras }] : []));
}

/** Recorder channels of the site's Frigate cameras in a room, for `start_interrogation`. */
export function recorderChannelsOf(config: SiteConfig, roomId: string): string[] {
  return nvrs(config).flatMap((n) => Object.values(n.cameras).flatMap((c) => (c.room === roomId ? [c.channelId] : [])));
}

export interface SimRecorders {
  stop(): void;
}

export async function startSimRecorders(client: MqttClient, config: SiteConfig): Promise<SimRecorders> {
  const list = nvrs(config);
  const publish = (topic: string, payload: string) => client.publish(topic, payload, { qos: 1, retain: true });
  const onMessage = (topic: string, payload: Buffer): void => {
    for (const n of list) {
      const m = topic.match(/^(.*)\/([A-Za-z0-9_-]+)\/recordings\/set$/);
      if (!m || m[1] !== n.prefix || !Object.hasOwn(n.cameras, m[2]!)) continue;
      const on = payload.toString().trim().toUpperCase() === "ON";
      publish(`${n.prefix}/${m[2]}/recordings/state`, on ? "ON" : "OFF");
    }
  };
  if (list.length > 0) {
    client.on("message", onMessage);
    await client.subscribeAsync(list.map((n) => `${n.prefix}/+/recordings/set`), { qos: 1 });
  }
  for (const n of list) {
    publish(`${n.prefix}/available`, "online");
    for (const cam of Object.keys(n.cameras)) publish(`${n.prefix}/${cam}/recordings/state`, "ON");
  }
  return {
    stop: () => {
      client.off("message", onMessage);
    },
  };
}
