import { describe, expect, it } from "vitest";
import { parsePtzCommand } from "./commands.js";

describe("Pelco command values", () => {
  it("presets, stop and moves", () => {
    expect(parsePtzCommand({ goto_preset: 5 }, 32)).toEqual({ ok: true, command: { kind: "preset", action: "goto", preset: 5 } });
    expect(parsePtzCommand({ set_preset: 12 }, 32)).toEqual({ ok: true, command: { kind: "preset", action: "set", preset: 12 } });
    expect(parsePtzCommand({ clear_preset: 255 }, 32)).toEqual({ ok: true, command: { kind: "preset", action: "clear", preset: 255 } });
    expect(parsePtzCommand({ stop: true }, 32)).toEqual({ ok: true, command: { kind: "stop" } });
    expect(parsePtzCommand({ pan: "left", tilt: "down", zoom: "wide", tilt_speed: 3, ms: 500 }, 32)).toEqual({
      ok: true,
      command: { kind: "move", pan: "left", tilt: "down", zoom: "wide", panSpeed: 32, tiltSpeed: 3 },
      stopAfterMs: 500,
    });
    expect(parsePtzCommand({ pan: "right", speed: 10, turbo: true }, 32)).toEqual({ ok: true, command: { kind: "move", pan: "right", panSpeed: 10, turbo: true } });
  });

  it("rejects what the camera cannot do", () => {
    for (const bad of [
      {},
      { goto_preset: 0 },
      { goto_preset: 256 },
      { goto_preset: 1.5 },
      { goto_preset: 1, pan: "left" },
      { stop: false },
      { stop: true, zoom: "tele" },
      { pan: "up" },
      { pan: "left", speed: 64 },
      { pan: "left", ms: 0 },
      { pan: "left", turbo: "yes" },
      { speed: 10 },
      { focus: "near" },
    ]) {
      expect(parsePtzCommand(bad, 32), JSON.stringify(bad)).toMatchObject({ ok: false });
    }
  });
});
