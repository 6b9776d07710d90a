import { readFileSync } from "node:fs";
import { ConfigError, type ConfigIssue } from "../core/errors.js";
import type { DriverRegistry } from "../drivers/registry.js";
import type { SiteConfig } from "./schema.js";
import { resolveSecrets } from "./secrets.js";
import { validateConfig } from "./validate.js";
import { parseYamlSource } from "./yaml-source.js";

export { validateConfig, type ValidationResult } from "./validate.js";

/**
 * Reads, validates and resolves a site config before any hardware is touched. Every problem
 * (YAML syntax, schema, references, driver options, missing secrets) comes back in ONE
 * ConfigError; schema-level issues also name the line to look at.
 *
 * Secrets are resolved in place: the returned config holds plain strings where the file had
 * `{ env: … }` or `{ file: … }` (see secrets.ts).
 */
export function loadConfig(file: string, registry: DriverRegistry, env: NodeJS.ProcessEnv = process.env): SiteConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(file, [{ path: "", message: `cannot read the config file (${reason})` }]);
  }
  const source = parseYamlSource(text);
  if (source.issues.length > 0) throw new ConfigError(file, source.issues);

  const result = validateConfig(source.value, registry);
  // Secrets are checked even when validation failed, so a missing variable shows up in the same run.
  const secretIssues = resolveSecrets(result.ok ? result.config : source.value, env);
  const issues: ConfigIssue[] = [...(result.ok ? [] : result.issues), ...secretIssues];
  if (issues.length > 0 || !result.ok) {
    // Report in file order, each with the line to look at.
    const located = issues.map((issue) => ({ issue, line: source.lineOf(issue.path) ?? 0 }));
    located.sort((a, b) => a.line - b.line);
    throw new ConfigError(
      file,
      located.map(({ issue, line }) => (line === 0 ? issue : { ...issue, message: `${issue.message} (line ${line})` })),
    );
  }
  return result.config;
}
