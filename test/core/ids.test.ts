import { describe, expect, it } from "vitest";
import { isSafeId, uuidv7 } from "../../src/core/ids.js";

describe("ids", () => {
  it("uuidv7 has version 7, the RFC variant, the timestamp in front, and no repeats", () => {
    const t = Date.UTC(2026, 10, 26, 12, 0, 0);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = uuidv7(t);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
    const ms = parseInt(uuidv7(t).replace(/-/g, "").slice(0, 12), 16);
    expect(ms).toBe(t);
    expect(uuidv7(t + 1) > uuidv7(t)).toBe(true);
  });

  it("accepts MQTT-safe ids only", () => {
    for (const ok of ["a", "holding-1", "gw-01", "x9"]) expect(isSafeId(ok)).toBe(true);
    for (const bad of ["", "-a", "a-", "Cell1", "a+b", "a#", "a/b", "$sys", "a".repeat(65)]) expect(isSafeId(bad)).toBe(false);
  });
});
