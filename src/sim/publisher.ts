/**
 * Publishes simulated readings exactly as the real devices do, so they travel the same path
 * (broker → transport → rtls-mqtt driver) as production data: a DWM1001 gateway for UWB tags
 * (PROTOCOLS.md §2.2) and ESPresense room nodes for BLE (§2.3).
 */
export interface PublishClient {
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }): unknown;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function dwmLocationPayload(x: number, y: number, z: number, quality: number, superFrameNumber: number): string {
  return JSON.stringify({ position: { x: round(x, 3), y: round(y, 3), z: round(z, 2), quality: Math.round(quality) }, superFrameNumber });
}

export function dwmStatusPayload(present: boolean, battery: number, temperature: number): string {
  return JSON.stringify({ present, downlink: true, batt: Math.round(battery), temp: Math.round(temperature) });
}

/** RSSI at 1 m, as ESPresense nodes are calibrated by default. */
export const RSSI_AT_1M = -59;

export function espresenseSightingPayload(id: string, distanceM: number, rssi: number): string {
  return JSON.stringify({
    id,
    "rssi@1m": RSSI_AT_1M,
    rssi: round(rssi, 1),
    rxAdj: 0,
    raw: round(distanceM, 2),
    distance: round(distanceM, 2),
    var: 0.1,
    speed: 0,
    int: 1000,
  });
}

/** Log-distance path loss with exponent 2: what the node would measure at `distanceM`. */
export function rssiAt(distanceM: number): number {
  return RSSI_AT_1M - 20 * Math.log10(Math.max(distanceM, 0.1));
}

export class SimPublisher {
  constructor(
    private readonly client: PublishClient,
    private readonly dwmPrefix: string,
    private readonly espresensePrefix: string | undefined,
  ) {}

  location(tagId: string, x: number, y: number, z: number, quality: number, superFrameNumber: number): void {
    this.client.publish(`${this.dwmPrefix}/node/${tagId}/uplink/location`, dwmLocationPayload(x, y, z, quality, superFrameNumber), {
      qos: 0,
      retain: false,
    });
  }

  tagStatus(tagId: string, present: boolean, battery: number, temperature: number): void {
    this.client.publish(`${this.dwmPrefix}/node/${tagId}/uplink/status`, dwmStatusPayload(present, battery, temperature), { qos: 0, retain: false });
  }

  /** ESPresense publishes per device and room; the device id doubles as the topic level. */
  sighting(tagId: string, nodeId: string, distanceM: number, rssi: number): void {
    if (!this.espresensePrefix) return;
    this.client.publish(`${this.espresensePrefix}/devices/${tagId}/${nodeId}`, espresenseSightingPayload(tagId, distanceM, rssi), {
      qos: 0,
      retain: false,
    });
  }

  /** Retained, like the node's own birth message and last will. */
  nodeStatus(nodeId: string, online: boolean): void {
    if (!this.espresensePrefix) return;
    this.client.publish(`${this.espresensePrefix}/rooms/${nodeId}/status`, online ? "online" : "offline", { qos: 1, retain: true });
  }
}
