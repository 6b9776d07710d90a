/**
 * Boot-keyboard usage ids (HID Usage Tables, page 0x07) ⇄ characters, US layout, as keyboard-wedge
 * badge readers type them (PROTOCOLS.md §6). Only what a card number can contain is mapped:
 * letters, digits, the keypad, and the punctuation readers use between facility and card.
 */

export const LEFT_SHIFT = 0x02;
export const RIGHT_SHIFT = 0x20;
const SHIFT = LEFT_SHIFT | RIGHT_SHIFT;

export const KEY = {
  /** The keyboard reports more keys than it can: every slot says 0x01, the report is no state. */
  ERROR_ROLLOVER: 0x01,
  POST_FAIL: 0x02,
  ERROR_UNDEFINED: 0x03,
  ENTER: 0x28,
  TAB: 0x2b,
  KEYPAD_ENTER: 0x58,
} as const;

export type Terminator = "enter" | "tab";

/** [unshifted, shifted] characters by usage id. */
const CHARS = new Map<number, readonly [string, string]>();
for (let i = 0; i < 26; i++) CHARS.set(0x04 + i, [String.fromCharCode(0x61 + i), String.fromCharCode(0x41 + i)]);
const SHIFTED_DIGITS = "!@#$%^&*()";
for (let i = 0; i < 10; i++) CHARS.set(0x1e + i, [String((i + 1) % 10), SHIFTED_DIGITS[i]!]);
for (const [usage, plain, shifted] of [
  [0x2c, " ", " "],
  [0x2d, "-", "_"],
  [0x2e, "=", "+"],
  [0x33, ";", ":"],
  [0x36, ",", "<"],
  [0x37, ".", ">"],
  [0x38, "/", "?"],
] as const) {
  CHARS.set(usage, [plain, shifted]);
}
// The keypad ignores Shift (Num Lock on, as readers that use it assume).
for (let i = 0; i < 10; i++) CHARS.set(0x59 + i, [String((i + 1) % 10), String((i + 1) % 10)]);
for (const [usage, ch] of [[0x54, "/"], [0x55, "*"], [0x56, "-"], [0x57, "+"], [0x63, "."]] as const) CHARS.set(usage, [ch, ch]);

/** The character a key-down of `usage` types, or undefined for keys a card never contains. */
export function keyChar(usage: number, modifiers: number): string | undefined {
  const pair = CHARS.get(usage);
  return pair === undefined ? undefined : pair[modifiers & SHIFT ? 1 : 0];
}

/** Which terminator `usage` is, if any. Enter and keypad Enter are the same to a reader. */
export function terminatorOf(usage: number): Terminator | undefined {
  if (usage === KEY.ENTER || usage === KEY.KEYPAD_ENTER) return "enter";
  if (usage === KEY.TAB) return "tab";
  return undefined;
}

/** Reverse map for the encoder: the first (main-block) key that types each character. */
const USAGE_OF = new Map<string, { usage: number; shift: boolean }>();
for (const [usage, [plain, shifted]] of CHARS) {
  if (usage >= 0x54) continue;
  if (!USAGE_OF.has(plain)) USAGE_OF.set(plain, { usage, shift: false });
  if (!USAGE_OF.has(shifted)) USAGE_OF.set(shifted, { usage, shift: true });
}
USAGE_OF.set("\n", { usage: KEY.ENTER, shift: false });
USAGE_OF.set("\t", { usage: KEY.TAB, shift: false });

/**
 * The 8-byte boot reports a reader sends to type `text` ("\n" = Enter, "\t" = Tab): a key-down
 * report per character, each followed by the all-zero release. For simulators and tests.
 */
export function typeReports(text: string, reportId?: number): Buffer[] {
  const out: Buffer[] = [];
  const withId = (b: Buffer) => (reportId === undefined ? b : Buffer.concat([Buffer.of(reportId), b]));
  for (const ch of text) {
    const k = USAGE_OF.get(ch);
    if (!k) throw new RangeError(`a badge reader cannot type ${JSON.stringify(ch)}`);
    out.push(withId(Buffer.from([k.shift ? LEFT_SHIFT : 0, 0, k.usage, 0, 0, 0, 0, 0])), withId(Buffer.alloc(8)));
  }
  return out;
}
