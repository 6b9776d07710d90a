import { randomBytes } from "node:crypto";

/** Ids usable as MQTT topic levels: [a-z0-9-], no leading/trailing dash (Homie v5 rule). */
export const SAFE_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id);
}

/**
 * UUIDv7: time-ordered, so ids sort like the events they name and index well in SQLite.
 * RFC 9562 §5.7 layout: 48-bit ms timestamp, version 7, 12 random bits, variant, 62 random bits.
 */
const POOL_SIZE = 16 * 256;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

/** 16 random bytes from a pooled buffer: one syscall per 256 ids instead of one per id. */
function random16(): Buffer {
  if (poolOffset + 16 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const b = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return b;
}

export function uuidv7(nowMs: number = Date.now()): string {
  const b = random16();
  const ts = BigInt(Math.max(0, Math.floor(nowMs)));
  for (let i = 0; i < 6; i++) b[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
