import type { EventDraft } from "../core/envelope.js";
import type { Observation, DeviceMessage, DriverDefinition } from "./contract.js";

/** Local MQTT message the composition root publishes on the gateway's broker. */
export interface LocalMessage {
  topic: string;
  payload: unknown;
  retain: boolean;
}

export interface NormalizedOutput {
  observation?: { observation: Observation; receivedAt: number; source: { deviceId: string; driver: string; protocol: string } };
  events: EventDraft[];
  local: LocalMessage[];
}

type DomainEventMapper = (deviceId: string, source: EventDraft["source"], data: Record<string, unknown>) => EventDraft;

/** A device event that is a domain event of its own (DOMAIN.md §8.1), placed in the room the driver names. */
function domainEvent(type: string, idField: string): DomainEventMapper {
  return (deviceId, source, data) => {
    const roomId = typeof data.roomId === "string" ? data.roomId : undefined;
    return {
      type,
      category: "device",
      source,
      subjects: [{ kind: "device", id: deviceId }],
      ...(roomId !== undefined ? { roomId } : {}),
      payload: { deviceId, [idField]: deviceId, ...data },
    };
  };
}

/**
 * Driver event names that become domain events instead of DEVICE_EVENT, because the rules read
 * them by type (src/rules/recorders.ts, detectors/two-officer.ts):
 * - `recorder_status` {channelId, roomId, recording, online?, since?} → RECORDER_STATUS; recorderId
 *   defaults to the device id, so the device going offline reaches its channels
 * - `camera_event` {analyticType, value, roomId, cameraId?} → CAMERA_EVENT; cameraId defaults to the device id
 * The event's roomId becomes the envelope's. Every other name stays a DEVICE_EVENT.
 */
const DOMAIN_EVENTS: Readonly<Record<string, DomainEventMapper | undefined>> = {
  recorder_status: domainEvent("RECORDER_STATUS", "recorderId"),
  camera_event: domainEvent("CAMERA_EVENT", "cameraId"),
};

/**
 * Turns one driver message into what the rest of the daemon consumes: observations for
 * presence, domain events for the store, and Zigbee2MQTT-shaped local topics
 * (`<base>/<gw>/dev/<id>`, `/availability`, `/event`). Pure except for the merged device state
 * it keeps, so the retained `dev/<id>` topic always carries the full state.
 */
export class DeviceMessageNormalizer {
  private readonly states = new Map<string, Record<string, unknown>>();

  constructor(private readonly topicPrefix: string) {}

  normalize(deviceId: string, def: DriverDefinition<unknown>, msg: DeviceMessage, receivedAt: number): NormalizedOutput {
    const source = { deviceId, driver: def.id, protocol: def.protocol };
    const devTopic = `${this.topicPrefix}/dev/${deviceId}`;
    switch (msg.type) {
      case "observation":
        return { observation: { observation: msg.observation, receivedAt, source }, events: [], local: [] };
      case "state": {
        const merged = { ...(this.states.get(deviceId) ?? {}), ...msg.values };
        this.states.set(deviceId, merged);
        return { events: [], local: [{ topic: devTopic, payload: merged, retain: true }] };
      }
      case "event": {
        const data = msg.data ?? {};
        const draft: EventDraft = DOMAIN_EVENTS[msg.name]?.(deviceId, source, data) ?? {
          type: "DEVICE_EVENT",
          category: "device",
          source,
          subjects: [{ kind: "device", id: deviceId }],
          payload: { deviceId, name: msg.name, ...data },
        };
        if (msg.deviceTime !== undefined) draft.occurredAt = msg.deviceTime;
        return { events: [draft], local: [{ topic: `${devTopic}/event`, payload: { name: msg.name, data, ts: receivedAt }, retain: false }] };
      }
      case "availability": {
        const state = msg.online ? "online" : "offline";
        const draft: EventDraft = {
          type: "DEVICE_STATUS",
          category: "device",
          source,
          subjects: [{ kind: "device", id: deviceId }],
          payload: { deviceId, driver: def.id, online: msg.online, ...(msg.reason ? { detail: msg.reason } : {}) },
        };
        return {
          events: [draft],
          local: [{ topic: `${devTopic}/availability`, payload: msg.reason ? { state, reason: msg.reason } : { state }, retain: true }],
        };
      }
    }
  }

  stateOf(deviceId: string): Record<string, unknown> | undefined {
    return this.states.get(deviceId);
  }
}
