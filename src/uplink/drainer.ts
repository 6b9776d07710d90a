import type { Outbox, OutboxRow } from "../store/outbox.js";
import type { Link } from "./connection.js";
import type { UplinkTopics } from "./topics.js";

export interface DrainOptions {
  /** Most QoS 1 publishes awaiting PUBACK; also capped by the broker's Receive Maximum. */
  inflightWindow: number;
  /** Most events published but not yet acked end-to-end by central (bounds the broker's queue). */
  unackedWindow: number;
  /** No ack progress for this long while events are unacked: publish again from the last ack. */
  ackTimeoutMs: number;
  /** Rows read from the outbox per query during replay. */
  readAhead: number;
}

export interface DrainStats {
  /** Next seq to publish. */
  nextSeq: number;
  inflight: number;
  /** seqs ≤ this were committed before the current drain session (published as historical). */
  liveAfter: number;
  published: number;
  rewinds: number;
  pubackErrors: number;
}

/**
 * Publishes the outbox to central in seq order over one link at a time.
 *
 * Flow control has two windows: the MQTT one (publishes awaiting PUBACK ≤ Receive Maximum) and
 * the end-to-end one (published but not acked by central). PUBACK proves only that the broker
 * took the message; a broker still drops QoS 1 messages queued for a slow or absent consumer.
 * So nothing is forgotten until central acks it, and when acks stop advancing the drainer goes
 * back to the first unacked seq and publishes again (go-back-N). Central dedupes by eventId/seq.
 */
export class Drainer {
  private link: Link | undefined;
  private nextSeq = 1;
  private inflight = 0;
  private liveAfter = 0;
  private buffer: OutboxRow[] = [];
  private bufferAt = 0;
  private lastProgressAt = 0;
  private lastFloor = 0;
  private published = 0;
  private rewinds = 0;
  private pubackErrors = 0;
  private pumping = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly topics: UplinkTopics,
    private readonly opts: DrainOptions,
    private readonly now: () => number,
  ) {}

  /** Start a drain session on a link whose central host is online; replays from the last ack. */
  begin(link: Link): void {
    this.link = link;
    this.inflight = 0;
    this.liveAfter = this.outbox.committedSeq;
    this.rewind(false);
    this.pump();
  }

  /** The link went down or central went offline: stop publishing; unacked events stay in the outbox. */
  end(): void {
    this.link = undefined;
    this.inflight = 0;
    this.buffer = [];
    this.bufferAt = 0;
  }

  get active(): boolean {
    return this.link !== undefined;
  }

  /** Central acked through `upTo` (the outbox has already deleted those rows). */
  acked(): void {
    this.noteProgress();
    this.pump();
  }

  /** Periodic check: go back to the first unacked seq when acks have stalled. */
  tick(): void {
    this.noteProgress();
    if (!this.link) return;
    const unacked = this.nextSeq - 1 - this.outbox.floorSeq;
    // The ack clock runs only while something is waiting for an ack, so an idle spell
    // before a publish does not count against it.
    if (unacked <= 0) this.lastProgressAt = this.now();
    else if (this.now() - this.lastProgressAt >= this.opts.ackTimeoutMs) {
      this.rewind(true);
      this.pump();
    }
  }

  pump(): void {
    if (this.pumping) return; // a PUBACK callback fired synchronously inside publish
    this.pumping = true;
    try {
      this.fill();
    } finally {
      this.pumping = false;
    }
  }

  stats(): DrainStats {
    return { nextSeq: this.nextSeq, inflight: this.inflight, liveAfter: this.liveAfter, published: this.published, rewinds: this.rewinds, pubackErrors: this.pubackErrors };
  }

  private fill(): void {
    const link = this.link;
    if (!link) return;
    const window = Math.min(this.opts.inflightWindow, link.receiveMaximum);
    while (this.link === link && this.inflight < window) {
      const floor = this.outbox.floorSeq;
      if (this.nextSeq <= floor) this.skipTo(floor + 1); // acked or dropped meanwhile
      if (this.nextSeq > this.outbox.committedSeq) return;
      if (this.nextSeq - 1 - floor >= this.opts.unackedWindow) return;
      const row = this.take();
      if (!row) return;
      this.nextSeq = row.seq + 1;
      this.inflight++;
      this.published++;
      link.publish(this.topics.event(row.category), wireMessage(row, row.seq <= this.liveAfter), { qos: 1 }, (err) => {
        if (this.link !== link) return; // a callback from a session that has ended
        this.inflight--;
        if (err) this.pubackErrors++; // re-sent by the ack timeout, never counted as delivered
        this.pump();
      });
    }
  }

  private take(): OutboxRow | undefined {
    let row = this.buffer[this.bufferAt];
    if (!row || row.seq !== this.nextSeq) {
      this.buffer = this.outbox.readRows(this.nextSeq, this.opts.readAhead);
      this.bufferAt = 0;
      row = this.buffer[0];
      if (!row) return undefined;
    }
    this.bufferAt++;
    return row;
  }

  private skipTo(seq: number): void {
    this.nextSeq = seq;
    this.buffer = [];
    this.bufferAt = 0;
  }

  private rewind(count: boolean): void {
    if (count) this.rewinds++;
    this.skipTo(this.outbox.floorSeq + 1);
    this.lastFloor = this.outbox.floorSeq;
    this.lastProgressAt = this.now();
  }

  private noteProgress(): void {
    const floor = this.outbox.floorSeq;
    if (floor !== this.lastFloor) {
      this.lastFloor = floor;
      this.lastProgressAt = this.now();
    }
  }
}

/**
 * The event message: the stored canonical envelope with the transport facts appended. Built by
 * text so replaying a large backlog does not parse and re-serialise every event.
 */
export function wireMessage(row: OutboxRow, historical: boolean): string {
  return `${row.body.slice(0, -1)},"historical":${historical},"prevHash":"${row.prevHash}","hash":"${row.hash}"}`;
}
