/** A pulse longer than an hour is a mistake, not a door release. */
export const MAX_PULSE_MS = 3_600_000;

export type OutputAction = { output: string; action: "on" | "off" } | { output: string; action: "pulse"; ms: number };

export type ParsedOutputCommand = { ok: true; actions: OutputAction[] } | { ok: false; message: string };

/**
 * `{ "<output>": "on" | "off" | "pulse", ms? }` with any number of outputs (true/false are on/off).
 * `ms` is the pulse length for every pulsed output; each output's own pulseMs otherwise. All or
 * nothing: one bad key refuses the whole command, before any line is touched.
 */
export function parseOutputCommand(values: Readonly<Record<string, unknown>>, pulseMsOf: ReadonlyMap<string, number>): ParsedOutputCommand {
  const ms = values.ms;
  if (ms !== undefined && (typeof ms !== "number" || !Number.isInteger(ms) || ms < 1 || ms > MAX_PULSE_MS)) {
    return { ok: false, message: `ms must be an integer from 1 to ${MAX_PULSE_MS}` };
  }
  const actions: OutputAction[] = [];
  for (const [output, value] of Object.entries(values)) {
    if (output === "ms") continue;
    const defaultMs = pulseMsOf.get(output);
    if (defaultMs === undefined) return { ok: false, message: `no output "${output}" (outputs: ${[...pulseMsOf.keys()].join(", ") || "none"})` };
    if (value === "on" || value === true) actions.push({ output, action: "on" });
    else if (value === "off" || value === false) actions.push({ output, action: "off" });
    else if (value === "pulse") actions.push({ output, action: "pulse", ms: (ms as number | undefined) ?? defaultMs });
    else return { ok: false, message: `output "${output}" takes on, off or pulse, not ${JSON.stringify(value)}` };
  }
  if (actions.length === 0) return { ok: false, message: "the command names no output" };
  return { ok: true, actions };
}
