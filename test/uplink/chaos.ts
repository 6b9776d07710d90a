import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "vitest";
import { verifyStore } from "../../src/store/audit-verify.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";
import { Central } from "./central.js";

const PRODUCER = join(import.meta.dirname, "fixtures/producer.ts");

/** The producer fixture as a real process that can be SIGKILLed and started again on its store. */
export class ProducerProcess {
  private child: ChildProcess | undefined;
  starts = 0;
  output = "";

  constructor(
    readonly dbPath: string,
    private readonly url: string,
    private readonly target: number,
    private readonly rate: number,
  ) {}

  start(): void {
    this.starts++;
    const child = spawn(process.execPath, ["--import", "tsx", PRODUCER, this.dbPath, this.url, String(this.target), String(this.rate)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (this.output += d.toString()));
    this.child = child;
  }

  /** SIGKILL (no flush, no goodbye) and wait until it is gone. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGKILL");
    await gone;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGTERM");
    const t = setTimeout(() => c.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(t);
  }
}

export interface Chaos {
  broker: RunningMosquitto;
  central: Central;
  producer: ProducerProcess;
  dir: string;
  /** Run `faults` at their offsets (ms from now), in order. */
  schedule(faults: { at: number; what: string; run: () => Promise<void> | void }[]): Promise<string[]>;
  close(): Promise<void>;
}

export async function startChaos(target: number, rate: number): Promise<Chaos> {
  const dir = mkdtempSync(join(tmpdir(), "uplink-chaos-"));
  // Mosquitto defaults on purpose (persistence off, max_queued_messages 1000): the uplink must
  // not depend on the broker keeping anything.
  const broker = await startMosquitto({ extraConf: "set_tcp_nodelay true" });
  const central = new Central({ url: broker.url, site: "site-a", gatewayId: "gw-1", ackEveryMs: 100, reAckMs: 500 });
  await central.start();
  const producer = new ProducerProcess(join(dir, "state.db"), broker.url, target, rate);
  producer.start();
  const t0 = Date.now();
  return {
    broker,
    central,
    producer,
    dir,
    async schedule(faults) {
      const log: string[] = [];
      for (const f of faults) {
        const wait = t0 + f.at - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await f.run();
        log.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${f.what} (central has ${central.contiguous})`);
      }
      return log;
    },
    async close() {
      await producer.stop();
      await central.stop();
      broker.kill("SIGCONT");
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The outbox floor (highest seq acked and deleted) as stored in the file. */
export function storedFloor(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'outbox.state'").get();
    return row ? (JSON.parse(row.value) as { floor: { key: number } }).floor.key : 0;
  } finally {
    db.close();
  }
}

/**
 * What the central side must see: every seq 1…target, applied once and in order (Central
 * reorders and dedupes by eventId), no seq ever carrying two different events, and each event
 * linked by hash to the one before it — so nothing was lost, reused or substituted across
 * restarts. The store must end fully acked with both chains intact.
 */
export function expectCompleteStream(central: Central, dbPath: string, target: number): void {
  expect(central.conflicts).toEqual([]);
  expect(central.contiguous).toBe(target);
  expect(central.applied.length).toBe(target);
  let broken = 0;
  for (let seq = 1; seq <= target; seq++) {
    if (central.applied[seq - 1] !== seq) throw new Error(`applied out of order at position ${seq}: ${central.applied[seq - 1]}`);
    if (seq > 1 && central.events.get(seq)!.prevHash !== central.events.get(seq - 1)!.hash) broken++;
  }
  expect(broken).toBe(0);
  const db = new Database(dbPath, { readonly: true });
  try {
    expect(verifyStore(db).ok).toBe(true);
  } finally {
    db.close();
  }
}
