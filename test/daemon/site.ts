import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { validateConfig } from "../../src/config/validate.js";
import type { SiteConfig } from "../../src/config/schema.js";
import type { DriverRegistry } from "../../src/drivers/registry.js";
import { ROOT } from "../helpers/cli.js";

/** The sim-door controller that stands in for the demo's OSDP readers at the sally port. */
export const SALLY_IO = "sally-io";
export const sallyPoints = (door: "sally-inner" | "sally-outer") => ({ lock: `${door}-strike`, contact: `${door}-contact` });

export interface DaemonSiteOptions {
  /** Central's broker; the uplink stays off without it. */
  uplinkUrl?: string;
  /** Reuse a directory (and so the store) of an earlier run. */
  dir?: string;
}

/**
 * The demo site as a daemon under test runs it: embedded broker on a free port, its own store in
 * a temp dir, no simulated people or serial devices, and the sally-port doors on a sim-door
 * controller (the demo's OSDP readers need the serial simulators). Rooms accept a tag after
 * two samples a few hundred ms apart instead of seconds, so a walk takes a test little time.
 */
export function daemonSite(registry: DriverRegistry, opts: DaemonSiteOptions = {}): { config: SiteConfig; dir: string } {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "edc-daemon-"));
  const doc = parse(readFileSync(join(ROOT, "config/demo-center.yaml"), "utf8")) as Record<string, any>;
  doc.localBroker = { ...doc.localBroker, port: 0 };
  doc.store = { path: join(dir, "state.db") };
  doc.simulation = { ...doc.simulation, enabled: false };
  doc.devices = doc.devices.filter((d: { id: string }) => d.id !== "osdp-sally");
  doc.devices.push({
    id: SALLY_IO,
    name: "sally-port door I/O (simulated)",
    driver: "sim-door",
    transport: { kind: "none" },
    options: { doors: [sallyPoints("sally-inner"), sallyPoints("sally-outer")], latencyMs: 5 },
  });
  for (const door of doc.doors as Array<Record<string, any>>) {
    if (door.id !== "sally-inner" && door.id !== "sally-outer") continue;
    const p = sallyPoints(door.id as "sally-inner" | "sally-outer");
    door.lock = { device: SALLY_IO, point: p.lock };
    door.contact = { device: SALLY_IO, point: p.contact };
    delete door.requestToExit;
    delete door.contactActive;
  }
  doc.presence = { ...doc.presence, params: { default: { dwellS: 0.3, minSamples: 2 } } };
  if (opts.uplinkUrl) doc.uplink = { enabled: true, url: opts.uplinkUrl, site: doc.center.id, centralHostId: "central", ackTimeoutS: 2 };
  const result = validateConfig(doc, registry);
  if (!result.ok) throw new Error(`test site is invalid: ${JSON.stringify(result.issues)}`);
  return { config: result.config, dir };
}
