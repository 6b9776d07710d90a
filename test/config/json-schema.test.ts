import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema, configJsonSchemaText, printSchema } from "../../src/config/json-schema.js";

type JsonObject = Record<string, any>;

describe("config JSON Schema", () => {
  it("is committed up to date in config/schema.json", () => {
    const committed = readFileSync("config/schema.json", "utf8");
    if (committed !== configJsonSchemaText()) {
      throw new Error("config/schema.json is stale (it no longer matches src/config/schema.ts). Run `npm run schema` and commit config/schema.json.");
    }
  });

  it("describes the file as written: defaulted fields are optional", () => {
    const schema = configJsonSchema() as JsonObject;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.required).toEqual(["version", "center", "gateway", "areas"]);
    expect(schema.additionalProperties).toBe(false);
    const door = schema.properties.doors.items;
    expect(door.required).toEqual(["id", "between", "failMode"]);
    expect(door.properties.fireRelease).toMatchObject({ default: "none", enum: ["auto", "remote", "none"] });
    const password = schema.properties.localBroker.properties.password;
    expect(password.anyOf).toHaveLength(4);
  });

  it("is what `custody-edge schema` prints", () => {
    let text = "";
    printSchema({ write: (chunk: string) => (text += chunk) });
    expect(JSON.parse(text)).toEqual(configJsonSchema());
    expect(text.endsWith("}\n")).toBe(true);
  });
});
