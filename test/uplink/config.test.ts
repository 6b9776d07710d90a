import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SiteConfig } from "../../src/config/schema.js";
import { ConfigError } from "../../src/core/errors.js";
import { retentionLimitsFromConfig, uplinkOptionsFromConfig } from "../../src/uplink/config.js";
import { minimalSite } from "../fixtures/config/minimal-site.js";
import { tempStore } from "../store/temp-store.js";

const store = tempStore();
const dir = mkdtempSync(join(tmpdir(), "uplink-config-"));
afterAll(() => {
  store.destroy();
  rmSync(dir, { recursive: true, force: true });
});
const deps = { db: store.db, outbox: store.outbox, audit: store.audit };

describe("uplink options from the site config", () => {
  it("applies the documented defaults", () => {
    const cfg = SiteConfig.parse({ ...minimalSite(), uplink: { enabled: true, url: "mqtts://central.example:8883" } });
    expect(uplinkOptionsFromConfig(cfg, deps)).toMatchObject({
      url: "mqtts://central.example:8883",
      clientId: "edc-test-center-gw-01",
      site: "test-center",
      gatewayId: "gw-01",
      centralHostId: "central",
      sessionExpiryS: 86_400,
      keepaliveS: 20,
      requireCentralOnline: true,
      drain: { inflightWindow: 100, unackedWindow: 10_000, ackTimeoutMs: 15_000 },
    });
    expect(retentionLimitsFromConfig(cfg)).toEqual({ maxAgeMs: 168 * 3_600_000, maxRows: 0, maxBytes: 4096 * 1024 * 1024 });
  });

  it("reads TLS files and takes the tuning given", () => {
    writeFileSync(join(dir, "ca.pem"), "CA PEM");
    writeFileSync(join(dir, "cert.pem"), "CERT PEM");
    const cfg = SiteConfig.parse({
      ...minimalSite(),
      uplink: {
        enabled: true,
        url: "mqtts://central.example:8883",
        site: "haining",
        username: "gw-01",
        password: "pw",
        tls: { ca: join(dir, "ca.pem"), cert: join(dir, "cert.pem"), key: "KEY PEM" },
        inflightWindow: 20,
        ackTimeoutS: 5,
        retention: { maxMB: 100 },
      },
    });
    expect(uplinkOptionsFromConfig(cfg, deps)).toMatchObject({
      site: "haining",
      username: "gw-01",
      password: "pw",
      tls: { ca: "CA PEM", cert: "CERT PEM", key: "KEY PEM", rejectUnauthorized: true },
      drain: { inflightWindow: 20, ackTimeoutMs: 5000 },
    });
    expect(retentionLimitsFromConfig(cfg).maxBytes).toBe(100 * 1024 * 1024);
  });

  it("names the field when the url is missing or a TLS file cannot be read", () => {
    const noUrl = SiteConfig.parse({ ...minimalSite(), uplink: { enabled: true } });
    expect(() => uplinkOptionsFromConfig(noUrl, deps)).toThrow(ConfigError);
    const badCa = SiteConfig.parse({ ...minimalSite(), uplink: { enabled: true, url: "mqtts://x:8883", tls: { ca: join(dir, "missing.pem") } } });
    expect(() => uplinkOptionsFromConfig(badCa, deps)).toThrow(/uplink\.tls\.ca: cannot read/);
  });
});
