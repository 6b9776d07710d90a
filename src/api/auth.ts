import { createHash, timingSafeEqual } from "node:crypto";
import type { SiteConfig } from "../config/schema.js";

export type ApiRole = "viewer" | "operator" | "admin";

/** What a route asks of the caller: nothing (health), reading, or commanding. */
export type Access = "public" | ApiRole;

/** The caller behind a token: its `name` is the operator id in audit records and events. */
export interface Principal {
  readonly name: string;
  readonly role: ApiRole;
}

export type AuthResult = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: "missing" | "malformed" | "unknown" };

const RANK: Record<ApiRole, number> = { viewer: 1, operator: 2, admin: 3 };

/** viewer < operator < admin: a role may do everything a lower one may. */
export function roleAllows(role: ApiRole, needed: Access): boolean {
  return needed === "public" || RANK[role] >= RANK[needed];
}

interface Entry {
  readonly digest: Buffer;
  readonly principal: Principal;
}

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * The configured bearer tokens. Tokens are compared as SHA-256 digests with `timingSafeEqual`
 * and every entry is compared on every request, so neither a token's length nor its position
 * in the list shows in the response time.
 */
export class TokenTable {
  private readonly entries: Entry[] = [];
  /** Token entries left out (unresolved secret or empty), by name, for the start log. */
  readonly unusable: string[] = [];

  constructor(tokens: SiteConfig["api"]["tokens"]) {
    for (const t of tokens) {
      // The loader resolves secret references to strings; anything else is a loader bug, never a match.
      if (typeof t.token !== "string" || t.token.length === 0) {
        this.unusable.push(t.name);
        continue;
      }
      this.entries.push({ digest: digest(t.token), principal: { name: t.name, role: t.role } });
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Checks an `Authorization` header value. */
  authenticate(header: string | undefined): AuthResult {
    if (header === undefined || header === "") return { ok: false, reason: "missing" };
    const m = /^Bearer +(\S+) *$/i.exec(header);
    if (!m) return { ok: false, reason: "malformed" };
    const given = digest(m[1]!);
    let found: Principal | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(e.digest, given) && !found) found = e.principal;
    }
    return found ? { ok: true, principal: found } : { ok: false, reason: "unknown" };
  }
}
