import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ConfigIssue } from "../core/errors.js";
import { asObject, entries, field, joinPath } from "./raw.js";
import type { SecretRef } from "./schema.js";

export type SecretResult = { ok: true; value: string } | { ok: false; issue: ConfigIssue };

/**
 * `{ env: NAME }` → that environment variable; `{ file: P }` → the file's contents, trimmed
 * (P relative to the working directory, like every other path in the config; systemd
 * LoadCredential files live under $CREDENTIALS_DIRECTORY and are best given absolute);
 * `{ credential: NAME }` → $CREDENTIALS_DIRECTORY/NAME (systemd LoadCredential=);
 * a plain string is the secret itself (development only).
 */
export function resolveSecret(ref: SecretRef, path: string, env: NodeJS.ProcessEnv = process.env): SecretResult {
  if (typeof ref === "string") return { ok: true, value: ref };
  if ("env" in ref) {
    const value = env[ref.env];
    if (value === undefined || value === "") {
      return { ok: false, issue: { path, message: `environment variable ${ref.env} is not set (or empty)` } };
    }
    return { ok: true, value };
  }
  if ("credential" in ref) {
    // systemd LoadCredential=/SetCredentialEncrypted=: the file exists only while the unit runs.
    const dir = env.CREDENTIALS_DIRECTORY;
    if (!dir) {
      return {
        ok: false,
        issue: { path, message: `credential ${ref.credential} needs CREDENTIALS_DIRECTORY (set by systemd LoadCredential=; to check by hand, point it at the credential store)` },
      };
    }
    return readSecretFile(join(dir, ref.credential), path);
  }
  return readSecretFile(ref.file, path);
}

function readSecretFile(file: string, path: string): SecretResult {
  try {
    return { ok: true, value: readFileSync(file, "utf8").trim() };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { ok: false, issue: { path, message: `cannot read secret file ${file} (${reason})` } };
  }
}

/**
 * Resolves every secret of a config-shaped document IN PLACE: after a clean load each SecretRef
 * field (localBroker.password, uplink.password, uplink.tls.key, api.tokens[].token) holds the
 * plain string, so consumers read `config.uplink.password` and use `secretText()` to narrow the
 * type. Works on raw documents too (only to collect issues); malformed refs are left to the schema.
 */
export function resolveSecrets(doc: unknown, env: NodeJS.ProcessEnv = process.env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const slot of secretSlots(doc)) {
    const ref = slot.owner[slot.key];
    if (!isSecretRef(ref)) continue;
    const result = resolveSecret(ref, slot.path, env);
    if (result.ok) slot.owner[slot.key] = result.value;
    else issues.push(result.issue);
  }
  return issues;
}

/** A resolved secret as a string; throws if handed an unresolved `{env}`/`{file}` reference. */
export function secretText(ref: SecretRef | undefined): string | undefined {
  if (ref === undefined || typeof ref === "string") return ref;
  throw new Error(`secret ${JSON.stringify(ref)} was not resolved; load the config with loadConfig()`);
}

interface Slot {
  owner: Record<string, unknown>;
  key: string;
  path: string;
}

/** Where SecretRefs live in SiteConfig; keep in step with schema.ts. */
function secretSlots(doc: unknown): Slot[] {
  const slots: Slot[] = [];
  const add = (owner: unknown, key: string, path: string) => {
    const o = asObject(owner);
    if (o && o[key] !== undefined) slots.push({ owner: o, key, path });
  };
  add(field(doc, "localBroker"), "password", "localBroker.password");
  add(field(doc, "uplink"), "password", "uplink.password");
  add(field(field(doc, "uplink"), "tls"), "key", "uplink.tls.key");
  for (const [token, i] of entries(field(field(doc, "api"), "tokens"))) add(token, "token", joinPath("api.tokens", i, "token"));
  return slots;
}

function isSecretRef(v: unknown): v is SecretRef {
  if (typeof v === "string") return true;
  const o = asObject(v);
  if (!o) return false;
  const keys = Object.keys(o);
  const nonEmpty = (x: unknown) => typeof x === "string" && x !== "";
  return keys.length === 1 && (nonEmpty(o.env) || nonEmpty(o.file) || nonEmpty(o.credential));
}
