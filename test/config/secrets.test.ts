import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { resolveSecret, resolveSecrets, secretText } from "../../src/config/secrets.js";
import { ConfigError } from "../../src/core/errors.js";
import { fakeRegistry } from "../fixtures/config/fake-drivers.js";
import { minimalSite } from "../fixtures/config/minimal-site.js";

const dir = mkdtempSync(join(tmpdir(), "custody-edge-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SITE = `version: 1
center: { id: t, name: t }
gateway: { id: gw-01 }
areas: [{ id: outside, type: outside }]
localBroker:
  mode: external
  url: mqtt://127.0.0.1:1883
  username: gateway
  password: { env: CUSTODY_EDGE_MQTT_PASSWORD }
`;

describe("secrets", () => {
  it("come from the environment at load time", () => {
    const file = join(dir, "env.yaml");
    writeFileSync(file, SITE);
    const config = loadConfig(file, fakeRegistry(), { CUSTODY_EDGE_MQTT_PASSWORD: "s3cret" });
    expect(config.localBroker.password).toBe("s3cret");
    expect(secretText(config.localBroker.password)).toBe("s3cret");
  });

  it("name the missing variable and its place, alongside other issues", () => {
    const file = join(dir, "missing-env.yaml");
    writeFileSync(file, `${SITE}api: { enabled: true, tokens: [{ name: ops, role: operator, token: { env: API_TOKEN_OPS } }] }\ngateway2: 1\n`);
    let error: unknown;
    try {
      loadConfig(file, fakeRegistry(), {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: "localBroker.password", message: "environment variable CUSTODY_EDGE_MQTT_PASSWORD is not set (or empty) (line 9)" },
      { path: "api.tokens.0.token", message: "environment variable API_TOKEN_OPS is not set (or empty) (line 10)" },
      { path: "gateway2", message: 'unknown key "gateway2" (did you mean "gateway"?) (line 11)' },
    ]);
  });

  it("come from files, trimmed, and a missing file is reported", () => {
    const keyFile = join(dir, "uplink.key");
    writeFileSync(keyFile, "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n\n");
    expect(resolveSecret({ file: keyFile }, "uplink.tls.key", {})).toEqual({
      ok: true,
      value: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
    });
    expect(resolveSecret({ file: join(dir, "nope") }, "uplink.password", {})).toEqual({
      ok: false,
      issue: { path: "uplink.password", message: `cannot read secret file ${join(dir, "nope")} (ENOENT)` },
    });
  });

  it("are resolved in place in every secret field", () => {
    const doc = minimalSite();
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "tok-1\n");
    doc.uplink = { password: "literal-dev-only", tls: { key: { env: "KEY_PEM" } } };
    doc.api = { tokens: [{ name: "a", role: "viewer", token: { file: tokenFile } }] };
    expect(resolveSecrets(doc, { KEY_PEM: "pem" })).toEqual([]);
    expect([doc.uplink.password, doc.uplink.tls.key, doc.api.tokens[0].token]).toEqual(["literal-dev-only", "pem", "tok-1"]);
  });

  it("refuse to hand out an unresolved reference", () => {
    expect(() => secretText({ env: "X" })).toThrow(/not resolved/);
    expect(secretText(undefined)).toBeUndefined();
  });
});

describe("systemd credentials", () => {
  it("reads { credential } from $CREDENTIALS_DIRECTORY and explains when it is unset", () => {
    const dir = mkdtempSync(join(tmpdir(), "edc-cred-"));
    writeFileSync(join(dir, "uplink-password"), "s3cret\n");
    expect(resolveSecret({ credential: "uplink-password" }, "uplink.password", { CREDENTIALS_DIRECTORY: dir })).toEqual({ ok: true, value: "s3cret" });
    const missing = resolveSecret({ credential: "uplink-password" }, "uplink.password", {});
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issue).toMatchObject({ path: "uplink.password", message: expect.stringMatching(/CREDENTIALS_DIRECTORY/) });
  });
});
