import { checkActionReferences } from "../actions/config-checks.js";
import type { ConfigIssue } from "../core/errors.js";
import { custodyParamIssues } from "../custody/params.js";
import type { DriverRegistry } from "../drivers/registry.js";
import { RuleParams } from "../rules/params.js";
import { checkCrossReferences } from "./crossref.js";
import { checkDevices } from "./device-checks.js";
import { asObject, field } from "./raw.js";
import { SiteConfig } from "./schema.js";
import { configErrorMap, toConfigIssues } from "./zod-issues.js";

export type ValidationResult = { ok: true; config: SiteConfig } | { ok: false; issues: ConfigIssue[] };

/**
 * Validates a parsed document (no file, no environment): schema, cross-references, each
 * device's driver options, the rule and custody parameters under `rules:` and what `inputs:` and
 * `actions:` refer to — everything the daemon would refuse at start, ALL reported in one go so
 * an installer fixes the file in one pass. On success each device's `options` is replaced by its
 * driver's parsed value (defaults filled).
 */
export function validateConfig(raw: unknown, registry: DriverRegistry): ValidationResult {
  const parsed = SiteConfig.safeParse(raw, { error: configErrorMap });
  const schemaIssues = parsed.success ? [] : toConfigIssues(parsed.error.issues);
  const devices = checkDevices(raw, registry);
  const later = [...checkCrossReferences(raw), ...checkActionReferences(raw), ...devices.issues, ...ruleParamIssues(raw)];
  // One message per spot: a door naming "Cell+1" is a bad id first, an unknown zone second.
  const flagged = new Set(schemaIssues.map((i) => i.path));
  const issues = [...schemaIssues, ...later.filter((i) => !flagged.has(i.path))];
  if (!parsed.success || issues.length > 0) return { ok: false, issues };

  const config = parsed.data;
  config.devices.forEach((device, i) => {
    if (devices.options.has(i)) device.options = devices.options.get(i) as Record<string, unknown>;
  });
  return { ok: true, config };
}

/**
 * `rules:` as the rules engine (detector parameters) and custody (legal limits, pre-checks) read
 * it at start. A `rules` of the wrong shape is left to the schema.
 */
function ruleParamIssues(raw: unknown): ConfigIssue[] {
  const rules = asObject(field(raw, "rules"));
  if (rules === undefined) return [];
  const detectors = RuleParams.safeParse(rules, { error: configErrorMap });
  const custody = Object.fromEntries(Object.entries(rules).filter(([, v]) => asObject(v) !== undefined)) as Record<string, Record<string, unknown>>;
  const issues = [...(detectors.success ? [] : toConfigIssues(detectors.error.issues, "rules")), ...custodyParamIssues(custody)];
  // A parameter both sides read (R06.limitH) is reported once.
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.path) && seen.add(i.path));
}
