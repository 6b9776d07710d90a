import { describe, expect, it } from "vitest";
import { SiteConfig } from "../../src/config/schema.js";
import { ConfigError } from "../../src/core/errors.js";
import { compileSite } from "../../src/presence/site.js";
import { siteConfig, testSite } from "./fixtures.js";

describe("compiling the site for presence", () => {
  it("merges timing: built-in default < built-in room type < configured default < configured type < configured room", () => {
    const builtin = testSite();
    expect(builtin.zones.get("booth")!.timing).toEqual({ dwellMs: 3000, minSamples: 3, maxMisses: 1 });
    expect(builtin.zones.get("hall")!.timing).toEqual({ dwellMs: 1000, minSamples: 2, maxMisses: 1 });
    expect(builtin.zones.get("cell-2")!.timing).toEqual({ dwellMs: 5000, minSamples: 3, maxMisses: 1 });

    const site = testSite({ default: { dwellS: 2, maxMisses: 0 }, roomTypes: { holding: { minSamples: 5 } }, rooms: { booth: { dwellS: 0.5 } } });
    expect(site.zones.get("hall")!.timing).toEqual({ dwellMs: 2000, minSamples: 2, maxMisses: 0 });
    expect(site.zones.get("cell-2")!.timing).toEqual({ dwellMs: 2000, minSamples: 5, maxMisses: 0 });
    expect(site.zones.get("booth")!.timing).toEqual({ dwellMs: 500, minSamples: 3, maxMisses: 0 });
    expect(site.zones.get("secure")).toMatchObject({ kind: "area", timing: { dwellMs: 2000, minSamples: 3, maxMisses: 0 } });
    expect(site.tuning).toEqual({
      offlineTimeoutMs: 30_000,
      onlineSamples: 3,
      missWindowMs: 2000,
      reorderWindowMs: 0,
      bleWindowMs: 5000,
      bleMarginM: 1,
      bleMaxDistanceM: Infinity,
      defaultFloor: 1,
    });
  });

  it("reports every bad reference and parameter with its config path", () => {
    // Parameter values are part of the site schema: a bad one is refused with its path at load.
    const bad = SiteConfig.safeParse(siteConfig({ offlineTimeoutS: -1 } as never));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join("."))).toEqual(["presence.params.offlineTimeoutS"]);
    let error: unknown;

    const refs = siteConfig({ rooms: { nowhere: {} } });
    refs.presence!.readers!.push({ id: "lf-x", zone: "attic" }, { id: "lf-reg", zone: "reg" });
    refs.presence!.bleNodes!.push({ id: "ble-x", zone: "cellar" });
    try {
      compileSite(SiteConfig.parse(refs));
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).issues).toEqual([
      { path: "presence.params.rooms.nowhere", message: 'no room or area "nowhere"' },
      { path: "presence.readers.5.zone", message: 'no room or area "attic"' },
      { path: "presence.readers.6.id", message: 'reader "lf-reg" is listed twice' },
      { path: "presence.bleNodes.4.zone", message: 'no room or area "cellar"' },
    ]);
  });

  it("rejects unknown parameters instead of ignoring a typo", () => {
    const typo = SiteConfig.safeParse(siteConfig({ dwelS: 3 } as never));
    expect(typo.success).toBe(false);
    expect(typo.error!.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["dwelS"] });
  });
});
