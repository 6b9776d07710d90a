/**
 * OSDP reference bytes from PROTOCOLS.md §3: the Annex E CRC/checksum and secure-channel
 * vectors, and the libosdp CP ↔ PD exchange captured at address 0x65 with socat -x.
 */
export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

export const CRC_VECTORS = [
  { input: "53 7F 0D 00 04 6E 00 80 25 00 00", crc: "6E 38" },
  { input: "53 00 09 00 04 61 00", crc: "C0 66" },
] as const;

export const CHECKSUM_VECTORS = [
  { input: "53 7F 0C 00 00 6E 00 80 25 00 00", checksum: "0F" },
  { input: "53 00 08 00 00 61 00", checksum: "44" },
] as const;

export const ANNEX_E = {
  scbkD: "30 31 32 33 34 35 36 37 38 39 3A 3B 3C 3D 3E 3F",
  rndA: "B0 B1 B2 B3 B4 B5 B6 B7",
  rndB: "A0 A1 A2 A3 A4 A5 A6 A7",
  sEnc: "BF 8D C2 A8 32 9A CB 8C 67 C6 D0 CD 9A 45 16 82",
  sMac1: "5E 86 C6 76 60 3B DE E2 D8 BE AF E1 78 63 73 32",
  sMac2: "6F DA 86 E8 57 77 7E 81 13 20 35 75 82 39 17 2E",
  /** The CP's cryptogram, sent in SCRYPT. */
  hostCryptogram: "26 D3 35 6E 07 76 2D 26 28 01 FC 8E 66 65 A8 91",
  /** The PD's cryptogram, sent in CCRYPT. */
  clientCryptogram: "FD E5 D2 F4 28 EC 16 31 24 71 EA 3C 02 BD 77 96",
  rmacI: "B2 A3 00 57 EB 98 BA 22 29 EC 1F 87 56 62 B5 24",
} as const;

/** In wire order; `cp` lines include the 0xFF mark. */
export const CAPTURE = {
  id: { cp: "ff 53 65 09 00 04 61 00 d9 7a" },
  pdid: { pd: "53 e5 14 00 04 45 be ba fe 01 01 af be ad de ad de ad 07 fd" },
  cap: { cp: "ff 53 65 09 00 05 62 00 ba 18" },
  pdcap: { pd: "53 e5 20 00 05 46 01 01 04 02 01 01 04 01 01 05 01 01 08 01 00 09 01 00 0a 00 01 10 02 00 8b ca" },
  poll: { cp: "ff 53 65 08 00 06 60 02 f6" },
  ack: { pd: "53 e5 08 00 06 40 b0 f0" },
  out: { cp: "ff 53 65 0c 00 07 68 00 02 00 00 34 f0" },
  buz: { cp: "ff 53 65 0d 00 05 6a 00 02 01 01 01 bf cf" },
  raw: { pd: "53 e5 10 00 05 50 00 01 1a 00 a5 5a c3 40 28 91" },
} as const;
