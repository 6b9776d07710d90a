import { z } from "zod";
import { SiteConfig } from "./schema.js";

/**
 * JSON Schema of the config as an installer writes it (`io: "input"`: defaults are optional),
 * for editor completion and docs. Draft-07 because it is the dialect YAML editors support best
 * (the demo config points the YAML language server at config/schema.json).
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(SiteConfig, { io: "input", target: "draft-07", unrepresentable: "throw" });
  return {
    $schema,
    title: "custody-edge site configuration",
    description: "One case-handling center: zones, doors, devices, presence, rules, broker, uplink. Check with `custody-edge check-config <file>`.",
    ...body,
  };
}

/** Exactly the text of the committed config/schema.json (regenerate with `npm run schema`). */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** `custody-edge schema`: the JSON Schema on stdout. */
export function printSchema(out: { write(text: string): unknown } = process.stdout): void {
  out.write(configJsonSchemaText());
}
