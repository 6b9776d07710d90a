import { MAX_SPEED, type PresetAction, type PtzCommand } from "./codec.js";

/**
 * Command values ⇄ PTZ commands. One command does one thing:
 * - `{ goto_preset: 5 }`, `{ set_preset: 5 }`, `{ clear_preset: 5 }` (1–255)
 * - `{ stop: true }`
 * - `{ pan: "left", tilt: "up", zoom: "tele", speed: 20, pan_speed, tilt_speed, turbo: true, ms: 800 }`:
 *   any of pan/tilt/zoom; `ms` sends a stop after that long (a camera left moving keeps moving).
 */
export const PRESET_KEYS: Readonly<Record<string, PresetAction>> = { goto_preset: "goto", set_preset: "set", clear_preset: "clear" };
export const MAX_PRESET = 255;
export const MAX_MOVE_MS = 60_000;
const MOVE_KEYS = ["pan", "tilt", "zoom", "speed", "pan_speed", "tilt_speed", "turbo", "ms"] as const;
const DIRECTIONS = { pan: ["left", "right"], tilt: ["up", "down"], zoom: ["tele", "wide"] } as const;

export type ParsedPtz = { ok: true; command: PtzCommand; stopAfterMs?: number } | { ok: false; message: string };

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const fail = (message: string): ParsedPtz => ({ ok: false, message });

export function parsePtzCommand(values: Readonly<Record<string, unknown>>, defaultSpeed: number): ParsedPtz {
  const keys = Object.keys(values);
  const known = new Set<string>([...Object.keys(PRESET_KEYS), "stop", ...MOVE_KEYS]);
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length) return fail(`unknown key(s) ${unknown.join(", ")}`);

  const presetKeys = keys.filter((k) => Object.hasOwn(PRESET_KEYS, k));
  if (presetKeys.length) {
    if (keys.length !== 1) return fail(`${presetKeys[0]} cannot be combined with other keys`);
    const preset = values[presetKeys[0]!];
    if (!isInt(preset, 1, MAX_PRESET)) return fail(`preset must be an integer 1–${MAX_PRESET}`);
    return { ok: true, command: { kind: "preset", action: PRESET_KEYS[presetKeys[0]!]!, preset } };
  }
  if ("stop" in values) {
    if (keys.length !== 1 || values.stop !== true) return fail("stop is `{ stop: true }` on its own");
    return { ok: true, command: { kind: "stop" } };
  }

  const cmd: Extract<PtzCommand, { kind: "move" }> = { kind: "move" };
  for (const axis of ["pan", "tilt", "zoom"] as const) {
    const v = values[axis];
    if (v === undefined) continue;
    if (!(DIRECTIONS[axis] as readonly unknown[]).includes(v)) return fail(`${axis} is one of ${DIRECTIONS[axis].join(", ")}`);
    (cmd as Record<string, unknown>)[axis] = v;
  }
  if (!cmd.pan && !cmd.tilt && !cmd.zoom) return fail("nothing to do: give a preset, stop, or pan/tilt/zoom");
  for (const k of ["speed", "pan_speed", "tilt_speed"] as const) {
    if (values[k] !== undefined && !isInt(values[k], 0, MAX_SPEED)) return fail(`${k} must be an integer 0–${MAX_SPEED}`);
  }
  const speed = (values.speed as number | undefined) ?? defaultSpeed;
  if (cmd.pan) cmd.panSpeed = (values.pan_speed as number | undefined) ?? speed;
  if (cmd.tilt) cmd.tiltSpeed = (values.tilt_speed as number | undefined) ?? speed;
  if (values.turbo !== undefined) {
    if (typeof values.turbo !== "boolean") return fail("turbo is true or false");
    if (values.turbo) cmd.turbo = true;
  }
  if (values.ms === undefined) return { ok: true, command: cmd };
  if (!isInt(values.ms, 1, MAX_MOVE_MS)) return fail(`ms must be an integer 1–${MAX_MOVE_MS}`);
  return { ok: true, command: cmd, stopAfterMs: values.ms };
}
