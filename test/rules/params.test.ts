import { describe, expect, it } from "vitest";
import { SiteConfig } from "../../src/config/schema.js";
import { ConfigError } from "../../src/core/errors.js";
import { parseRuleParams, RuleParams } from "../../src/rules/params.js";

describe("rule parameters", () => {
  it("gives the DOMAIN.md §7 defaults for an empty rules section", () => {
    const p = parseRuleParams({});
    expect(p.R10).toMatchObject({ dwellS: 300, jointRoomTypes: ["lineup"] });
    expect(p.R12.dwellS).toBe(60);
    expect(p.R13.dwellS).toBe(600);
    expect(p.R14.dwellS).toBe(30);
    expect(p.R15.withinS).toBe(15);
    expect(p.R04.leadH).toEqual({ criminal: 3, administrative: 2, continued_questioning: 1, other: 1 });
    expect(p.R05).toMatchObject({ imminentH: 23, ceilingH: 24 });
    expect(p.R06.limitH).toBe(4);
    expect(p.R08.warnAfterH).toMatchObject({ summons: 9, admin_questioning: 6 });
    expect(p.R20).toMatchObject({ min: 60, max: 100, samples: 3, durationS: 60 });
    expect(p.R25).toMatchObject({ intervalMin: 60, specialIntervalMin: 30, suicideRiskIntervalMin: 15 });
    expect(p.R30.returnWithinMin).toBe(30);
    expect(p.R37.renotifyS).toBe(60);
  });

  it("takes the site config's rules section, merging per-center values over the defaults", () => {
    const site = SiteConfig.parse({ version: 1, center: { id: "c", name: "C" }, gateway: { id: "g" }, areas: [{ id: "a", type: "secure_area" }], rules: { R10: { dwellS: 60, dwellSByRoomType: { corridor: 0 } }, R04: { leadH: { criminal: 2 } } } });
    const p = parseRuleParams(site.rules);
    expect(p.R10).toMatchObject({ dwellS: 60, dwellSByRoomType: { corridor: 0 } });
    expect(p.R04.leadH).toMatchObject({ criminal: 2, administrative: 2 });
  });

  it("reports every bad value with its config path, and rejects unknown keys of runtime rules", () => {
    try {
      parseRuleParams({ R10: { dwellS: -1 }, R20: { min: "sixty" }, R14: { dwellSeconds: 30 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const paths = (e as ConfigError).issues.map((i) => i.path).sort();
      expect(paths).toEqual(["rules.R10.dwellS", "rules.R14", "rules.R20.min"]);
    }
  });

  it("leaves the sections of custody pre-checks and door rules to their owners", () => {
    expect(RuleParams.parse({ R09: { block: true }, R32: { priority: "lockdown" } })).toMatchObject({ R09: { block: true }, R32: { priority: "lockdown" } });
  });
});
