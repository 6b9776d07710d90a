import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logger.js";
import { PulseOff } from "./pulse-off.js";

const log = createLogger({ level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("pulse off", () => {
  it("switches off after the pulse, retrying while the bus is down", async () => {
    const calls: string[] = [];
    let failures = 2;
    const p = new PulseOff(async (name) => {
      calls.push(name);
      if (failures-- > 0) throw new Error("transport reopening");
    }, log, 10);
    p.schedule("strike-1", 0, 20);
    expect(p.has("strike-1")).toBe(true);
    await sleep(120);
    expect(calls).toEqual(["strike-1", "strike-1", "strike-1"]);
    expect(p.has("strike-1")).toBe(false);
  });

  it("a new command on the output cancels the pending off; stopping sends pending offs at once", async () => {
    const calls: Array<[string, number]> = [];
    const p = new PulseOff(async (name, address) => void calls.push([name, address]), log, 10);
    p.schedule("strike-1", 0, 30);
    p.cancel("strike-1");
    p.schedule("relay-2", 5, 10_000);
    await sleep(60);
    expect(calls).toEqual([]);
    await p.flush();
    expect(calls).toEqual([["relay-2", 5]]);
    expect(p.has("relay-2")).toBe(false);
  });

  it("gives up after the attempt limit and says so", async () => {
    let calls = 0;
    const p = new PulseOff(async () => {
      calls++;
      throw new Error("gone");
    }, log, 1, 3);
    p.schedule("strike-1", 0, 1);
    await sleep(60);
    expect(calls).toBe(3);
    expect(p.has("strike-1")).toBe(false);
  });
});
