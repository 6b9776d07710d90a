import { createHash } from "node:crypto";

/**
 * Hash-chain primitives shared by the outbox and the audit log. A record is stored as its
 * canonical JSON text (`body`); its link is
 *
 *     hash = hex(SHA-256(prevHash ‖ "\n" ‖ body))
 *
 * with `prevHash` the hash of the record before it (GENESIS_HASH for the first one ever).
 * Because the body is canonical, anyone holding the parsed record (the central system) can
 * rebuild the exact bytes and check the link without our storage format.
 */
export const GENESIS_HASH = "0".repeat(64);

/** The last link of a chain: the key (seq or id) of the newest record and its hash. */
export interface ChainHead {
  readonly key: number;
  readonly hash: string;
}

export function chainHash(prevHash: string, body: string): string {
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

/**
 * Canonical JSON in the sense of RFC 8785 (JCS) for the values events carry: object keys sorted
 * by UTF-16 code units, no whitespace, numbers and strings as ECMAScript serialises them. Leaves
 * follow JSON.stringify (undefined members dropped, non-finite numbers become null), so any value
 * that could be stored as JSON gets exactly one text.
 */
export function canonicalJson(value: unknown): string {
  return canon(value) ?? "null";
}

function canon(v: unknown): string | undefined {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null"; // String() and JSON agree on finite numbers
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      throw new TypeError("canonicalJson: bigint has no JSON form");
    case "object":
      break;
    default:
      return undefined; // undefined, function, symbol: dropped like JSON.stringify does
  }
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return canon(withJson.toJSON());
  // String concatenation rather than arrays and join: this runs for every accepted event.
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i > 0 ? "," : "") + (canon(v[i]) ?? "null");
    return `${out}]`;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length > 1) keys.sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const text = canon(obj[key]);
    if (text === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  return `${out}}`;
}
