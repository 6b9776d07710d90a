import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EventCategory } from "../../src/core/envelope.js";
import { CENTRAL_COMMANDS } from "../../src/uplink/commands.js";

const root = join(import.meta.dirname, "../..");
const read = (p: string) => readFileSync(join(root, p), "utf8");

describe("docs/topics.md stays in step with the code", () => {
  const doc = read("docs/topics.md");

  it("lists every central command with every argument", () => {
    for (const [name, schema] of Object.entries(CENTRAL_COMMANDS)) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, `command ${name}`).toBeDefined();
      for (const arg of Object.keys((z.toJSONSchema(schema, { io: "input" }) as { properties?: object }).properties ?? {})) {
        expect(row, `${name}.${arg}`).toContain(`\`${arg}\``);
      }
    }
  });

  it("names every event category and every topic", () => {
    for (const c of EventCategory.options) expect(doc).toContain(`\`${c}\``);
    for (const t of ["/<gw>/state`", "/<gw>/birth`", "/<gw>/evt/<category>`", "/<gw>/ack`", "/<gw>/cmd/<name>`", "/cmd/<name>/response`", "edc/v1/host/<host>/state`"]) {
      expect(doc).toContain(t);
    }
  });
});

describe("docs/mosquitto-acl.md", () => {
  it("shows exactly the rules of config/mosquitto/uplink.acl", () => {
    const rules = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => /^(user|topic|pattern) /.test(l));
    const block = read("docs/mosquitto-acl.md").split("```")[1]!;
    expect(rules(block)).toEqual(rules(read("config/mosquitto/uplink.acl")));
  });
});
