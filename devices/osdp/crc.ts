/**
 * OSDP integrity checks (PROTOCOLS.md §3): CRC-16/AUG-CCITT (poly 0x1021, init 0x1D0F, not
 * reflected, no final XOR; sent LSB first) when CTRL bit 2 is set, otherwise an 8-bit
 * two's-complement checksum.
 */

const CRC_INIT = 0x1d0f;

/** Table-driven, one byte at a time; built once at load. */
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = CRC_INIT;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Two's complement of the 8-bit sum, so that the sum of all bytes including it is 0 mod 256. */
export function checksum8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]!) & 0xff;
  return (0x100 - sum) & 0xff;
}
