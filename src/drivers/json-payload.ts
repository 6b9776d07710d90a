/**
 * JSON payload helpers shared by drivers that take JSON over MQTT: bounded, UTF-8-checked
 * parsing that never throws, and device timestamps in the forms gateways send them.
 */
export type Payload = Uint8Array | string;
export type JsonObject = Record<string, unknown>;
export type Parsed = { ok: true; value: JsonObject } | { ok: false; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** The payload as text, or undefined when it is not valid UTF-8. */
export function decodeUtf8(payload: Payload): string | undefined {
  if (typeof payload === "string") return payload;
  try {
    return utf8.decode(payload);
  } catch {
    return undefined;
  }
}

const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function parseJsonObject(payload: Payload, maxBytes: number): Parsed {
  const size = typeof payload === "string" ? Buffer.byteLength(payload) : payload.byteLength;
  if (size === 0) return { ok: false, reason: "empty payload" };
  if (size > maxBytes) return { ok: false, reason: `payload too large (${size} > ${maxBytes} bytes)` };
  const text = decodeUtf8(payload);
  if (text === undefined) return { ok: false, reason: "payload is not UTF-8" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "payload is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "payload is not a JSON object" };
  return { ok: true, value: value as JsonObject };
}

/** Gateway timestamps appear as epoch seconds, epoch ms or ISO text depending on firmware; unknown forms are dropped. */
export function parseDeviceTime(v: unknown): number | undefined {
  if (isFiniteNumber(v)) {
    if (v > 1e12 && v < 1e14) return Math.round(v);
    if (v > 1e9 && v < 1e11) return Math.round(v * 1000);
    return undefined;
  }
  if (typeof v === "string" && v.length <= 64) {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}
