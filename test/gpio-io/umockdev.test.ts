import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireUmockdev, runUnderUmockdev, UMOCKDEV_INSTALL } from "../helpers/umockdev.js";

/**
 * gpio-io through the supervisor, the pool and unmodified onoff on sysfs files faked by umockdev
 * (PROTOCOLS.md §7). Edge interrupts cannot be emulated there (regular files cannot be polled),
 * so the contact change is found by the driver's input polling, as on a kernel without IRQs.
 */
const CHILD = join(import.meta.dirname, "umockdev-child.ts");

interface ChildResult {
  error?: string;
  afterStart: Record<string, Record<string, string>>;
  command: unknown;
  strikeDuringPulse: string;
  sirenOn: string;
  afterStop: Record<string, string>;
  messages: Array<Record<string, unknown>>;
}

describe("gpio-io on sysfs GPIO through onoff under umockdev", () => {
  beforeAll(() => requireUmockdev());

  it("safe values at start, a timed strike pulse, a polled and debounced contact, safe values again at stop", async () => {
    const r = await runUnderUmockdev<ChildResult>([], CHILD, []);
    if (r.error) throw new Error(`${r.error} (needs: ${UMOCKDEV_INSTALL}, and onoff's epoll addon built)`);
    // Line 17 of gpiochip0 is gpio529: the base was read from sysfs, not assumed.
    expect(r.afterStart).toEqual({
      strike: { direction: "out", value: "0", edge: "none" },
      siren: { direction: "out", value: "1", edge: "none" }, // activeLow: off is high
      contact: { direction: "in", value: "1", edge: "both" },
    });
    expect(r.messages.find((m) => m.type === "state")).toEqual({ type: "state", values: { strike: "off", siren: "off", contact: true } });
    expect(r.command).toEqual({ status: "ok", state: { strike: "on" } });
    expect(r.strikeDuringPulse).toBe("1");
    expect(r.sirenOn).toBe("0");
    const changes = r.messages.filter((m) => m.type === "event");
    expect(changes).toEqual([{ type: "event", name: "input_changed", data: { input: "contact", value: false, previous: true } }]);
    expect(r.afterStop.strike).toBe("0");
    expect(r.afterStop.siren).toBe("1");
    expect(["529", "534", "539"]).toContain(r.afterStop.unexport);
  });
});
