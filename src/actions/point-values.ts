import type { Capability } from "../drivers/contract.js";
import type { DoorAction, LockSignal } from "./door-types.js";

/**
 * Device point values ⇄ door meaning. Drivers report points in their own words: sim-door says
 * "locked"/"open", a Modbus board "on"/"off", an OSDP panel true/false. Anything not understood
 * reads as unknown (null), never as a guess.
 */

const ACTIVE_WORDS = new Set(["on", "active", "alarm", "true", "1", "high", "closed-circuit"]);
const INACTIVE_WORDS = new Set(["off", "inactive", "normal", "false", "0", "low", "idle"]);

/** true/false for a binary input value, null when it is not one. */
export function activeOf(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value === 0 ? false : value === 1 ? true : null;
  if (typeof value === "string") {
    const v = value.toLowerCase();
    if (ACTIVE_WORDS.has(v)) return true;
    if (INACTIVE_WORDS.has(v)) return false;
  }
  return null;
}

/** Input (fire panel, lockdown key switch …) active? `activeWhen` is the configured active value. */
export function inputActive(value: unknown, activeWhen: boolean | string | number | undefined): boolean | null {
  if (activeWhen === undefined) return activeOf(value);
  if (value === activeWhen) return true;
  return activeOf(value) === null && typeof value !== typeof activeWhen ? null : false;
}

/** Door open? From "open"/"closed" words, or an active/inactive contact input. */
export function contactOpen(value: unknown, activeMeans: "closed" | "open"): boolean | null {
  if (value === "open" || value === "opened") return true;
  if (value === "closed" || value === "close" || value === "shut") return false;
  const active = activeOf(value);
  if (active === null) return null;
  return activeMeans === "open" ? active : !active;
}

/** Locked? From the lock output's read-back (words or relay level). */
export function lockOutputLocked(value: unknown, signal: LockSignal): boolean | null {
  if (value === "locked" || value === "lock") return true;
  if (value === "unlocked" || value === "unlock") return false;
  if (signal.kind === "words") return null;
  const energized = value === signal.on ? true : value === signal.off ? false : activeOf(value);
  if (energized === null) return null;
  return signal.energized === "locked" ? energized : !energized;
}

/** Locked? From a bolt/bond monitor input: active means locked. */
export function lockSensorLocked(value: unknown): boolean | null {
  if (value === "locked" || value === "secure") return true;
  if (value === "unlocked" || value === "insecure") return false;
  return activeOf(value);
}

export type LockOutputMode = "auto" | "energize-to-lock" | "energize-to-unlock";

/**
 * How to drive a lock point, from the door's setting and what the driver says the point takes.
 * auto: words when the device speaks them; else a fail-safe door is a maglock (powered =
 * locked) and a fail-secure door an electric strike (powered = unlocked).
 */
export function lockSignalFor(mode: LockOutputMode, failMode: "safe" | "secure", capability: Capability | undefined): LockSignal {
  const values = capability?.kind === "enum" ? capability.values : [];
  const speaksWords = values.includes("lock") || values.includes("unlock") || values.includes("locked") || values.includes("unlocked");
  if (mode === "auto" && (speaksWords || capability === undefined)) return { kind: "words" };
  const energized = mode === "energize-to-lock" || (mode === "auto" && failMode === "safe") ? "locked" : "unlocked";
  if (capability?.kind === "binary") return { kind: "level", energized, on: capability.on, off: capability.off, pulse: false };
  return { kind: "level", energized, on: "on", off: "off", pulse: values.includes("pulse") };
}

/** Whether the device can time an unlock pulse itself (so the door relocks even if we die). */
export function hardwarePulse(signal: LockSignal): boolean {
  return signal.kind === "words" || (signal.pulse && signal.energized === "unlocked");
}

/** Command values for one lock point. "open" without a hardware pulse is sent as an unlock. */
export function lockCommandValues(point: string, action: DoorAction, signal: LockSignal, pulseMs: number): Record<string, unknown> {
  const unlocking = action !== "lock";
  if (action === "open" && hardwarePulse(signal)) return { [point]: "pulse", ms: pulseMs };
  if (signal.kind === "words") return { [point]: unlocking ? "unlock" : "lock" };
  const energize = unlocking === (signal.energized === "unlocked");
  return { [point]: energize ? signal.on : signal.off };
}

/** A plain on/off output (siren, beacon, room power): the device's own words. */
export function outputValue(on: boolean, capability: Capability | undefined): unknown {
  if (capability?.kind === "binary") return on ? capability.on : capability.off;
  return on ? "on" : "off";
}
