import type { DeviceMessage } from "../../src/drivers/contract.js";
import type { Logger } from "../../src/core/logger.js";
import type { FrigateAvailability, FrigateDecoded } from "./codec.js";
import type { FrigateOptions } from "./definition.js";
import {
  channelStatus,
  headcountData,
  objectEventData,
  recorderStatusData,
  reviewEventData,
  reviewWorthReporting,
  objectWorthReporting,
  sameStatus,
  trackedTime,
  type CameraMapping,
  type CameraRecording,
  type ChannelStatus,
} from "./reports.js";

interface Headcount {
  readonly count: number;
  /** Monotonic ms of the last report (first or repeated). */
  readonly reportedAt: number;
}

/**
 * What one Frigate instance has said, and what of it has been reported. Availability is
 * Frigate's own (`<prefix>/available`) while the broker connection is up; when the connection
 * drops everything learned is forgotten, because the broker resends the retained states and
 * the rules have meanwhile been told the device went offline.
 */
export class FrigateSession {
  private leaseOpen = false;
  private frigate: FrigateAvailability | undefined;
  private online: boolean | undefined;
  private readonly recordings = new Map<string, CameraRecording>();
  private readonly reported = new Map<string, ChannelStatus>();
  private readonly headcounts = new Map<string, Headcount>();
  private readonly labels: ReadonlySet<string> | undefined;

  constructor(
    private readonly o: FrigateOptions,
    private readonly deviceId: string,
    private readonly emit: (m: DeviceMessage) => void,
    private readonly monotonic: () => number,
    private readonly log: Logger,
  ) {
    this.labels = o.labels ? new Set(o.labels) : undefined;
  }

  get frigateOnline(): boolean {
    return this.leaseOpen && this.frigate === "online";
  }

  transport(open: boolean, state: string): void {
    this.leaseOpen = open;
    if (!open) {
      this.frigate = undefined;
      this.recordings.clear();
      this.reported.clear();
      this.headcounts.clear();
    }
    this.settleAvailability(open ? undefined : `local broker ${state}`);
  }

  handle(d: FrigateDecoded): void {
    switch (d.kind) {
      case "available":
        // Retained: every reconnect delivers it again; only a change is news.
        if (d.status === this.frigate) return;
        this.frigate = d.status;
        if (d.status !== "online") this.headcounts.clear();
        this.emit({ type: "state", values: { frigate: d.status } });
        this.settleAvailability(`frigate ${d.status}`);
        this.settleChannels();
        return;
      case "recordings":
        return this.updateRecording(d.camera, { enabled: d.on });
      case "stream":
        if (d.role === "record") this.updateRecording(d.camera, { stream: d.status });
        return;
      case "count":
        return this.count(d.camera, d.label, d.count);
      case "object": {
        const m = this.mapped(d.after.camera);
        if (!m || (this.labels && !this.labels.has(d.after.label)) || !objectWorthReporting(d.phase, d.after, d.before)) return;
        this.emit({ type: "event", name: "camera_event", data: objectEventData(d.phase, d.after, m), deviceTime: trackedTime(d.phase, d.after) });
        return;
      }
      case "review": {
        const m = this.mapped(d.after.camera);
        if (!m || !reviewWorthReporting(d.phase, d.after, d.before)) return;
        this.emit({ type: "event", name: "camera_event", data: reviewEventData(d.phase, d.after, m), deviceTime: trackedTime(d.phase, d.after) });
        return;
      }
      case "ignored":
      case "error":
        return;
    }
  }

  /** Repeats counts not reported for `everyMs`, while Frigate is online (a count is only true while it is). */
  repeatHeadcounts(everyMs: number): void {
    if (!this.frigateOnline) return;
    const now = this.monotonic();
    for (const [camera, h] of this.headcounts) {
      const m = this.o.cameras[camera];
      if (!m || now - h.reportedAt < everyMs) continue;
      this.headcounts.set(camera, { count: h.count, reportedAt: now });
      this.emit({ type: "event", name: "camera_event", data: headcountData(camera, m, this.o.headcountLabel, h.count, true) });
    }
  }

  private mapped(camera: string): CameraMapping | undefined {
    const m = this.o.cameras[camera];
    if (!m) this.log.debug({ camera }, "message of a camera not in the device's options ignored");
    return m;
  }

  private count(camera: string, label: string, count: number): void {
    const m = this.mapped(camera);
    if (!m || label !== this.o.headcountLabel) return;
    this.headcounts.set(camera, { count, reportedAt: this.monotonic() });
    this.emit({ type: "event", name: "camera_event", data: headcountData(camera, m, label, count, false) });
    this.emit({ type: "state", values: { headcount: this.stateOf((c) => this.headcounts.get(c)?.count) } });
  }

  private updateRecording(camera: string, patch: CameraRecording): void {
    if (!this.mapped(camera)) return;
    this.recordings.set(camera, { ...this.recordings.get(camera), ...patch });
    this.settleChannels();
  }

  /** Reports every camera whose channel status changed (or became known). */
  private settleChannels(): void {
    let changed = false;
    for (const [camera, m] of Object.entries(this.o.cameras)) {
      const status = this.leaseOpen ? channelStatus(this.frigate, this.recordings.get(camera) ?? {}) : undefined;
      if (status === undefined || sameStatus(status, this.reported.get(camera))) continue;
      this.reported.set(camera, status);
      changed = true;
      this.emit({ type: "event", name: "recorder_status", data: recorderStatusData(this.deviceId, camera, m, status) });
    }
    if (changed) this.emit({ type: "state", values: { recording: this.stateOf((c) => this.reported.get(c)?.recording) } });
  }

  private settleAvailability(reason: string | undefined): void {
    const online = this.frigateOnline;
    // Unknown (connected, Frigate's retained availability not here yet) is not worth a report.
    if (online === this.online || (!online && this.leaseOpen && this.frigate === undefined)) return;
    this.online = online;
    this.emit(online ? { type: "availability", online: true } : { type: "availability", online: false, ...(reason !== undefined ? { reason } : {}) });
  }

  private stateOf<T>(value: (camera: string) => T | undefined): Record<string, T> {
    const out: Record<string, T> = {};
    for (const camera of Object.keys(this.o.cameras)) {
      const v = value(camera);
      if (v !== undefined) out[camera] = v;
    }
    return out;
  }
}
