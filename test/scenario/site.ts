import { SiteConfig } from "../../src/config/schema.js";

/**
 * The scenario center: reception, the secure area in process order, a second holding room for
 * separation, a duty office for officers between tasks, the release exit and the outside. Every
 * room has one fixed reader `r-<room>` (reader observations place tags, as RFID/LF readers do);
 * the exit room also has an exit exciter.
 */
const ROOMS = {
  reception: [{ id: "registration", type: "registration" }],
  secure: [
    { id: "search", type: "search" },
    { id: "belongings", type: "belongings" },
    { id: "capture", type: "capture" },
    { id: "holding-1", type: "holding", capacity: 4 },
    { id: "holding-2", type: "holding", capacity: 4 },
    { id: "interrogation-1", type: "interrogation" },
    { id: "corridor", type: "corridor" },
    { id: "exit", type: "exit", adjacentToExit: true },
  ],
  staff: [{ id: "duty-office", type: "office" }],
} as const;

export type RoomId = (typeof ROOMS)[keyof typeof ROOMS][number]["id"];

export const readerOf = (roomId: RoomId): string => `r-${roomId}`;

export function scenarioSite(rules: Record<string, Record<string, unknown>> = {}): SiteConfig {
  const all = Object.values(ROOMS).flat();
  return SiteConfig.parse({
    version: 1,
    center: { id: "scenario-center", name: "scenario center", timezone: "Asia/Shanghai" },
    gateway: { id: "gw-scenario" },
    areas: [
      { id: "reception-area", type: "reception", rooms: ROOMS.reception },
      { id: "secure-area", type: "secure_area", rooms: ROOMS.secure },
      { id: "staff-area", type: "office", rooms: ROOMS.staff },
      { id: "outside", type: "outside" },
    ],
    presence: {
      readers: [...all.map((r) => ({ id: readerOf(r.id), zone: r.id })), { id: "exit-exciter", zone: "exit", exit: true }],
    },
    rules,
    store: { path: ":memory:" },
  });
}
