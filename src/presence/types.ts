import type { EventSource } from "../core/envelope.js";
import type { Observation, ObservationMethod } from "../drivers/contract.js";

/** What the machine is fed: an observation stamped with gateway receive time, or the passing of time. */
export type MachineInput =
  | { readonly kind: "observation"; readonly observation: Observation; readonly receivedAt: number; readonly source?: EventSource }
  | { readonly kind: "tick"; readonly now: number };

export type ObservationInput = Extract<MachineInput, { kind: "observation" }>;

/** A move that is being considered but not yet accepted. */
export interface Candidate {
  readonly zoneId: string;
  /** Gateway time of the first consistent sample: when the tag actually moved. */
  readonly firstAt: number;
  /** Gateway time of the latest consistent sample. */
  readonly lastAt: number;
  /**
   * Time backed by consistent samples, which is what must reach the dwell: the stretch between
   * two of them counts unless contrary samples came in between and it exceeds the miss window.
   */
  readonly supportMs: number;
  readonly count: number;
  /** Contrary samples in a row since the last consistent one. */
  readonly misses: number;
  /** The zone all those contrary samples agree on (null: mixed, or the current zone). */
  readonly missZoneId: string | null;
  readonly missFirstAt: number;
  readonly missCount: number;
}

export interface BleReading {
  readonly nodeId: string;
  readonly zoneId: string;
  readonly distance: number;
  readonly at: number;
}

/**
 * Everything the machine knows about one tag. Plain JSON, so it is persisted as is.
 * All times are gateway epoch ms except `lastDeviceTime`.
 */
export interface TagState {
  readonly v: 1;
  readonly tagId: string;
  /** Accepted zone; null until the first move is accepted. */
  readonly zoneId: string | null;
  /** When the tag moved into `zoneId` (first consistent sample). */
  readonly since: number | null;
  readonly method: ObservationMethod | null;
  /** The move into `zoneId` was inferred across an offline gap. */
  readonly inferred: boolean;
  /** Last sample that voted for `zoneId`. */
  readonly lastInZoneAt: number | null;
  /** Latest gateway time processed: transitions never go back before it. */
  readonly lastAt: number;
  /** Latest fresh sample (liveness). */
  readonly lastSeenAt: number;
  readonly lastDeviceTime: number | null;
  /** A run of samples older than `lastDeviceTime`: when it lasts, the device clock stepped back. */
  readonly staleSince: number | null;
  readonly staleCount: number;
  /** Zone voted by the sample at `lastDeviceTime` (null: no vote): same time and same vote is a duplicate. */
  readonly lastVote: string | null;
  readonly online: boolean;
  readonly offlineAt: number | null;
  /** Went offline since the last sample in `zoneId`: the next move is flagged inferred. */
  readonly gap: boolean;
  /** Samples gathered towards coming back online, and the time of the last one. */
  readonly recoverCount: number;
  readonly recoverLastAt: number;
  readonly candidate: Candidate | null;
  readonly ble: readonly BleReading[];
  /** Samples held by the reorder window, sorted by device time. */
  readonly held: readonly ObservationInput[];
}

export type TransitionType = "ZONE_EXIT" | "ZONE_ENTER";

export interface TransitionEvent {
  readonly type: TransitionType;
  readonly tagId: string;
  readonly fromZoneId: string | null;
  readonly toZoneId: string;
  /** Gateway time the move was accepted; exit and enter of one move share it. */
  readonly at: number;
  /** Gateway time the tag was first seen in the new zone. */
  readonly movedAt: number;
  readonly inferred: boolean;
  readonly method: ObservationMethod;
  /** On exit: time spent in `fromZoneId`. */
  readonly dwellMs?: number;
  readonly deviceTime?: number;
  readonly readerId?: string;
  readonly exitReader?: boolean;
  readonly source?: EventSource;
}

export interface OfflineEvent {
  readonly type: "TAG_OFFLINE";
  readonly tagId: string;
  /** lastSeenAt + offline timeout: independent of how often ticks come. */
  readonly at: number;
  readonly lastSeenAt: number;
  readonly zoneId: string | null;
}

export interface OnlineEvent {
  readonly type: "TAG_ONLINE";
  readonly tagId: string;
  readonly at: number;
  readonly offlineAt: number;
  readonly zoneId: string | null;
  readonly method: ObservationMethod;
  readonly source?: EventSource;
}

export type PresenceEvent = TransitionEvent | OfflineEvent | OnlineEvent;

export interface StepResult {
  readonly state: TagState;
  readonly events: readonly PresenceEvent[];
}
