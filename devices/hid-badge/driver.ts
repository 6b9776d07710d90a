import { systemClock, type Clock } from "../../src/core/clock.js";
import { FatalDriverError } from "../../src/core/errors.js";
import type { DeviceDriver, DriverContext } from "../../src/drivers/contract.js";
import type { LeaseState } from "../../src/transports/lease.js";
import { parseCard, type Card } from "./card-format.js";
import { CARD_READ, type HidBadgeOptions } from "./definition.js";
import { KeyReportDecoder, type KeyLine } from "./key-decoder.js";
import type { Terminator } from "./keymap.js";

export interface HidBadgeDeps {
  /** Monotonic time for the inter-key timeout and repeat suppression (FakeClock in tests). */
  clock?: Clock;
}

const TERMINATORS: Record<HidBadgeOptions["terminator"], ReadonlySet<Terminator>> = {
  enter: new Set(["enter"]),
  tab: new Set(["tab"]),
  either: new Set(["enter", "tab"]),
};

/** `card_read` event data: where, and the card as configured for people and duress credentials. */
export function cardReadData(card: Card, readerId: string, zone: string | undefined): Record<string, unknown> {
  return { reader: readerId, ...(zone !== undefined && { zone }), ...card };
}

export function createHidBadgeDriver(ctx: DriverContext<HidBadgeOptions>, deps: HidBadgeDeps = {}): DeviceDriver {
  const o = ctx.config;
  const clock = deps.clock ?? systemClock;
  const readerId = o.readerId ?? ctx.deviceId;
  const decoder = new KeyReportDecoder({ interKeyTimeoutMs: o.interKeyTimeoutMs, maxLength: o.maxLength, terminators: TERMINATORS[o.terminator], reportId: o.reportId });
  const offs: Array<() => void> = [];
  let rejected = 0;
  let last: { card: string; at: number } | null = null;

  const reject = (reason: string, partial: string): void => {
    rejected++;
    // Partial reads are credential material: their text only at debug.
    ctx.log.warn({ reason, rejected }, "badge read discarded");
    ctx.log.debug({ partial }, "discarded badge read");
    ctx.emit({ type: "state", values: { rejected, lastRejectReason: reason } });
  };

  const accept = (card: Card, at: number): void => {
    const repeat = last !== null && last.card === card.card && at - last.at < o.repeatMs;
    last = { card: card.card, at };
    if (repeat) return;
    ctx.emit({ type: "event", name: CARD_READ, data: cardReadData(card, readerId, o.zone) });
    if (o.observe) ctx.emit({ type: "observation", observation: { kind: "reader", tagId: card.card, readerId, method: "rfid" } });
  };

  const handle = (lines: readonly KeyLine[], at: number): void => {
    for (const l of lines) {
      if (l.kind === "rejected") {
        reject(l.reason, l.partial);
        continue;
      }
      const parsed = parseCard(l.text, o);
      if (parsed.ok) accept(parsed.card, at);
      else reject(`${o.format}: ${parsed.reason}`, l.text);
    }
  };

  const onReport = (chunk: Buffer): void => {
    const at = clock.monotonic();
    try {
      handle(decoder.push(chunk, at), at);
    } catch (err) {
      // The decoder does not throw; this guards emit so one report never stops the reader.
      ctx.log.error({ err }, "badge report handling failed");
    }
  };

  const onLeaseState = (s: LeaseState): void => {
    if (s !== "open") handle(decoder.reset(`reader ${s} during a read`), clock.monotonic());
  };

  return {
    async start() {
      const lease = ctx.transport;
      if (!lease || lease.kind !== "hid" || !lease.onData) throw new FatalDriverError("hid-badge needs an hid transport");
      offs.push(lease.onData(onReport), lease.onStateChange(onLeaseState));
      ctx.log.info({ reader: readerId, format: o.format, transport: lease.key }, "badge reader listening");
    },
    async stop() {
      for (const off of offs.splice(0)) off();
      decoder.reset("stopped");
    },
  };
}
