/**
 * The actuation bench's rig (see bench/actuation.ts): the daemon's actuation path from the
 * presence engine to a Modbus relay board on a socat PTY pair, with time stamps at the driver
 * supervisor and at serialport's write(), and the board in its own process.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SerialPort } from "serialport";
import { modbusRelay } from "../devices/modbus-relay/definition.js";
import { createActions, type ActionServices } from "../src/actions/index.js";
import { SiteConfig, type SiteConfigInput } from "../src/config/schema.js";
import { systemClock } from "../src/core/clock.js";
import type { EventDraft } from "../src/core/envelope.js";
import { EventFactory } from "../src/core/events.js";
import { createLogger } from "../src/core/logger.js";
import type { Observation } from "../src/drivers/contract.js";
import { DriverRegistry } from "../src/drivers/registry.js";
import { DriverSupervisor } from "../src/drivers/supervisor.js";
import { compileSite, MemoryTagBindings, PresenceEngine, SqlitePresenceStore } from "../src/presence/index.js";
import type { AlarmAction } from "../src/rules/alarm-types.js";
import { AuditLog } from "../src/store/audit-log.js";
import { openDatabase, type Db } from "../src/store/db.js";
import { MetaStore } from "../src/store/meta.js";
import { Outbox } from "../src/store/outbox.js";
import { TransportPool } from "../src/transports/pool.js";
import { startPtyPair } from "../test/helpers/socat.js";

const ROOMS = 24;
const STRIKE_COIL = 0;

function siteConfig(path: string): SiteConfigInput {
  const box = (x0: number, y0: number): Array<[number, number]> => [[x0, y0], [x0 + 8, y0], [x0 + 8, y0 + 10], [x0, y0 + 10]];
  const rooms = Array.from({ length: ROOMS }, (_, i) => ({ id: `room-${i}`, type: i % 2 ? ("holding" as const) : ("interrogation" as const), shapes: [{ polygon: box((i % 12) * 8, i < 12 ? 14 : 0) }] }));
  return {
    version: 1,
    center: { id: "bench", name: "Actuation bench" },
    gateway: { id: "gw-bench" },
    areas: [
      {
        id: "secure",
        type: "secure_area",
        rooms: [{ id: "corridor", type: "corridor", shapes: [{ polygon: [[0, 10], [96, 10], [96, 14], [0, 14]] }] }, ...rooms, { id: "exit", type: "exit" }],
      },
      { id: "outside", type: "outside" },
    ],
    doors: [{ id: "exit-outer", between: ["exit", "outside"], failMode: "secure", lock: { device: "io-1", point: "strike-1" }, contact: { device: "io-1", point: "contact-1" } }],
    devices: [{ id: "io-1", driver: "modbus-relay", transport: { kind: "serial", path } }],
    presence: { readers: [...rooms.map((r) => ({ id: `lf-${r.id}`, zone: r.id })), { id: "exit-exciter", zone: "exit", exit: true }] },
    actions: { bindings: [{ alarm: "ESCAPE_ATTEMPT", actions: [{ kind: "lock_doors", doors: ["exit-outer"] }, { kind: "relay", device: "io-1", point: "siren", forS: 2 }] }] },
  };
}

/** CLOCK_MONOTONIC in ms: the same clock in this process and in the board's. */
export const mono = () => Number(process.hrtime.bigint()) / 1e6;

/** The board in its own process (bench/actuation-board.ts), reporting when strike writes arrived. */
export interface BoardProcess {
  readonly arrivals: number[];
  stop(): Promise<void>;
}

async function startBoard(path: string): Promise<BoardProcess> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "actuation-board.ts");
  const child = fork(script, [path, String(STRIKE_COIL)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const arrivals: number[] = [];
  const failed = (code: number | null) => new Error(`board process exited (${code})`);
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(failed(code)));
    child.on("message", (m: { ready?: boolean; arrivedNs?: string }) => {
      if (m.ready) resolve();
      if (m.arrivedNs) arrivals.push(Number(BigInt(m.arrivedNs)) / 1e6);
    });
  });
  child.removeAllListeners("exit");
  return {
    arrivals,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send("stop");
      }),
  };
}

/** supervisor.command calls for the strike, and serialport write() calls carrying its FC05 frame. */
export const dispatchStamps: number[] = [];
export const writeStamps: number[] = [];
const originalWrite = SerialPort.prototype.write;
SerialPort.prototype.write = function (this: SerialPort, data: unknown, ...rest: unknown[]) {
  if (Buffer.isBuffer(data) && data.length === 8 && data[1] === 0x05 && data.readUInt16BE(2) === STRIKE_COIL) writeStamps.push(mono());
  return (originalWrite as (...a: unknown[]) => boolean).call(this, data, ...rest);
} as typeof SerialPort.prototype.write;

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Background tags wandering between rooms: 70% UWB coordinates, 30% room reader reads. */
export function loadSource(tags: number, seed: number): (now: number) => Observation {
  const r = rng(seed);
  const walkers = Array.from({ length: tags }, () => ({ room: Math.floor(r() * ROOMS), until: 0 }));
  let k = 0;
  return (now) => {
    const tagId = `bg-${k}`;
    const w = walkers[k]!;
    k = (k + 1) % tags;
    if (now >= w.until) [w.room, w.until] = [Math.floor(r() * ROOMS), now + 10_000 + r() * 50_000];
    if (r() < 0.3) return { kind: "reader", tagId, readerId: `lf-room-${w.room}`, method: "rf24" };
    const x = (w.room % 12) * 8 + 0.5 + r() * 7;
    const y = (w.room < 12 ? 14.5 : 0.5) + r() * 9;
    return { kind: "coordinates", tagId, x, y, quality: 80, method: "uwb", deviceTime: now };
  };
}

export interface Rig {
  presence: PresenceEngine;
  bindings: MemoryTagBindings;
  actions: ActionServices;
  supervisor: DriverSupervisor;
  board: BoardProcess;
  close(): Promise<void>;
}

/** The daemon's actuation path; with `store`, presence state, events and audit go to SQLite as in the daemon. */
export async function rig(withStore: boolean, pollMs = 250): Promise<Rig> {
  const pair = await startPtyPair();
  const board = await startBoard(pair.b);
  const config = SiteConfig.parse(siteConfig(pair.a));
  config.devices[0]!.options = modbusRelay.optionsSchema.parse({ coils: { "strike-1": STRIKE_COIL, siren: 3 }, inputs: { "contact-1": 0 }, pollMs }) as Record<string, unknown>;
  const log = createLogger({ level: "silent" });
  const pool = new TransportPool({ log });
  const registry = DriverRegistry.of(modbusRelay);
  let dir: string | null = null;
  let db: Db | null = null;
  let outbox: Outbox | null = null;
  let audit: { record(i: Parameters<AuditLog["record"]>[0]): unknown } = { record: () => undefined };
  let record = (_d: readonly EventDraft[]) => {};
  if (withStore) {
    dir = mkdtempSync(join(tmpdir(), "actuation-bench-"));
    db = openDatabase(join(dir, "state.db"));
    outbox = new Outbox(db, new MetaStore(db).bumpEpoch());
    const factory = new EventFactory("bench", systemClock, outbox);
    audit = new AuditLog(outbox, factory);
    const ob = outbox;
    record = (drafts) => drafts.forEach((d) => ob.append(factory.make(d)));
  }

  let actions!: ActionServices;
  const supervisor = new DriverSupervisor({
    registry,
    clock: systemClock,
    log,
    acquire: (device) => pool.acquire(device.id, device.transport as Parameters<TransportPool["acquire"]>[1]),
    storeFor: () => ({ get: () => undefined, set: () => {} }),
    onMessage: (deviceId, _def, msg) => actions.onDeviceMessage(deviceId, msg),
  });
  const send = (id: string, cmd: Parameters<DriverSupervisor["command"]>[1]) => {
    if ("strike-1" in cmd.values) dispatchStamps.push(mono());
    return supervisor.command(id, cmd);
  };
  // Read-back as the daemon wires it: modbus-relay reports only changes, so the doors become known by asking the board.
  const readBack = (id: string, points: readonly string[]) => supervisor.read(id, points);
  actions = createActions({ config, registry, clock: systemClock, send, readBack, sinks: { events: record, alarms: () => {}, audit }, log });
  const bindings = new MemoryTagBindings();
  let trial = 0;
  const presence = new PresenceEngine({
    site: compileSite(config),
    bindings,
    ...(db ? { store: new SqlitePresenceStore(db) } : {}),
    sink: (drafts) => {
      record(drafts);
      // Stand-in for R17 (src/rules/detectors/escape.ts): an exit-reader entry of a bound detainee.
      for (const d of drafts) {
        if (d.type !== "ZONE_ENTER" || d.payload.exitReader !== true || d.role !== "detainee") continue;
        const alarm: AlarmAction = { kind: "raise", type: "ESCAPE_ATTEMPT", ruleId: "R17", severity: 4, dedupKey: `ESCAPE_ATTEMPT|${d.personId}|${trial++}`, subjects: [d.personId!], message: "leaving at the exit", params: {} };
        actions.onAlarm(alarm);
      }
    },
  });
  actions.start();
  await supervisor.startAll(config.devices);
  const until = Date.now() + 5000;
  while (!actions.doors.view("exit-outer")!.known) {
    if (Date.now() > until) throw new Error("exit door never read back from the board");
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    presence,
    bindings,
    actions,
    supervisor,
    board,
    async close() {
      await actions.stop();
      await supervisor.stopAll(1000);
      await pool.closeAll(2000);
      await board.stop();
      await pair.stop();
      outbox?.flush();
      outbox?.close();
      db?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
