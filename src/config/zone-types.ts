import { z } from "zod";

/** DOMAIN.md §9 glossary: area (zone) types. */
export const AreaType = z.enum([
  "reception",
  "secure_area",
  "office",
  "staff_support",
  "case_mgmt",
  "property_store",
  "justice_coord",
  "perimeter",
  "outside",
]);
export type AreaType = z.infer<typeof AreaType>;

/** DOMAIN.md §9 glossary: room types. */
export const RoomType = z.enum([
  "registration",
  "search",
  "capture",
  "belongings",
  "medical",
  "holding",
  "holding_juvenile",
  "waiting",
  "interrogation",
  "interrogation_juvenile",
  "interview",
  "sobering",
  "lineup",
  "remote_arraignment",
  "lawyer",
  "fast_track_court",
  "toilet",
  "corridor",
  "sally_port",
  "exit",
  "office",
  "control_room",
  "other",
]);
export type RoomType = z.infer<typeof RoomType>;
