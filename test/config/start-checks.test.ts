import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { validateConfig } from "../../src/config/load.js";
import type { ConfigIssue } from "../../src/core/errors.js";
import { demoConfigCopy, runCli } from "../helpers/cli.js";
import { fakeRegistry } from "../fixtures/config/fake-drivers.js";
import { minimalSite, type RawSite } from "../fixtures/config/minimal-site.js";

/**
 * What the engines check when the daemon starts (rule parameters, custody limits, what `inputs:`
 * and `actions:` refer to, per-room presence timing) is part of validation, so `check-config`
 * lists those mistakes with the rest and `run` refuses before opening the store.
 */
function issuesOf(doc: RawSite): ConfigIssue[] {
  const result = validateConfig(doc, fakeRegistry());
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.issues;
}

describe("validation covers what the daemon refuses at start", () => {
  it("reports a bad rule parameter with its path", () => {
    const doc = minimalSite();
    doc.rules = { R10: { dwellS: -5 } };
    expect(issuesOf(doc)).toEqual([{ path: "rules.R10.dwellS", message: "must be ≥ 0" }]);
  });

  it("reports an unknown rule parameter with a suggestion", () => {
    const doc = minimalSite();
    doc.rules = { R14: { dwelS: 30 } };
    expect(issuesOf(doc)).toEqual([{ path: "rules.R14.dwelS", message: 'unknown key "dwelS" (did you mean "dwellS"?)' }]);
  });

  it("reports a bad custody limit key and value under R03", () => {
    const doc = minimalSite();
    doc.rules = { R03: { limitsH: { summon: 12, admin_questioning: -8 } } };
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["rules.R03.limitsH", "rules.R03.limitsH.admin_questioning"]));
    expect(issuesOf(doc).find((i) => i.path === "rules.R03.limitsH")!.message).toContain('"summon"');
  });

  it("reports a parameter both the rules and custody read once", () => {
    const doc = minimalSite();
    doc.rules = { R06: { limitH: 0 } };
    expect(issuesOf(doc).map((i) => i.path)).toEqual(["rules.R06.limitH"]);
  });

  it("reports an action binding naming a missing device, and inputs naming missing doors", () => {
    const doc = minimalSite();
    doc.actions = { bindings: [{ alarm: "DOOR_FORCED", actions: [{ kind: "relay", device: "siren-bord", point: "1" }] }] };
    doc.inputs = [{ id: "lockdown-key", kind: "lockdown", point: { device: "door-io", point: 5 }, doors: ["sally-outr"] }];
    expect(issuesOf(doc).map((i) => [i.path, i.message])).toEqual([
      ["inputs.0.doors.0", 'unknown door "sally-outr" (did you mean "sally-outer"?)'],
      ["actions.bindings.0.actions.0.device", expect.stringMatching(/^unknown device "siren-bord"/)],
    ]);
  });

  it("reports presence timing for a room that does not exist", () => {
    const doc = minimalSite();
    doc.presence.params = { rooms: { "holding-2": { dwellS: 1 } } };
    const issues = issuesOf(doc);
    expect(issues.map((i) => i.path)).toEqual(["presence.params.rooms.holding-2"]);
    expect(issues[0]!.message).toBe('unknown zone "holding-2" (did you mean "holding-1"?)');
  });

  it("reports every kind together with schema mistakes in one result", () => {
    const doc = minimalSite();
    delete doc.center.name;
    doc.rules = { R10: { dwellS: "five minutes" }, R03: { limitsH: { summon: 12 } } };
    doc.actions = { bindings: [{ alarm: "ESCAPE_SUSPECTED", actions: [{ kind: "recording_bookmark", device: "nvr-1" }] }] };
    expect(issuesOf(doc).map((i) => i.path)).toEqual(
      expect.arrayContaining(["center.name", "rules.R10.dwellS", "rules.R03.limitsH", "actions.bindings.0.actions.0.device"]),
    );
  });
});

describe("the CLI on start-time mistakes", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function demoWith(mutate: (doc: Record<string, any>) => void): { file: string; store: string } {
    const { file, dir } = demoConfigCopy();
    dirs.push(dir);
    const doc = parse(readFileSync(file, "utf8")) as Record<string, any>;
    mutate(doc);
    writeFileSync(file, stringify(doc));
    return { file, store: doc.store.path as string };
  }

  it("check-config lists the rule, custody and action mistakes at once with their lines, and run exits 78 without opening the store", () => {
    const { file, store } = demoWith((doc) => {
      doc.rules = { ...doc.rules, R10: { dwellS: -1 }, R03: { limitsH: { summon: 12 } } };
      doc.actions = { ...doc.actions, bindings: [...(doc.actions?.bindings ?? []), { alarm: "DOOR_FORCED", actions: [{ kind: "relay", device: "no-such-board", point: "1" }] }] };
    });
    const check = runCli(["check-config", file]);
    expect(check.code).toBe(78);
    expect(check.stderr).toMatch(/3 problems/);
    expect(check.stderr).toMatch(/✖ rules\.R10\.dwellS: must be ≥ 0 \(line \d+\)/);
    expect(check.stderr).toMatch(/✖ rules\.R03\.limitsH: .*"summon"/);
    expect(check.stderr).toMatch(/✖ actions\.bindings\.\d+\.actions\.0\.device: unknown device "no-such-board"/);

    const run = runCli(["run", "--config", file]);
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/rules\.R10\.dwellS/);
    expect(existsSync(store)).toBe(false);
    expect(existsSync(join(store, ".."))).toBe(true);
  });
});

describe("custody rule parameters are strict", () => {
  it("reports a misspelt custody key instead of ignoring it", async () => {
    const { custodyParamIssues } = await import("../../src/custody/params.js");
    const issues = custodyParamIssues({ R03: { limitH: 10 } });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toMatch(/^rules\.R03/);
  });
});
