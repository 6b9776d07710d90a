import type { DecodedReply } from "./replies.js";

/** What a PdSession is configured with, what it queues, and the news it hands to the driver. */
export interface PdSessionConfig {
  address: number;
  useCrc: boolean;
  /** Run the secure channel. With `installMode`, SCBK-D is tried too and `scbk` then pushed with KEYSET. */
  secure: boolean;
  scbk: Uint8Array | null;
  installMode: boolean;
  retries: number;
  offlineAfterMs: number;
  pollIntervalMs: number;
  offlineRetryMs: number;
  /** Ask LSTAT/ISTAT/OSTAT once after connecting, so state is known before the first change. */
  queryStatusOnConnect: boolean;
  random: (n: number) => Uint8Array;
}

export type CommandOutcome = { ok: true; reply: DecodedReply } | { ok: false; code: "timeout" | "device" | "offline"; message: string };

export type SessionUpdate =
  | { kind: "online" }
  | { kind: "offline"; reason: string }
  | { kind: "reply"; reply: DecodedReply }
  | { kind: "result"; tag: number; outcome: CommandOutcome }
  | { kind: "secure"; defaultKey: boolean }
  | { kind: "keyset" }
  | { kind: "problem"; message: string };

export interface QueuedCommand {
  tag: number;
  code: number;
  data: Uint8Array;
  /** Monotonic ms; never sent after it. */
  deadline: number;
  requeued?: boolean;
}
