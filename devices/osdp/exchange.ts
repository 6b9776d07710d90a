import type { Clock, TimerHandle } from "../../src/core/clock.js";
import type { Logger } from "../../src/core/logger.js";
import type { FrameReader } from "./frame-reader.js";
import type { PdSession, SessionUpdate } from "./pd-session.js";

/** What the driver needs from the serial lease's handle. */
export interface Writable {
  write(data: Buffer): Promise<void>;
}
export const isWritable = (h: unknown): h is Writable => typeof (h as Writable | null)?.write === "function";

/** A request frame is at most a few hundred bytes: far less than this even at 9600 baud. */
const WRITE_TIMEOUT_MS = 1000;

export interface Party {
  name: string;
  session: PdSession;
  reader: FrameReader;
}

/**
 * One request/reply on the wire: write the session's next request, feed line bytes to that
 * PD's reader until the session accepts a reply, or report the timeout. The reply timeout runs
 * from the end of the write; a write that never settles (the port lost mid-write) or a line
 * that goes down ends the exchange too, so the bus is never held forever.
 */
export class Exchanger {
  private current: { party: Party; done: (u: SessionUpdate[] | null) => void } | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly replyTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** Returns every update of the exchange, and the write error if the frame did not go out. */
  async run(party: Party, handle: Writable): Promise<{ updates: SessionUpdate[]; error?: unknown }> {
    const { frame, updates } = party.session.nextRequest(this.clock.monotonic());
    if (!frame) return { updates };
    party.reader.reset(); // anything before our request is not its reply
    const timers: TimerHandle[] = [];
    let done!: (u: SessionUpdate[] | null) => void;
    const answered = new Promise<SessionUpdate[] | null>((resolve) => (done = resolve));
    const mine = { party, done };
    this.current = mine;
    let finished = false;
    let written = false;
    let error: unknown;
    handle.write(frame).then(
      () => {
        written = true;
        if (!finished) timers.push(this.clock.setTimeout(() => done(null), this.replyTimeoutMs));
      },
      (err) => {
        error = err;
        done(null);
      },
    );
    const guard = () => {
      if (!written && error === undefined) this.log.warn({ pd: party.name }, "OSDP write did not settle; giving up on this exchange");
      done(null);
    };
    timers.push(this.clock.setTimeout(guard, this.replyTimeoutMs + WRITE_TIMEOUT_MS));
    try {
      const got = await answered;
      updates.push(...(got ?? party.session.onTimeout(this.clock.monotonic())));
    } finally {
      finished = true;
      for (const t of timers) this.clock.clearTimeout(t);
      if (this.current === mine) this.current = null;
    }
    return error === undefined ? { updates } : { updates, error };
  }

  /** Line bytes: only the exchange in progress listens; other devices' traffic is ignored. */
  onBytes(chunk: Buffer): void {
    const c = this.current;
    if (!c) return;
    for (const p of c.party.reader.push(chunk)) {
      const u = c.party.session.onPacket(p, this.clock.monotonic());
      if (u) return c.done(u);
    }
  }

  /** The line went down: the exchange in progress ends unanswered. */
  abandon(): void {
    this.current?.done(null);
  }
}
