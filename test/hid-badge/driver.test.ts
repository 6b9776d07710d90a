import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { hidBadge, HidBadgeOptions } from "../../devices/hid-badge/definition.js";
import { createHidBadgeDriver } from "../../devices/hid-badge/driver.js";
import { typeReports } from "../../devices/hid-badge/keymap.js";
import { FakeClock } from "../../src/core/clock.js";
import { FatalDriverError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import type { DeviceDriver, DeviceMessage } from "../../src/drivers/contract.js";
import type { NodeHidModule } from "../../src/transports/hid.js";
import { TransportPool } from "../../src/transports/pool.js";
import { whenState } from "../../src/transports/when-state.js";

const log = createLogger({ level: "silent" });

/** node-hid's HIDAsync as far as the HID transport uses it; `type` plays reports into it. */
class FakeReader extends EventEmitter {
  async close(): Promise<void> {}
  async write(): Promise<number> {
    return 0;
  }
  type(text: string): void {
    for (const r of typeReports(text)) this.emit("data", r);
  }
}

const pools: TransportPool[] = [];
const drivers: DeviceDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.stop("shutdown");
  for (const p of pools.splice(0)) await p.closeAll(1_000);
});

async function setup(options: Record<string, unknown> = {}) {
  const reader = new FakeReader();
  const hid = { HIDAsync: { open: async () => reader }, devicesAsync: async () => [] } as unknown as NodeHidModule;
  const pool = new TransportPool({ log, reopen: { initialMs: 10, maxMs: 20 }, hidLoader: async () => hid });
  pools.push(pool);
  const lease = pool.acquire("door-1-reader", { kind: "hid", vendorId: 0xffff, productId: 0x0035 });
  const clock = new FakeClock();
  const messages: DeviceMessage[] = [];
  const driver = createHidBadgeDriver(
    {
      deviceId: "door-1-reader",
      config: HidBadgeOptions.parse(options),
      log,
      transport: lease,
      store: { get: () => undefined, set: () => {} },
      now: () => clock.now(),
      emit: (m) => void messages.push(m),
    },
    { clock },
  );
  drivers.push(driver);
  await driver.start(new AbortController().signal);
  await whenState(lease, "open", { timeoutMs: 1_000 });
  const events = () => messages.flatMap((m) => (m.type === "event" ? [m] : []));
  const state = () => Object.assign({}, ...messages.flatMap((m) => (m.type === "state" ? [m.values] : []))) as Record<string, unknown>;
  return { reader, clock, messages, events, state, lease };
}

describe("hid-badge driver over the HID transport", () => {
  it("a card becomes card_read with the reader id and zone; no observation unless configured", async () => {
    const { reader, events, messages } = await setup({ zone: "sally-port", readerId: "sally-in" });
    reader.type("0012345678\n");
    expect(events()).toEqual([
      { type: "event", name: "card_read", data: { reader: "sally-in", zone: "sally-port", card: "0012345678", format: "decimal10", uid: "00BC614E" } },
    ]);
    expect(messages.filter((m) => m.type === "observation")).toEqual([]);
  });

  it("with observe, the card is also a reader observation (badge-carrying people); the reader id defaults to the device id", async () => {
    const { reader, messages } = await setup({ observe: true, format: "hex" });
    reader.type("04a3b2c1\n");
    expect(messages.filter((m) => m.type === "observation")).toEqual([
      { type: "observation", observation: { kind: "reader", tagId: "04A3B2C1", readerId: "door-1-reader", method: "rfid" } },
    ]);
  });

  it("the same card held on the reader is one read until it has been away for repeatMs", async () => {
    const { reader, clock, events } = await setup({ repeatMs: 1_000 });
    reader.type("0012345678\n");
    clock.advance(600);
    reader.type("0012345678\n");
    clock.advance(600);
    reader.type("0012345678\n"); // still within 1 s of the previous read: the card never left
    expect(events()).toHaveLength(1);
    reader.type("0099999999\n"); // another card is a read at once
    clock.advance(1_001);
    reader.type("0012345678\n");
    expect(events().map((e) => e.data?.card)).toEqual(["0012345678", "0099999999", "0012345678"]);
  });

  it("reads outside the configured format and unfinished reads are counted in state, never reported as cards", async () => {
    const { reader, clock, events, state } = await setup({ interKeyTimeoutMs: 100 });
    reader.type("12345\n");
    expect(state()).toEqual({ rejected: 1, lastRejectReason: "decimal10: not 10 decimal digits (5 characters)" });
    reader.type("0012");
    clock.advance(101);
    reader.type("0012345678\n");
    expect(state()).toEqual({ rejected: 2, lastRejectReason: "no terminator within the inter-key timeout" });
    expect(events().map((e) => e.data?.card)).toEqual(["0012345678"]);
  });

  it("a reader lost mid-read drops the partial read; after reopening, cards read again", async () => {
    const { reader, lease, events, state } = await setup();
    reader.type("0012");
    reader.emit("error", new Error("device disconnected"));
    await whenState(lease, "reopening", { timeoutMs: 1_000 });
    expect(state()).toMatchObject({ rejected: 1, lastRejectReason: "reader reopening during a read" });
    await whenState(lease, "open", { timeoutMs: 1_000 });
    reader.type("0012345678\n");
    expect(events().map((e) => e.data?.card)).toEqual(["0012345678"]);
  });

  it("options and capabilities", () => {
    expect(() => HidBadgeOptions.parse({ zone: "Sally Port" })).toThrow(/room or area id/);
    expect(() => HidBadgeOptions.parse({ vendorId: 1 })).toThrow();
    expect(hidBadge.capabilities(HidBadgeOptions.parse({ observe: true })).map((c) => `${c.kind}:${c.name}`)).toEqual(["event:card_read", "numeric:rejected", "presence:badge"]);
  });

  it("refuses a transport that is not HID", async () => {
    const driver = hidBadge.create({
      deviceId: "x",
      config: HidBadgeOptions.parse({}),
      log,
      transport: null,
      store: { get: () => undefined, set: () => {} },
      now: Date.now,
      emit: () => {},
    });
    await expect(driver.start(new AbortController().signal)).rejects.toBeInstanceOf(FatalDriverError);
  });
});
