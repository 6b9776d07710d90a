/**
 * Wiegand card numbers from OSDP RAW card data (bits packed MSB first):
 * - 26 bit (H10301): P(even over bits 1–12) | facility 8 | card 16 | P(odd over bits 13–24)
 * - 34 bit (H10306): P(even over bits 1–16) | facility 16 | card 16 | P(odd over bits 17–32)
 * A parity failure is reported, not hidden: the event keeps the raw bits either way.
 */
export type WiegandFormat = "wiegand26" | "wiegand34";

export interface WiegandCard {
  format: WiegandFormat;
  facility: number;
  card: number;
  parityOk: boolean;
}

const LAYOUT: Record<number, { format: WiegandFormat; facilityBits: number }> = {
  26: { format: "wiegand26", facilityBits: 8 },
  34: { format: "wiegand34", facilityBits: 16 },
};

/** Bit `i` (0 = first on the wire) of MSB-first packed data; 0 past the end. */
export const bitAt = (data: Uint8Array, i: number): number => ((data[i >> 3] ?? 0) >> (7 - (i & 7))) & 1;

function field(data: Uint8Array, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) v = v * 2 + bitAt(data, i);
  return v;
}

const ones = (data: Uint8Array, from: number, count: number): number => {
  let n = 0;
  for (let i = from; i < from + count; i++) n += bitAt(data, i);
  return n;
};

/** Decodes 26- and 34-bit cards; null for other lengths or when data holds fewer bits than claimed. */
export function decodeWiegand(bits: number, data: Uint8Array): WiegandCard | null {
  const layout = LAYOUT[bits];
  if (!layout || data.length * 8 < bits) return null;
  const half = (bits - 2) / 2;
  const evenOk = (bitAt(data, 0) + ones(data, 1, half)) % 2 === 0;
  const oddOk = (ones(data, 1 + half, half) + bitAt(data, bits - 1)) % 2 === 1;
  return {
    format: layout.format,
    facility: field(data, 1, layout.facilityBits),
    card: field(data, 1 + layout.facilityBits, 16),
    parityOk: evenOk && oddOk,
  };
}

/** Builds the wire bits of a card with correct parity (simulators, tests). */
export function encodeWiegand(format: WiegandFormat, facility: number, card: number): { bits: number; data: Uint8Array } {
  const bits = format === "wiegand26" ? 26 : 34;
  const facilityBits = LAYOUT[bits]!.facilityBits;
  if (facility < 0 || facility >= 2 ** facilityBits || card < 0 || card > 0xffff) throw new RangeError(`facility/card out of range for ${format}`);
  const payload: number[] = [];
  for (let i = facilityBits - 1; i >= 0; i--) payload.push(Math.floor(facility / 2 ** i) & 1);
  for (let i = 15; i >= 0; i--) payload.push((card >> i) & 1);
  const half = payload.length / 2;
  const first = payload.slice(0, half).reduce((a, b) => a + b, 0) % 2; // makes the first half even
  const last = 1 - (payload.slice(half).reduce((a, b) => a + b, 0) % 2); // makes the second half odd
  const all = [first, ...payload, last];
  const data = new Uint8Array(Math.ceil(bits / 8));
  all.forEach((b, i) => {
    if (b) data[i >> 3]! |= 0x80 >> (i & 7);
  });
  return { bits, data };
}
