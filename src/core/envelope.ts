import { z } from "zod";

/** DOMAIN.md §8 categories. */
export const EventCategory = z.enum(["location", "lifecycle", "device", "door", "alarm", "audit"]);
export type EventCategory = z.infer<typeof EventCategory>;

export const PersonRole = z.enum(["detainee", "officer", "staff", "visitor", "witness", "victim", "lawyer"]);
export type PersonRole = z.infer<typeof PersonRole>;

export const EventSource = z.object({
  deviceId: z.string().optional(),
  driver: z.string().optional(),
  protocol: z.string().optional(),
  /** "operator:<id>", "central", "rule:<ruleId>", "engine:<name>" for events not from a device. */
  origin: z.string().optional(),
});
export type EventSource = z.infer<typeof EventSource>;

export const Subject = z.object({
  kind: z.enum(["person", "tag", "door", "device", "zone"]),
  id: z.string(),
  role: PersonRole.optional(),
});
export type Subject = z.infer<typeof Subject>;

/**
 * The common envelope of every event (DOMAIN.md §8). `receivedAt` is the gateway clock and
 * authoritative; `occurredAt` is the device's own time when it has one. `seq` is per gateway,
 * gap-free and never reused within an `epoch`-spanning store.
 */
export const EventEnvelope = z.object({
  eventId: z.string(),
  seq: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  type: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  category: EventCategory,
  occurredAt: z.number().optional(),
  receivedAt: z.number(),
  centerId: z.string(),
  zoneId: z.string().optional(),
  roomId: z.string().optional(),
  source: EventSource,
  subjects: z.array(Subject),
  correlationId: z.string().optional(),
  personId: z.string().optional(),
  role: PersonRole.optional(),
  sessionId: z.string().optional(),
  caseNo: z.string().optional(),
  payload: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** What a producer supplies; the event factory adds ids, sequence and gateway time. */
export type EventDraft = Omit<EventEnvelope, "eventId" | "seq" | "epoch" | "receivedAt" | "centerId"> & {
  receivedAt?: number;
};
