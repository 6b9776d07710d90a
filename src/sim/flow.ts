import type { RoomType } from "../config/schema.js";

/**
 * The path of a person in custody through a center (DOMAIN.md §3): registration, safety
 * search (two officers), belongings, information capture, holding, interrogation (two
 * officers), back to holding, exit. Durations are typical simulated minutes, varied ±30% per
 * visit. `officers` is how many stay with the detainee in the room; every move between rooms
 * is escorted by at least one.
 */
export interface FlowStep {
  readonly name: string;
  /** Room types that can serve this step, in order of preference. */
  readonly roomTypes: readonly RoomType[];
  readonly minutes: number;
  readonly officers: number;
  /** One detainee per room at a time (interrogation). */
  readonly exclusive?: boolean;
  /**
   * Release at this room's door: the exit is recorded there and the wristband comes off, so the
   * person walks out through the room untracked (neither bound nor a loose band in the area).
   */
  readonly handover?: boolean;
}

export const DETAINEE_FLOW: readonly FlowStep[] = [
  { name: "registration", roomTypes: ["registration"], minutes: 8, officers: 1 },
  { name: "search", roomTypes: ["search"], minutes: 6, officers: 2 },
  { name: "belongings", roomTypes: ["belongings"], minutes: 3, officers: 1 },
  { name: "capture", roomTypes: ["capture"], minutes: 12, officers: 1 },
  { name: "holding", roomTypes: ["holding", "waiting"], minutes: 25, officers: 0 },
  { name: "interrogation", roomTypes: ["interrogation", "interview"], minutes: 45, officers: 2, exclusive: true },
  { name: "holding", roomTypes: ["holding", "waiting"], minutes: 20, officers: 0 },
  { name: "exit", roomTypes: ["exit", "sally_port"], minutes: 3, officers: 1, handover: true },
];

/**
 * Where detainees are brought in, and where officers wait between tasks. The registration desk
 * comes first: the band is put on and bound there, before the secure area (R01), and a band
 * handed out again starts its new session outside any escape room (R17).
 */
export const ENTRY_ROOM_TYPES: readonly RoomType[] = ["registration", "sally_port", "exit"];
export const OFFICER_HOME_TYPES: readonly RoomType[] = ["office", "control_room"];

/** The steps a site can perform: steps without any room of their types are left out. */
export function planFlow(hasRoomType: (t: RoomType) => boolean, flow: readonly FlowStep[] = DETAINEE_FLOW): FlowStep[] {
  return flow.filter((s) => s.roomTypes.some(hasRoomType));
}
