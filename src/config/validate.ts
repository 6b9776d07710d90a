import type { ConfigIssue } from "../core/errors.js";
import type { DriverRegistry } from "../drivers/registry.js";
import { checkCrossReferences } from "./crossref.js";
import { checkDevices } from "./device-checks.js";
import { SiteConfig } from "./schema.js";
import { configErrorMap, toConfigIssues } from "./zod-issues.js";

export type ValidationResult = { ok: true; config: SiteConfig } | { ok: false; issues: ConfigIssue[] };

/**
 * Validates a parsed document (no file, no environment): schema, cross-references and each
 * device's driver options, ALL reported in one go so an installer fixes the file in one pass.
 * On success each device's `options` is replaced by its driver's parsed value (defaults filled).
 */
export function validateConfig(raw: unknown, registry: DriverRegistry): ValidationResult {
  const parsed = SiteConfig.safeParse(raw, { error: configErrorMap });
  const schemaIssues = parsed.success ? [] : toConfigIssues(parsed.error.issues);
  const devices = checkDevices(raw, registry);
  // One message per spot: a door naming "Cell+1" is a bad id first, an unknown zone second.
  const flagged = new Set(schemaIssues.map((i) => i.path));
  const issues = [...schemaIssues, ...[...checkCrossReferences(raw), ...devices.issues].filter((i) => !flagged.has(i.path))];
  if (!parsed.success || issues.length > 0) return { ok: false, issues };

  const config = parsed.data;
  config.devices.forEach((device, i) => {
    if (devices.options.has(i)) device.options = devices.options.get(i) as Record<string, unknown>;
  });
  return { ok: true, config };
}
