import type { Clock } from "./clock.js";
import type { EventDraft, EventEnvelope } from "./envelope.js";
import { uuidv7 } from "./ids.js";

/** Source of the gateway sequence. The store implements it durably; tests may use memory. */
export interface Sequencer {
  readonly epoch: number;
  next(): number;
}

export class MemorySequencer implements Sequencer {
  private seq = 0;
  constructor(readonly epoch = 1) {}
  next(): number {
    return ++this.seq;
  }
}

/** Stamps drafts into envelopes: one place that assigns eventId, seq, epoch, gateway time. */
export class EventFactory {
  constructor(
    private readonly centerId: string,
    private readonly clock: Clock,
    private readonly sequencer: Sequencer,
  ) {}

  make(draft: EventDraft): EventEnvelope {
    const receivedAt = draft.receivedAt ?? this.clock.now();
    return {
      ...draft,
      eventId: uuidv7(receivedAt),
      seq: this.sequencer.next(),
      epoch: this.sequencer.epoch,
      receivedAt,
      centerId: this.centerId,
    };
  }
}
