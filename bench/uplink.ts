/**
 * Uplink throughput against a local Mosquitto, all in one run on the same broker:
 *
 *  1. baseline — a bare mqtt.js QoS 1 publisher (window 100, Nagle off), payloads the size of
 *     our event messages, to a subscriber that parses each one;
 *  2. durable — events made by EventFactory, group-committed to the outbox (WAL, FULL, hash
 *     chain), drained by the Uplink, applied in order and acked end to end by a central stand-in;
 *  3. backlog — 1,000,000 events already in the store, drained and acked from a cold start.
 *
 * Publisher and central run in separate processes. Run: `npx tsx bench/uplink.ts [backlog]`
 * or `npm run bench -- uplink [--quick]` (writes bench/results/uplink.json and .md).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { systemClock } from "../src/core/clock.js";
import { EventFactory } from "../src/core/events.js";
import { openDatabase } from "../src/store/db.js";
import { MetaStore } from "../src/store/meta.js";
import { Outbox } from "../src/store/outbox.js";
import { MOSQUITTO_BIN, startMosquitto } from "../test/helpers/mosquitto.js";
import { Central } from "../test/uplink/central.js";
import { isEntryPoint, writeResult } from "./lib.js";
import { GATEWAY, SITE, WINDOW } from "./uplink-worker.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER = join(HERE, "uplink-worker.ts");

export interface UplinkBenchOptions {
  /** Events in the backlog drained from a cold start (default 1,000,000). */
  backlog?: number;
  /** Messages in the baseline and in the durable run (default 200,000). */
  sustained?: number;
}

function runWorker(...args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop();
      if (code === 0 && line) resolve(JSON.parse(line) as Record<string, unknown>);
      else reject(new Error(`worker ${args[0]} exited ${code}: ${out}`));
    });
  });
}

/** Messages/s at the receiving side, first arrival to last. */
function rate(n: number, firstAt: number, lastAt: number): number {
  return Math.round(n / ((lastAt - firstAt) / 1000));
}

async function baseline(url: string, payloadBytes: number, n: number) {
  const sub = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: "bench-sub" });
  (sub.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  let got = 0;
  let firstAt = 0;
  let lastAt = 0;
  const done = new Promise<void>((resolve) =>
    sub.on("message", (_t, payload) => {
      JSON.parse(payload.toString()); // central parses every message; so does the baseline
      if (got++ === 0) firstAt = performance.now();
      if (got === n) {
        lastAt = performance.now();
        resolve();
      }
    }),
  );
  await sub.subscribeAsync("bench/bare", { qos: 1 });
  const worker = await runWorker("bare", url, String(n), String(WINDOW), String(payloadBytes));
  await done;
  await sub.endAsync();
  return { n: n, payloadBytes, ratePerS: rate(n, firstAt, lastAt), publisherPubackMs: Math.round(worker.pubackMs as number) };
}

async function centralRun(url: string, n: number, work: () => Promise<Record<string, unknown>>) {
  const central = new Central({ url, site: SITE, gatewayId: GATEWAY, lean: true, ackEveryMs: 50 });
  await central.start();
  let firstAt = 0;
  let lastAt = 0;
  const watch = setInterval(() => {
    if (!firstAt && central.contiguous > 0) firstAt = performance.now();
    if (!lastAt && central.contiguous >= n) lastAt = performance.now();
  }, 2);
  const worker = await work();
  clearInterval(watch);
  await central.stop();
  return { firstAt, lastAt, duplicates: central.duplicates, worker };
}

/** Runs the three measurements on one broker and writes bench/results/uplink.json and .md. */
export async function runUplinkBench(opts: UplinkBenchOptions = {}) {
  const sustained = opts.sustained ?? 200_000;
  const backlogN = opts.backlog ?? 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), "bench-uplink-"));
  const broker = await startMosquitto({ extraConf: ["set_tcp_nodelay true", "max_queued_messages 0", `max_inflight_messages ${WINDOW}`].join("\n") });
  const mosquittoVersion = mosquittoVersionText();
  try {
    // An event message as published (envelope + historical/prevHash/hash) is about this big.
    const sample = sampleMessageBytes(dir);
    console.log(`baseline: bare mqtt.js QoS 1, ${sustained} × ${sample} B …`);
    const bare = await baseline(broker.url, sample, sustained);
    console.log(`  ${bare.ratePerS} msg/s`);

    console.log(`durable: ${sustained} events, outbox + uplink + end-to-end ack …`);
    const d = await centralRun(broker.url, sustained, () => runWorker("durable", join(dir, "durable.db"), broker.url, String(sustained)));
    const durable = { n: sustained, ratePerS: rate(sustained, d.firstAt, d.lastAt), producerToAckedMs: Math.round(d.worker.ackedMs as number), duplicates: d.duplicates };
    console.log(`  ${durable.ratePerS} events/s (${(durable.ratePerS / bare.ratePerS).toFixed(2)} × baseline)`);

    console.log(`backlog: filling ${backlogN} events …`);
    const fill = fillBacklog(join(dir, "backlog.db"), backlogN);
    console.log(`  filled at ${fill.ratePerS} events/s; draining …`);
    const b = await centralRun(broker.url, backlogN, () => runWorker("drain", join(dir, "backlog.db"), broker.url));
    const drainS = (b.worker.ackedMs as number) / 1000;
    const backlog = { n: backlogN, drainSeconds: Math.round(drainS * 10) / 10, ratePerS: Math.round(backlogN / drainS), fillRatePerS: fill.ratePerS, duplicates: b.duplicates, drainerRssMB: b.worker.rssMB };
    console.log(`  drained and acked in ${backlog.drainSeconds} s (${backlog.ratePerS} events/s)`);

    const result = {
      date: new Date().toISOString(),
      host: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        node: process.version,
        mosquitto: mosquittoVersion,
        broker: "loopback, set_tcp_nodelay true, max_inflight_messages 100, max_queued_messages 0",
        // Other work on the box skews absolute rates; the ratio is taken within one run.
        loadavg1mAtEnd: Math.round(loadavg()[0]! * 100) / 100,
      },
      window: WINDOW,
      baseline: bare,
      durable: { ...durable, ratioToBaseline: Math.round((durable.ratePerS / bare.ratePerS) * 100) / 100 },
      backlog,
    };
    writeResult("uplink.json", result);
    writeResult("uplink.md", markdown(result));
    return result;
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `mosquitto -h` prints its version first and exits 3. */
function mosquittoVersionText(): string {
  try {
    return execFileSync(MOSQUITTO_BIN, ["-h"], { encoding: "utf8" }).split("\n")[0]!;
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? "").split("\n")[0] ?? "mosquitto";
  }
}

function fillBacklog(path: string, n: number): { ratePerS: number } {
  const db = openDatabase(path);
  const outbox = new Outbox(db, new MetaStore(db).bumpEpoch(), { maxBatch: Number.MAX_SAFE_INTEGER });
  const factory = new EventFactory("center-1", systemClock, outbox);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    outbox.append(factory.make({ type: "TAG_REPORT", category: "location", source: { deviceId: "uwb-1" }, subjects: [{ kind: "tag", id: `t-${i % 500}` }], payload: { x: 12.5, y: 3.25, floor: 1, quality: 87, battery: 93 } }));
    if (i % 10_000 === 9_999) outbox.flush();
  }
  outbox.close();
  const ratePerS = Math.round(n / ((performance.now() - t0) / 1000));
  db.close();
  return { ratePerS };
}

function sampleMessageBytes(dir: string): number {
  const db = openDatabase(join(dir, "sample.db"));
  const outbox = new Outbox(db, 1);
  const factory = new EventFactory("center-1", systemClock, outbox);
  outbox.append(factory.make({ type: "TAG_REPORT", category: "location", source: { deviceId: "uwb-1" }, subjects: [{ kind: "tag", id: "t-1" }], payload: { x: 12.5, y: 3.25, floor: 1, quality: 87, battery: 93 } }));
  outbox.flush();
  const row = outbox.readRows(1, 1)[0]!;
  db.close();
  return row.body.length + 160; // + historical, prevHash, hash
}

function markdown(r: { date: string; host: Record<string, unknown>; baseline: { ratePerS: number; payloadBytes: number; n: number }; durable: { ratePerS: number; ratioToBaseline: number; duplicates: number }; backlog: { n: number; drainSeconds: number; ratePerS: number; fillRatePerS: number; drainerRssMB: unknown } }): string {
  return `# Uplink benchmark (\`npx tsx bench/uplink.ts\`)

Run ${r.date} on ${r.host.cpus} × ${r.host.cpu}, Node ${r.host.node}, ${r.host.mosquitto} (${r.host.broker});
1-minute load average at the end: ${r.host.loadavg1mAtEnd}.
Publisher and central in separate processes; central parses every message.

| What | Rate | Note |
|---|---|---|
| Bare mqtt.js QoS 1 publisher (baseline) | ${r.baseline.ratePerS} msg/s | ${r.baseline.n} × ${r.baseline.payloadBytes} B, window 100 |
| Durable events, end-to-end acked | ${r.durable.ratePerS} events/s | ${r.durable.ratioToBaseline} × baseline; group commit (WAL, FULL), hash chain, in-order drain, acks delete |
| Backlog of ${r.backlog.n} events | drained and acked in ${r.backlog.drainSeconds} s | ${r.backlog.ratePerS} events/s; drainer RSS ${r.backlog.drainerRssMB} MB; store filled at ${r.backlog.fillRatePerS} events/s |
`;
}

if (isEntryPoint(import.meta.url)) console.log(JSON.stringify(await runUplinkBench({ backlog: Number(process.argv[2] ?? 1_000_000) }), null, 2));
