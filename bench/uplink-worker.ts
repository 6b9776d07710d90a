/**
 * The publishing side of bench/uplink.ts, run as its own process so publisher and central do
 * not share a CPU core. Prints one JSON line when done (or "ready" lines on the way).
 *
 *   bare    <url> <n> <window> <payloadBytes>   bare mqtt.js QoS 1 publisher, `window` in flight
 *   durable <db> <url> <n>                      EventFactory + Outbox (group commit, FULL) + Uplink
 *   drain   <db> <url>                          Uplink only, over a store that already holds a backlog
 */
import mqtt from "mqtt";
import { systemClock } from "../src/core/clock.js";
import { EventFactory } from "../src/core/events.js";
import { AuditLog } from "../src/store/audit-log.js";
import { openDatabase } from "../src/store/db.js";
import { MetaStore } from "../src/store/meta.js";
import { Outbox } from "../src/store/outbox.js";
import { Uplink } from "../src/uplink/uplink.js";
import { isEntryPoint } from "./lib.js";

export const SITE = "bench";
export const GATEWAY = "gw-1";
export const WINDOW = 100;

const [mode, ...args] = process.argv.slice(2);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function bare(url: string, n: number, window: number, bytes: number): Promise<void> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: "bench-bare" });
  (client.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  const payload = Buffer.from(JSON.stringify({ pad: "x".repeat(Math.max(0, bytes - 10)) })); // JSON, as big as an event message
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    let acked = 0;
    const pump = () => {
      while (sent < n && sent - acked < window) {
        sent++;
        client.publish("bench/bare", payload, { qos: 1 }, () => {
          acked++;
          if (acked === n) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  say({ mode: "bare", n, pubackMs: performance.now() - t0 });
  await client.endAsync();
}

function uplinkFor(db: ReturnType<typeof openDatabase>, outbox: Outbox, audit: AuditLog, url: string): Uplink {
  return new Uplink({ url, clientId: `edc-${SITE}-${GATEWAY}`, site: SITE, gatewayId: GATEWAY, centralHostId: "central", sessionExpiryS: 0, db, outbox, audit, drain: { inflightWindow: WINDOW } });
}

async function durable(dbPath: string, url: string, n: number): Promise<void> {
  const db = openDatabase(dbPath);
  const outbox = new Outbox(db, new MetaStore(db).bumpEpoch());
  const factory = new EventFactory("center-1", systemClock, outbox);
  const uplink = uplinkFor(db, outbox, new AuditLog(outbox, factory), url);
  await uplink.start();
  // Offer events as fast as the loop allows, 200 per turn, bounded so the outbox tail stays
  // small: the rate measured is what the durable path sustains end to end, not an ingest burst.
  let made = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const produce = () => {
      if (made >= n) return resolve();
      if (made - outbox.floorSeq < 20_000) {
        for (let i = 0; i < 200 && made < n; i++, made++) {
          outbox.append(factory.make({ type: "TAG_REPORT", category: "location", source: { deviceId: "uwb-1" }, subjects: [{ kind: "tag", id: `t-${made % 500}` }], payload: { x: 12.5, y: 3.25, floor: 1, quality: 87, battery: 93 } }));
        }
      }
      setImmediate(produce);
    };
    produce();
  });
  while (outbox.floorSeq < n) await new Promise((r) => setTimeout(r, 5));
  say({ mode: "durable", n, ackedMs: performance.now() - t0, status: uplink.status() });
  await uplink.stop();
  outbox.close();
  db.close();
}

async function drain(dbPath: string, url: string): Promise<void> {
  const db = openDatabase(dbPath);
  const outbox = new Outbox(db, new MetaStore(db).bumpEpoch());
  const factory = new EventFactory("center-1", systemClock, outbox);
  const target = outbox.committedSeq;
  const uplink = uplinkFor(db, outbox, new AuditLog(outbox, factory), url);
  const t0 = performance.now();
  await uplink.start();
  while (outbox.floorSeq < target) await new Promise((r) => setTimeout(r, 20));
  say({ mode: "drain", n: target, ackedMs: performance.now() - t0, status: uplink.status(), rssMB: Math.round(process.memoryUsage().rss / 1e6), heapMB: Math.round(process.memoryUsage().heapUsed / 1e6) });
  await uplink.stop();
  db.close();
}

// Only when run as the worker process (bench/uplink.ts imports the constants above).
if (isEntryPoint(import.meta.url)) {
  if (mode === "bare") await bare(args[0]!, Number(args[1]), Number(args[2]), Number(args[3]));
  else if (mode === "durable") await durable(args[0]!, args[1]!, Number(args[2]));
  else if (mode === "drain") await drain(args[0]!, args[1]!);
  else {
    process.stderr.write("usage: uplink-worker.ts bare|durable|drain …\n");
    process.exit(64);
  }
}
