import { SiteConfig, type SiteConfigInput } from "../../src/config/schema.js";

/**
 * A small center for simulator tests: a corridor (y 0–3) along x 0–40 with eight 5 m rooms
 * above it in flow order, and an office below it. Every room touches the corridor.
 */
const box = (x0: number, y0: number, x1: number, y1: number): Array<[number, number]> => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const ROOMS: Array<[string, string, number]> = [
  ["sally-port", "exit", 0],
  ["registration", "registration", 5],
  ["search", "search", 10],
  ["capture", "capture", 15],
  ["holding-1", "holding", 20],
  ["holding-2", "holding", 25],
  ["interrogation-1", "interrogation", 30],
  ["interrogation-2", "interrogation", 35],
];

export function testSite(simulation: Partial<SiteConfigInput["simulation"]> = {}): SiteConfig {
  return SiteConfig.parse({
    version: 1,
    center: { id: "test-center", name: "Test center" },
    gateway: { id: "gw-1" },
    areas: [
      {
        id: "secure",
        type: "secure_area",
        rooms: [
          { id: "corridor", type: "corridor", shapes: [{ polygon: box(0, 0, 40, 3) }] },
          ...ROOMS.map(([id, type, x]) => ({ id, type, shapes: [{ polygon: box(x, 3, x + 5, 8) }] })),
          { id: "office", type: "office", shapes: [{ polygon: box(0, -5, 10, 0) }] },
        ],
      },
    ],
    devices: [
      { id: "uwb-gw", driver: "rtls-mqtt", transport: { kind: "mqtt" }, options: { format: "dwm" } },
      { id: "ble", driver: "rtls-mqtt", transport: { kind: "mqtt" }, options: { format: "espresense" } },
    ],
    presence: { bleNodes: [{ id: "holding_1", zone: "holding-1" }] },
    simulation: { enabled: true, detainees: 1, officers: 2, speed: 60, rateHz: 2, seed: 7, ...simulation },
  });
}

/**
 * Room types a detainee's band is seen in, brought to registration to leaving (corridor left
 * out). The band comes off at the exit door, so the exit room itself is not among them.
 */
export const EXPECTED_FLOW = ["registration", "search", "capture", "holding", "interrogation", "holding"];
