/**
 * Card numbers as keyboard-wedge readers type them (PROTOCOLS.md §6). The format is set in the
 * reader (DIP switch, config card or vendor tool), so it is configured here, never guessed:
 * - decimal10: the 32-bit UID as 10 decimal digits (EM4100 readers, "0012345678")
 * - hex: the UID in hex digits, 8 (4-byte MIFARE UID, EM4100 32 bits) or 14 (7-byte UID)
 * - wiegand: Wiegand-26 facility and card, "123,45678" or the 8 digits "12345678"
 * - text: anything printable, as typed (readers with a custom prefix or suffix)
 */
export const CARD_FORMATS = ["decimal10", "hex", "wiegand", "text"] as const;
export type CardFormat = (typeof CARD_FORMATS)[number];

export interface Card {
  /** The credential as configured for people and duress cards: canonical for its format. */
  card: string;
  format: CardFormat;
  /** decimal10 and hex: the UID in upper-case hex. */
  uid?: string;
  /** wiegand: facility code (0–255) and card number (0–65535). */
  facility?: number;
  number?: number;
}

export interface CardFormatOptions {
  format: CardFormat;
  /** hex: accepted numbers of digits. */
  hexDigits: readonly number[];
}

export type ParsedCard = { ok: true; card: Card } | { ok: false; reason: string };

const fail = (reason: string): ParsedCard => ({ ok: false, reason });

export function parseCard(text: string, o: CardFormatOptions): ParsedCard {
  switch (o.format) {
    case "decimal10":
      return parseDecimal10(text);
    case "hex":
      return parseHex(text, o.hexDigits);
    case "wiegand":
      return parseWiegand(text);
    case "text":
      return /^[\x21-\x7e]+$/.test(text) ? { ok: true, card: { card: text, format: "text" } } : fail("not printable text without spaces");
  }
}

function parseDecimal10(text: string): ParsedCard {
  if (!/^\d{10}$/.test(text)) return fail(`not 10 decimal digits (${text.length} characters)`);
  const value = Number(text);
  if (value > 0xffff_ffff) return fail("larger than a 32-bit UID");
  return { ok: true, card: { card: text, format: "decimal10", uid: hex(value, 8) } };
}

function parseHex(text: string, digits: readonly number[]): ParsedCard {
  if (!/^[0-9a-fA-F]+$/.test(text)) return fail("not hex digits");
  if (!digits.includes(text.length)) return fail(`${text.length} hex digits (expected ${digits.join(" or ")})`);
  const uid = text.toUpperCase();
  return { ok: true, card: { card: uid, format: "hex", uid } };
}

function parseWiegand(text: string): ParsedCard {
  const m = /^(\d{1,3}),(\d{1,5})$/.exec(text) ?? /^(\d{3})(\d{5})$/.exec(text);
  if (!m) return fail('not "facility,card" or 8 digits');
  const facility = Number(m[1]);
  const number = Number(m[2]);
  if (facility > 0xff) return fail(`facility ${facility} is above 255`);
  if (number > 0xffff) return fail(`card ${number} is above 65535`);
  const card = `${String(facility).padStart(3, "0")},${String(number).padStart(5, "0")}`;
  return { ok: true, card: { card, format: "wiegand", facility, number } };
}

const hex = (v: number, width: number): string => v.toString(16).toUpperCase().padStart(width, "0");
