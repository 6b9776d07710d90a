/**
 * Runs inside `umockdev-run` with the faked badge reader of fixtures/ and prints one JSON line for
 * umockdev.test.ts: the hid-badge driver from the built-in registry, started by the supervisor
 * on a lease from the transport pool, reading through the real node-hid.
 */
import { supervisedDevices } from "../helpers/supervised.js";

const { pool, supervisor, messages, device: configured } = supervisedDevices();
const device = configured({
  id: "sally-port-reader",
  driver: "hid-badge",
  transport: { kind: "hid", vendorId: 0xffff, productId: 0x0035 },
  options: JSON.parse(process.argv[2] ?? "{}"),
});

try {
  await supervisor.startAll([device]);
  const until = Date.now() + 5_000;
  while (!messages.some((m) => m.type === "event" && m.name === "card_read") && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  const status = supervisor.status()[0];
  await supervisor.stopAll(1_000);
  process.stdout.write(JSON.stringify({ messages, status }) + "\n");
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + "\n");
} finally {
  await pool.closeAll(2_000);
}
