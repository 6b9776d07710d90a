import { Cmd, encodeBuzzer, encodeLed, encodeOut, LedColor, LedControl, OutputControl, type LedColorName } from "./commands.js";
import type { OsdpOptions, OsdpPdOptions } from "./definition.js";

/**
 * Command values → one OSDP command for one PD. Accepted shapes:
 * - `{ output: 0 | "strike" | "cell-1.strike", action: "on" | "off" | "pulse", ms?, pd? }`
 * - `{ led: "green" | … | "off", ms?, flash?, reader?, number?, pd? }` (with ms: for that long, then back)
 * - `{ buzzer: "beep" | "off", ms?, count?, reader?, pd? }`
 * - set style, one point key plus parameters: `{ "cell-1.strike": "on" | "off" | "pulse" | true | false, ms? }`,
 *   `{ "cell-1.led": "red", ms? }`, `{ "cell-1.buzzer": "beep" }` (what the door controller sends)
 * `pd` (name or address) may be left out when the bus has one PD or the point names it.
 */
export interface OsdpAction {
  pd: OsdpPdOptions;
  code: number;
  data: Uint8Array;
  /** State to report once the PD accepted the command. */
  state: Record<string, unknown>;
  /** A pulse ends by itself: re-read the outputs after this many ms. */
  refreshAfterMs?: number;
}

export type ParsedAction = { ok: true; action: OsdpAction } | { ok: false; message: string };

const fail = (message: string): ParsedAction => ({ ok: false, message });
const isColor = (c: unknown): c is LedColorName => typeof c === "string" && c in LedColor;
/** OSDP times are in 100 ms units; round up so a short pulse is never zero. */
const ticks = (ms: number, max: number): number => Math.min(max, Math.max(1, Math.ceil(ms / 100)));

export function outputName(pd: OsdpPdOptions, n: number): string {
  return `${pd.name}.${pd.outputs.find((o) => o.number === n)?.name ?? `output${n}`}`;
}

export function inputName(pd: OsdpPdOptions, n: number): string {
  return `${pd.name}.${pd.inputs.find((i) => i.number === n)?.name ?? `input${n}`}`;
}

export function parseAction(values: Record<string, unknown>, o: OsdpOptions): ParsedAction {
  const pointKeys = Object.keys(values).filter((k) => k.includes("."));
  if (pointKeys.length > 1) return fail(`one point per command, got ${pointKeys.join(", ")}`);
  if (pointKeys.length === 1) return parseSetStyle(pointKeys[0]!, values, o);
  if ("output" in values) return parseOutput(values, o);
  if ("led" in values) return parseLed(values, o);
  if ("buzzer" in values) return parseBuzzer(values, o);
  return fail(`no OSDP action in ${JSON.stringify(values)}; use output, led or buzzer`);
}

function parseSetStyle(key: string, values: Record<string, unknown>, o: OsdpOptions): ParsedAction {
  const dot = key.lastIndexOf(".");
  const [pdName, point] = [key.slice(0, dot), key.slice(dot + 1)];
  const { [key]: value, ...params } = values;
  if (point === "led") return parseLed({ ...params, pd: pdName, led: value }, o);
  if (point === "buzzer") return parseBuzzer({ ...params, pd: pdName, buzzer: value }, o);
  const action = value === true ? "on" : value === false ? "off" : value;
  return parseOutput({ ...params, pd: pdName, output: point, action }, o);
}

function findPd(values: Record<string, unknown>, o: OsdpOptions, hint?: string): OsdpPdOptions | string {
  const want = values.pd ?? hint;
  if (want === undefined) return o.pds.length === 1 ? o.pds[0]! : `this bus has ${o.pds.length} PDs; say which with pd`;
  const pd = o.pds.find((p) => p.name === want || p.address === want);
  return pd ?? `no PD ${JSON.stringify(want)} on this bus (${o.pds.map((p) => p.name).join(", ")})`;
}

function parseOutput(v: Record<string, unknown>, o: OsdpOptions): ParsedAction {
  let hint: string | undefined;
  let point = v.output;
  if (typeof point === "string" && point.includes(".")) [hint, point] = [point.slice(0, point.lastIndexOf(".")), point.slice(point.lastIndexOf(".") + 1)];
  const pd = findPd(v, o, hint);
  if (typeof pd === "string") return fail(pd);
  const configured = pd.outputs.find((out) => out.name === point || out.number === point);
  const number = configured?.number ?? (typeof point === "number" ? point : Number(/^output(\d+)$/.exec(String(point))?.[1] ?? NaN));
  if (!Number.isInteger(number) || number < 0 || number > 255) return fail(`PD ${pd.name} has no output ${JSON.stringify(v.output)}`);
  const name = outputName(pd, number);
  const ms = v.ms ?? configured?.pulseMs ?? 5000;
  if (typeof ms !== "number" || !(ms > 0)) return fail("ms must be a positive number");
  const record = (control: number, timer100ms = 0) => encodeOut([{ output: number, control, timer100ms }]);
  switch (v.action) {
    case "on":
      return { ok: true, action: { pd, code: Cmd.OUT, data: record(OutputControl.PERMANENT_ON), state: { [name]: "on" } } };
    case "off":
      return { ok: true, action: { pd, code: Cmd.OUT, data: record(OutputControl.PERMANENT_OFF), state: { [name]: "off" } } };
    case "pulse":
      return { ok: true, action: { pd, code: Cmd.OUT, data: record(OutputControl.TEMPORARY_ON, ticks(ms, 0xffff)), state: { [name]: "on" }, refreshAfterMs: ms + 100 } };
    default:
      return fail(`action must be on, off or pulse, not ${JSON.stringify(v.action)}`);
  }
}

function parseLed(v: Record<string, unknown>, o: OsdpOptions): ParsedAction {
  const pd = findPd(v, o);
  if (typeof pd === "string") return fail(pd);
  const color = v.led === "off" ? "black" : v.led;
  if (!isColor(color)) return fail(`led must be off or one of ${Object.keys(LedColor).join(", ")}`);
  const reader = typeof v.reader === "number" ? v.reader : 0;
  const led = typeof v.number === "number" ? v.number : 0;
  const c = LedColor[color];
  const steady = { onTime: v.flash ? 5 : 1, offTime: v.flash ? 5 : 0, onColor: c, offColor: LedColor.black };
  const temporary = typeof v.ms === "number" && v.ms > 0;
  const rec = {
    reader,
    led,
    temporary: temporary ? { control: LedControl.SET_TEMPORARY, ...steady, timer100ms: ticks(v.ms as number, 0xffff) } : { control: LedControl.NOP, onTime: 0, offTime: 0, onColor: 0, offColor: 0, timer100ms: 0 },
    permanent: temporary ? { control: LedControl.NOP, onTime: 0, offTime: 0, onColor: 0, offColor: 0 } : { control: LedControl.CANCEL_OR_SET, ...steady },
  };
  return { ok: true, action: { pd, code: Cmd.LED, data: encodeLed([rec]), state: {} } };
}

function parseBuzzer(v: Record<string, unknown>, o: OsdpOptions): ParsedAction {
  const pd = findPd(v, o);
  if (typeof pd === "string") return fail(pd);
  const reader = typeof v.reader === "number" ? v.reader : 0;
  if (v.buzzer === "off") return { ok: true, action: { pd, code: Cmd.BUZ, data: encodeBuzzer({ reader, tone: 1, onTime: 0, offTime: 0, count: 0 }), state: {} } };
  if (v.buzzer !== "beep") return fail("buzzer must be beep or off");
  const onTime = ticks(typeof v.ms === "number" ? v.ms : 200, 0xff);
  const count = typeof v.count === "number" ? Math.min(255, Math.max(1, Math.round(v.count))) : 1;
  return { ok: true, action: { pd, code: Cmd.BUZ, data: encodeBuzzer({ reader, tone: 2, onTime, offTime: onTime, count }), state: {} } };
}
