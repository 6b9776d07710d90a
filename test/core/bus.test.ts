import { describe, expect, it } from "vitest";
import { TypedBus } from "../../src/core/bus.js";

describe("typed bus", () => {
  it("delivers in subscription order, isolates a throwing listener, and unsubscribes", () => {
    const errors: string[] = [];
    const bus = new TypedBus<{ n: number }>((topic, err) => errors.push(`${topic}:${(err as Error).message}`));
    const seen: string[] = [];
    bus.on("n", (v) => seen.push(`a${v}`));
    const offB = bus.on("n", () => {
      throw new Error("broken");
    });
    bus.on("n", (v) => seen.push(`c${v}`));
    bus.emit("n", 1);
    offB();
    bus.emit("n", 2);
    expect(seen).toEqual(["a1", "c1", "a2", "c2"]);
    expect(errors).toEqual(["n:broken"]);
    expect(bus.listenerCount("n")).toBe(2);
  });
});
