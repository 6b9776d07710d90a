/** Presence: observations → who is in which room (docs/presence.md). */
export { PresenceEngine, type PresenceEngineOptions, type PresenceStats, type TagLocation } from "./engine.js";
export { compileSite, type PresenceSite, type PresenceSiteConfig, type ZoneInfo, type ReaderInfo } from "./site.js";
export { PresenceParams, ZoneTimingInput, BUILTIN_ROOM_TYPES, type PresenceParamsInput, type ZoneTiming, type Tuning } from "./params.js";
export { MemoryTagBindings, subjectOf, subjectKey, type TagBinding, type TagBindings, type SubjectRef } from "./bindings.js";
export { SqlitePresenceStore, type PresenceStore } from "./persist.js";
export { type Occupant, type ZoneOccupancy } from "./occupancy.js";
export { step, newTagState, type IgnoreReason } from "./tag-machine.js";
export { toDraft, PRESENCE_ORIGIN } from "./drafts.js";
export {
  locationMessage,
  occupancyMessage,
  messagesForDrafts,
  snapshotMessages,
  topicLevel,
  subjectLevel,
  type TopicScope,
  type PresenceView,
} from "./topics.js";
export type { PresenceEvent, TransitionEvent, OfflineEvent, OnlineEvent, TagState, MachineInput } from "./types.js";
