import { num, str, type RuleEvent } from "./detector.js";

/**
 * Recorder channel facts kept by the detectors that need them (R13 exception, R22), reduced
 * from RECORDER_STATUS {recorderId, channelId, roomId, recording} and DEVICE_STATUS of the
 * recorder. A channel is named by its channelId, or by the recorder id when it has one channel.
 */
export interface ChannelStatus {
  readonly recording: boolean;
  readonly online: boolean;
  readonly at: number;
  readonly recorderId?: string;
  readonly roomId?: string;
}

export type Channels = Readonly<Record<string, ChannelStatus>>;

export const RECORDER_EVENTS = ["RECORDER_STATUS", "DEVICE_STATUS"] as const;

export function applyRecorderEvent(channels: Channels, e: RuleEvent): Channels {
  if (e.type === "RECORDER_STATUS") {
    const recorderId = str(e.payload.recorderId);
    const channel = str(e.payload.channelId) ?? (num(e.payload.channelId) !== undefined ? String(e.payload.channelId) : recorderId);
    if (channel === undefined) return channels;
    const roomId = str(e.payload.roomId) ?? e.roomId;
    const status: ChannelStatus = {
      recording: e.payload.recording === true,
      online: e.payload.online !== false,
      at: num(e.payload.since) ?? e.receivedAt,
      ...(recorderId !== undefined ? { recorderId } : {}),
      ...(roomId !== undefined ? { roomId } : {}),
    };
    return { ...channels, [channel]: status };
  }
  if (e.type === "DEVICE_STATUS" && e.payload.online === false) {
    const deviceId = str(e.payload.deviceId);
    let next: Record<string, ChannelStatus> | null = null;
    for (const [id, c] of Object.entries(channels)) {
      if (c.recorderId !== deviceId && id !== deviceId) continue;
      (next ??= { ...channels })[id] = { ...c, online: false, recording: false, at: e.receivedAt };
    }
    return next ?? channels;
  }
  return channels;
}

export function isRecording(channels: Channels, channel: string): boolean {
  const c = channels[channel];
  return c !== undefined && c.online && c.recording;
}

/** Channels reported for a room (for co-location without an explicit session). */
export function channelsOfRoom(channels: Channels, roomId: string): string[] {
  return Object.entries(channels)
    .filter(([, c]) => c.roomId === roomId)
    .map(([id]) => id);
}
