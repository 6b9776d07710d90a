import { TypedBus } from "../core/bus.js";
import type { EventDraft, EventEnvelope } from "../core/envelope.js";
import type { EventFactory } from "../core/events.js";
import type { Logger } from "../core/logger.js";
import type { LocalMessage } from "../drivers/normalizer.js";
import type { MqttHandle } from "../transports/mqtt-local.js";
import type { Outbox } from "../store/outbox.js";

/** Event types logged at info here; presence logs its own room changes in a shorter form. */
const LOGGED_AT_INFO = new Set(["DEVICE_STATUS"]);

/** Topics of the daemon's in-process bus: committed-order domain events, for engines and APIs. */
export interface DaemonBusTopics {
  event: EventEnvelope;
}

export interface PipelineStats {
  events: number;
  localPublished: number;
  localDropped: number;
}

/**
 * The one path every domain event takes: stamp (eventId, seq, gateway time) → outbox (durable)
 * → in-process listeners (engines, APIs). Stamping and appending happen in one synchronous
 * call, so seq order is commit order and there is no gap. Local MQTT topics are a live view
 * only; a publish that fails while the local broker is away is counted, not retried — the
 * retained snapshot is republished on reconnect.
 */
export class EventPipeline {
  private readonly bus: TypedBus<DaemonBusTopics>;
  private local: MqttHandle | null = null;
  readonly stats: PipelineStats = { events: 0, localPublished: 0, localDropped: 0 };

  constructor(
    private readonly factory: EventFactory,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {
    this.bus = new TypedBus<DaemonBusTopics>((topic, err) => this.log.error({ err, topic }, "event listener failed"));
  }

  attachLocal(handle: MqttHandle | null): void {
    this.local = handle;
  }

  onEvent(cb: (e: EventEnvelope) => void): () => void {
    return this.bus.on("event", cb);
  }

  record(drafts: readonly EventDraft[]): EventEnvelope[] {
    const out: EventEnvelope[] = [];
    for (const d of drafts) {
      const e = this.factory.make(d);
      this.outbox.append(e);
      out.push(e);
    }
    this.stats.events += out.length;
    for (const e of out) {
      if (e.type === "ALARM_RAISED" || e.type === "ALARM_RENOTIFIED") {
        const p = e.payload;
        this.log.warn({ seq: e.seq, type: e.type, alarmType: p.alarmType, ruleId: p.ruleId, severity: p.severity, zoneId: p.zoneId, subjects: p.subjects }, String(p.message ?? p.alarmType));
      } else if (LOGGED_AT_INFO.has(e.type)) this.log.info({ seq: e.seq, type: e.type, ...e.payload }, e.type);
      else this.log.debug({ seq: e.seq, type: e.type, ...e.payload }, e.type);
      this.bus.emit("event", e);
    }
    return out;
  }

  publishLocal(messages: readonly LocalMessage[]): void {
    const handle = this.local;
    for (const m of messages) {
      if (!handle) {
        this.stats.localDropped++;
        continue;
      }
      handle.publish(m.topic, JSON.stringify(m.payload), { qos: 1, retain: m.retain }).then(
        () => this.stats.localPublished++,
        () => this.stats.localDropped++,
      );
    }
  }
}
