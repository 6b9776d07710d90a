import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli.js";

describe("custody-edge CLI", () => {
  it("check-config prints all three independent mistakes with their paths and exits 78", () => {
    const r = runCli(["check-config", join(ROOT, "test/fixtures/config/three-mistakes.yaml")]);
    expect(r.code).toBe(78);
    const lines = r.stderr.split("\n").filter((l) => l.trimStart().startsWith("✖"));
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/✖ [a-z]+\.\d+/);
  });

  it("check-config accepts the demo center", () => {
    const r = runCli(["check-config", join(ROOT, "config/demo-center.yaml")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK/);
  });

  it("check-config on a missing file is a configuration error, not a crash", () => {
    const r = runCli(["check-config", "/nonexistent/site.yaml"]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/nonexistent/);
  });

  it("schema prints the committed JSON Schema", () => {
    const r = runCli(["schema"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(join(ROOT, "config/schema.json"), "utf8")));
  });

  it("--version prints the package version; --help the usage", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(runCli(["--version"]).stdout.trim()).toBe(pkg.version);
    const help = runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/run --config <file>/);
    expect(help.stdout).toMatch(/check-config <file>/);
  });

  it("usage errors exit 64 and say what is wrong", () => {
    const r = runCli(["frobnicate"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
    expect(runCli(["run"]).code).toBe(64);
    expect(runCli(["run", "--bogus"]).code).toBe(64);
  });

  it("run refuses an invalid config with exit 78 before opening anything", () => {
    const r = runCli(["run", "--config", join(ROOT, "test/fixtures/config/three-mistakes.yaml")]);
    expect(r.code).toBe(78);
    expect(r.stdout).not.toMatch(/store opened/);
  });

  it("drivers lists the built-in drivers with their transport", () => {
    const r = runCli(["drivers"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rtls-mqtt .*transport=mqtt/m);
  });
});
