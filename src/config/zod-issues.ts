import type { z } from "zod";
import type { ConfigIssue } from "../core/errors.js";
import { joinPath } from "./raw.js";
import { didYouMean } from "./suggest.js";

type RawIssue = z.core.$ZodRawIssue;

/**
 * Error map for config parsing: messages an installer can act on ("required", "must be one of:
 * a, b", "unknown key … did you mean …"). Returning undefined keeps zod's own message; messages
 * set on the schema itself (SafeId, SecretRef) take precedence over this map.
 */
export function configErrorMap(iss: RawIssue): string | undefined {
  switch (iss.code) {
    case "invalid_type":
      return iss.input === undefined ? `required (${iss.expected})` : `expected ${iss.expected}, got ${describe(iss.input)}`;
    case "invalid_value":
      if (iss.input === undefined) return `required (one of: ${iss.values.join(", ")})`;
      return iss.values.length === 1
        ? `must be ${JSON.stringify(iss.values[0])}, got ${describe(iss.input)}`
        : `must be one of: ${iss.values.join(", ")} (got ${describe(iss.input)})`;
    case "unrecognized_keys": {
      const known = knownKeys(iss.inst);
      return iss.keys.map((k) => `unknown key "${k}"${didYouMean(k, known)}`).join("; ");
    }
    case "invalid_union":
      if ("options" in iss && Array.isArray(iss.options) && iss.options.length > 0) {
        return `must be one of: ${iss.options.join(", ")} (got ${describe(iss.input)})`;
      }
      return "does not match any allowed form";
    case "invalid_key":
      // A record key failed its own schema (e.g. rule ids): its message says why.
      return iss.issues.map((i) => i.message).join("; ") || undefined;
    case "too_small":
      return tooSmall(iss.origin, Number(iss.minimum), iss.inclusive ?? true);
    case "too_big":
      return tooBig(iss.origin, Number(iss.maximum), iss.inclusive ?? true);
    default:
      return undefined;
  }
}

/** zod issues → ConfigIssues with dotted paths, under `prefix` (e.g. `devices.1.options`). */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): ConfigIssue[] {
  return issues.map((issue) => {
    const segments = issue.path.map((p) => String(p));
    // Point at the offending key itself when there is exactly one.
    if (issue.code === "unrecognized_keys" && issue.keys.length === 1) segments.push(issue.keys[0]!);
    return { path: joinPath(prefix, ...segments), message: issue.message };
  });
}

function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

function tooSmall(origin: string, min: number, inclusive: boolean): string {
  if (origin === "array" || origin === "set") return `needs at least ${inclusive ? min : min + 1} item(s)`;
  if (origin === "string") return min <= 1 ? "must not be empty" : `needs at least ${min} characters`;
  return `must be ${inclusive ? "≥" : ">"} ${min}`;
}

function tooBig(origin: string, max: number, inclusive: boolean): string {
  if (origin === "array" || origin === "set") return `allows at most ${inclusive ? max : max - 1} item(s)`;
  if (origin === "string") return `allows at most ${max} characters`;
  return `must be ${inclusive ? "≤" : "<"} ${max}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}
