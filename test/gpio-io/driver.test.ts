import { afterEach, describe, expect, it } from "vitest";
import { gpioIo, GpioIoOptions } from "../../devices/gpio-io/definition.js";
import { configErrorMap } from "../../src/config/zod-issues.js";
import { contactOpen, lockCommandValues, lockSignalFor } from "../../src/actions/point-values.js";
import type { MemoryGpioBackend } from "../../src/transports/gpio-memory.js";
import { gpioRig, withoutEdges, type GpioRig } from "./fixture.js";

/** Pi-style wiring: a fail-secure strike and a siren on relays, a maglock held on, two inputs to ground. */
const SITE = {
  outputs: {
    strike: { line: 17, pulseMs: 3_000 },
    siren: { line: 22 },
    maglock: { line: 23, activeLow: true, safe: "on" },
  },
  inputs: {
    contact: { line: 27, activeLow: true, debounceMs: 30 },
    rex: { line: 5, activeLow: true, debounceMs: 50, edge: "rising" },
  },
  pollMs: 0,
};

const rigs: GpioRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});
async function rig(options: unknown = SITE, wrap?: (b: MemoryGpioBackend) => ReturnType<typeof withoutEdges>): Promise<GpioRig> {
  const r = await gpioRig(options, wrap);
  rigs.push(r);
  return r;
}

describe("gpio-io: outputs", () => {
  it("drives every output to its safe value at start and reports the read-back, with the inputs' levels", async () => {
    const r = await rig();
    expect([r.backend.get(17), r.backend.get(22), r.backend.get(23)]).toEqual([0, 0, 0]); // maglock on = low (activeLow)
    // Contacts to ground with pull-ups: the memory lines read 0, which is active for activeLow inputs.
    expect(r.messages[0]).toEqual({ type: "state", values: { strike: "off", siren: "off", maglock: "on", contact: true, rex: true } });
  });

  it("on/off write the line and answer with the read-back; activeLow inverts the level", async () => {
    const r = await rig();
    expect(await r.command({ siren: "on", maglock: "off" })).toEqual({ status: "ok", state: { siren: "on", maglock: "off" } });
    expect([r.backend.get(22), r.backend.get(23)]).toEqual([1, 1]);
    expect(r.state()).toMatchObject({ siren: "on", maglock: "off" });
    expect(await r.command({ siren: false })).toEqual({ status: "ok", state: { siren: "off" } });
    expect(r.backend.get(22)).toBe(0);
  });

  it("pulse switches on for ms (or the output's pulseMs), then off on its own", async () => {
    const r = await rig();
    expect(await r.command({ strike: "pulse", ms: 500 })).toEqual({ status: "ok", state: { strike: "on" } });
    await r.advance(499);
    expect(r.backend.get(17)).toBe(1);
    await r.advance(1);
    expect(r.backend.get(17)).toBe(0);
    expect(r.state().strike).toBe("off");
    await r.command({ strike: "pulse" });
    await r.advance(2_999);
    expect(r.backend.get(17)).toBe(1);
    await r.advance(1);
    expect(r.backend.get(17)).toBe(0);
  });

  it("a later on or off supersedes a pending pulse end", async () => {
    const r = await rig();
    await r.command({ strike: "pulse", ms: 500 });
    await r.command({ strike: "on" });
    await r.advance(1_000);
    expect(r.backend.get(17)).toBe(1);
  });

  it("refuses malformed commands whole, before touching any line", async () => {
    const r = await rig();
    for (const [values, message] of [
      [{ siren: "on", nope: "on" }, 'no output "nope" (outputs: strike, siren, maglock)'],
      [{ siren: "blink" }, 'output "siren" takes on, off or pulse, not "blink"'],
      [{ strike: "pulse", ms: 0 }, "ms must be an integer from 1 to 3600000"],
      [{ contact: "on" }, 'no output "contact" (outputs: strike, siren, maglock)'],
      [{ ms: 100 }, "the command names no output"],
    ] as const) {
      expect(await r.command(values)).toEqual({ status: "error", code: "invalid", message });
    }
    expect(r.backend.get(22)).toBe(0);
  });

  it("honours the deadline: nothing is written once it has passed or the command was aborted", async () => {
    const r = await rig();
    expect(await r.command({ siren: "on" }, { deadlineInMs: 0 })).toEqual({ status: "error", code: "timeout", message: 'deadline passed before "siren" was written' });
    const ac = new AbortController();
    ac.abort();
    expect(await r.command({ siren: "on" }, { signal: ac.signal })).toMatchObject({ status: "error", code: "timeout" });
    expect(r.backend.get(22)).toBe(0);
  });

  it("returns every output to its safe value on stop, a pending pulse included", async () => {
    const r = await rig();
    await r.command({ siren: "on", maglock: "off" });
    await r.command({ strike: "pulse", ms: 10_000 });
    await r.driver.stop("shutdown");
    expect([r.backend.get(17), r.backend.get(22), r.backend.get(23)]).toEqual([0, 0, 0]);
    expect(r.messages.at(-1)).toEqual({ type: "state", values: { strike: "off", siren: "off", maglock: "on" } });
    await r.advance(20_000);
    expect(r.backend.get(17)).toBe(0);
  });

  it("reads points back on demand", async () => {
    const r = await rig();
    await r.command({ siren: "on" });
    r.backend.set(27, 1);
    expect(await r.driver.read!(["siren", "maglock", "contact", "unknown"], new AbortController().signal)).toEqual({ siren: "on", maglock: "on", contact: false });
  });
});

describe("gpio-io: inputs", () => {
  it("a bouncing contact is reported once, after it has been quiet for debounceMs", async () => {
    const r = await rig();
    for (const v of [1, 0, 1, 0, 1] as const) {
      r.backend.set(27, v);
      await r.advance(5);
    }
    expect(r.events()).toEqual([]);
    await r.advance(24);
    expect(r.events()).toEqual([]);
    await r.advance(1);
    expect(r.events()).toEqual([{ input: "contact", value: false, previous: true }]);
    expect(r.state().contact).toBe(false);
  });

  it("a glitch that settles back to the old level is no change", async () => {
    const r = await rig();
    const before = r.messages.length;
    r.backend.set(27, 1);
    await r.advance(10);
    r.backend.set(27, 0);
    await r.advance(100);
    expect(r.messages.length).toBe(before);
  });

  it("edge: rising reports only activation as an event; the state follows both ways", async () => {
    const r = await rig();
    r.backend.set(5, 1); // button released: inactive
    await r.advance(50);
    expect(r.state().rex).toBe(false);
    expect(r.events()).toEqual([]);
    r.backend.set(5, 0); // pressed
    await r.advance(50);
    expect(r.events()).toEqual([{ input: "rex", value: true, previous: false }]);
    expect(r.state().rex).toBe(true);
  });

  it("without edge interrupts, polling at pollMs finds the change and debounces it", async () => {
    const r = await rig({ ...SITE, pollMs: 200 }, withoutEdges);
    r.backend.set(27, 1);
    await r.advance(199);
    expect(r.events()).toEqual([]);
    await r.advance(1); // poll reads the new level
    await r.advance(30); // and it holds for debounceMs
    expect(r.events()).toEqual([{ input: "contact", value: false, previous: true }]);
  });

  it("edges unavailable and pollMs 0: polls every second anyway rather than go blind", async () => {
    const r = await rig(SITE, withoutEdges);
    r.backend.set(27, 1);
    await r.advance(1_000);
    await r.advance(30);
    expect(r.state().contact).toBe(false);
  });
});

describe("gpio-io: options and what doors understand", () => {
  it("rejects shared lines, a name used twice, the reserved name ms, no points, too fast polling", () => {
    const bad = [
      [{ outputs: { a: { line: 1 } }, inputs: { b: { line: 1 } } }, 'line 1 is already used by "a"'],
      [{ outputs: { a: { line: 1 } }, inputs: { a: { line: 2 } } }, '"a" names both an output and an input'],
      [{ outputs: { ms: { line: 1 } } }, '"ms" is reserved'],
      [{}, "map at least one output or input"],
      [{ inputs: { a: { line: 1 } }, pollMs: 5 }, "0 (edges only) or at least 20 ms"],
    ] as const;
    for (const [options, message] of bad) {
      // As check-config words them (record-key issues say why the key is bad).
      expect((GpioIoOptions.safeParse(options, { error: configErrorMap }).error?.issues ?? []).map((i) => i.message).join("; ")).toContain(message);
    }
  });

  it("a door's lock on a gpio-io output opens with a pulse the driver takes; a contact input reads as open/closed", async () => {
    const o = GpioIoOptions.parse(SITE);
    const caps = gpioIo.capabilities(o);
    const strike = caps.find((c) => c.name === "strike");
    const signal = lockSignalFor("auto", "secure", strike);
    expect(signal).toEqual({ kind: "level", energized: "unlocked", on: "on", off: "off", pulse: true });
    const values = lockCommandValues("strike", "open", signal, 2_000);
    expect(values).toEqual({ strike: "pulse", ms: 2_000 });
    const r = await rig();
    expect(await r.command(values)).toEqual({ status: "ok", state: { strike: "on" } });
    expect(lockCommandValues("strike", "lock", signal, 2_000)).toEqual({ strike: "off" });
    expect(caps.find((c) => c.name === "contact")).toMatchObject({ kind: "binary", on: true, off: false });
    expect(contactOpen(r.state().contact, "closed")).toBe(false);
  });
});
