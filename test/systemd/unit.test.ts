import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SiteConfig } from "../../src/config/schema.js";
import { ExitCode } from "../../src/core/errors.js";
import { requireTool } from "./tools.js";
import { parseUnitFile, unitValue, type UnitFile } from "./unit-file.js";

const ROOT = resolve(import.meta.dirname, "../..");
const UNIT = join(ROOT, "systemd/custody-edge.service");
const SYSUSERS = join(ROOT, "systemd/sysusers.d/custody-edge.conf");

describe("systemd/custody-edge.service", () => {
  let dir: string;
  let unitCopy: string;
  let unit: UnitFile;

  beforeAll(() => {
    requireTool("systemd-analyze", "systemd");
    dir = mkdtempSync(join(tmpdir(), "edc-unit-"));
    unitCopy = join(dir, "custody-edge.service");
    // verify checks that ExecStart's binary exists; a host whose node is not /usr/bin/node
    // gets the same unit with its own node path.
    const text = readFileSync(UNIT, "utf8");
    writeFileSync(unitCopy, existsSync("/usr/bin/node") ? text : text.replaceAll("/usr/bin/node", process.execPath));
    unit = parseUnitFile(UNIT);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes systemd-analyze verify without a single complaint about the unit", () => {
    const r = spawnSync("systemd-analyze", ["verify", "--man=no", unitCopy], { encoding: "utf8", cwd: dir });
    const ours = r.stderr.split("\n").filter((l) => l.includes("custody-edge"));
    expect(ours, r.stderr).toEqual([]);
    expect(r.status, r.stderr).toBe(0);
  });

  it("keeps its hardening: systemd-analyze security exposure at most 3.0", () => {
    const r = spawnSync("systemd-analyze", ["security", "--offline=true", "--threshold=30", "--no-pager", unitCopy], {
      encoding: "utf8",
      cwd: dir,
    });
    expect(r.status, r.stdout.split("\n").slice(-3).join("\n") + r.stderr).toBe(0);
  });

  it("is a health-gated notify service that is always restarted, except after a usage or configuration error", () => {
    expect(unitValue(unit, "Service", "Type")).toBe("notify");
    expect(unitValue(unit, "Service", "NotifyAccess")).toBe("main");
    expect(unitValue(unit, "Service", "WatchdogSec")).toBe("10");
    expect(unitValue(unit, "Service", "Restart")).toBe("always");
    expect(unitValue(unit, "Service", "RestartPreventExitStatus")?.split(/\s+/).sort()).toEqual(
      [ExitCode.USAGE, ExitCode.CONFIG].map(String).sort(),
    );
    expect(unitValue(unit, "Unit", "StartLimitBurst")).toBeDefined();
  });

  it("gives the daemon's own stop deadline room inside TimeoutStopSec", () => {
    const stopMs = Number(unitValue(unit, "Service", "TimeoutStopSec")) * 1000;
    const daemonDeadlineMs = SiteConfig.shape.shutdownTimeoutMs.parse(undefined);
    expect(stopMs).toBeGreaterThanOrEqual(daemonDeadlineMs * 2);
  });

  it("starts the built CLI named in package.json", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
    const exec = unitValue(unit, "Service", "ExecStart")!;
    expect(exec).toBe(`/usr/bin/node /opt/custody-edge/${pkg.bin["custody-edge"]} run --config /etc/custody-edge/site.yaml`);
  });

  it("runs in its state directory, so relative store paths in site.yaml are writable", () => {
    expect(unitValue(unit, "Service", "WorkingDirectory")).toBe(`/var/lib/${unitValue(unit, "Service", "StateDirectory")}`);
    expect(unitValue(unit, "Service", "ProtectSystem")).toBe("strict");
  });

  it("does not use settings that break Node or hide device nodes", () => {
    for (const key of ["MemoryDenyWriteExecute", "PrivateDevices", "ProtectClock", "DevicePolicy", "DeviceAllow"]) {
      expect(unit.get("Service")?.has(key), key).toBe(false);
    }
  });
});

describe("systemd/sysusers.d/custody-edge.conf", () => {
  let root: string;
  beforeAll(() => {
    requireTool("systemd-sysusers", "systemd");
    root = mkdtempSync(join(tmpdir(), "edc-sysusers-"));
    // A bare host that has dialout but neither plugdev nor gpio.
    mkdirSync(join(root, "etc"));
    writeFileSync(join(root, "etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    writeFileSync(join(root, "etc/group"), "root:x:0:\ndialout:x:20:\n");
    copyFileSync(SYSUSERS, join(root, "custody-edge.conf"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("creates the service user and every missing supplementary group of the unit", () => {
    const r = spawnSync("systemd-sysusers", ["--dry-run", `--root=${root}`, join(root, "custody-edge.conf")], {
      encoding: "utf8",
    });
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(0);
    expect(out).not.toMatch(/fail|ignoring|invalid/i);
    const unit = parseUnitFile(UNIT);
    const user = unitValue(unit, "Service", "User")!;
    expect(out).toContain(`Creating user '${user}'`);
    for (const group of unitValue(unit, "Service", "SupplementaryGroups")!.split(/\s+/)) {
      if (group !== "dialout") expect(out).toContain(`Creating group '${group}'`);
      expect(readFileSync(SYSUSERS, "utf8")).toMatch(new RegExp(`^m ${user} ${group}$`, "m"));
    }
  });
});
