import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typeReports } from "../../devices/hid-badge/keymap.js";
import { readScript, requireUmockdev, runUnderUmockdev, UMOCKDEV_INSTALL } from "../helpers/umockdev.js";

/**
 * A keyboard-wedge reader (VID ffff, PID 0035) faked by umockdev (PROTOCOLS.md §6): the sysfs tree
 * and the report-descriptor ioctls are committed in fixtures/, the typed reports are a script
 * written here. Nothing here depends on timing (the inter-key timeout is tested on fake time).
 */
const FIXTURES = join(import.meta.dirname, "fixtures");
const CHILD = join(import.meta.dirname, "umockdev-child.ts");

interface ChildResult {
  messages?: Array<Record<string, unknown>>;
  status?: Record<string, unknown>;
  error?: string;
}

describe("hid-badge through the pool, the supervisor and node-hid on a umockdev reader", () => {
  let dir: string;

  beforeAll(async () => {
    requireUmockdev();
    dir = await mkdtemp(join(tmpdir(), "hid-badge-"));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("after a garbled read, the next card becomes one card_read at the configured reader and zone", async () => {
    const f1 = Buffer.from("00003a0000000000", "hex"); // a key no card contains
    const script = join(dir, "reader.script");
    await writeFile(script, readScript("/dev/hidraw0", [...typeReports("00"), f1, Buffer.alloc(8), ...typeReports("12\n0012345678\n")]));
    const umockdev = ["-d", join(FIXTURES, "reader.umockdev"), "-i", `/dev/hidraw0=${join(FIXTURES, "reader.ioctl")}`, "-s", `/dev/hidraw0=${script}`];
    const result = await runUnderUmockdev<ChildResult>(umockdev, CHILD, [JSON.stringify({ readerId: "sally-in", zone: "sally-port", observe: true })]);
    if (result.error) throw new Error(`${result.error} (needs: ${UMOCKDEV_INSTALL})`);
    const messages = result.messages ?? [];
    expect(messages.filter((m) => m.type !== "availability")).toEqual([
      { type: "state", values: { rejected: 1, lastRejectReason: "unexpected key 0x3a" } },
      { type: "event", name: "card_read", data: { reader: "sally-in", zone: "sally-port", card: "0012345678", format: "decimal10", uid: "00BC614E" } },
      { type: "observation", observation: { kind: "reader", tagId: "0012345678", readerId: "sally-in", method: "rfid" } },
    ]);
    expect(messages.find((m) => m.type === "availability")).toEqual({ type: "availability", online: true });
    expect(result.status).toMatchObject({ deviceId: "sally-port-reader", driver: "hid-badge", state: "running" });
  });
});
