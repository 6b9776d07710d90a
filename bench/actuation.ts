/**
 * Actuation latency: from the observation that triggers an action (a detainee's tag read by an
 * exit exciter) to the lock command's bytes leaving the serial transport, under a background
 * load of presence observations. Real parts end to end: the presence engine, the door
 * controller and alarm bindings (createActions), the driver supervisor and the modbus-relay
 * driver on a TransportPool serial lease, a socat PTY pair, and a simulated Modbus board at the
 * far end. The rules engine is not wired into the daemon yet, so a stand-in does R17's job for
 * this one case (ZONE_ENTER from an exit reader, bound detainee → ESCAPE_ATTEMPT).
 *
 * Three instants are taken per trial on CLOCK_MONOTONIC (process.hrtime), all from the moment t0
 * just before the observation is handed to the presence engine:
 *  - dispatch: the door command reaches DriverSupervisor.command (the daemon's own pipeline);
 *  - write:    serialport's write() is called with the FC05 frame for the strike coil (bytes handed to the OS);
 *  - wire:     the whole frame has arrived at the board's end of the PTY pair (bytes have left the
 *              transport), stamped by the board in its own process so our event loop does not delay it.
 * Baselines in the same run: the same command sent straight to supervisor.command (transport
 * cost only), and the full path with no background load.
 *
 * Run: `npx tsx bench/actuation.ts` or `npm run bench -- actuation` (writes bench/results/actuation.json and .md).
 */
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { isEntryPoint, writeResult } from "./lib.js";
import { dispatchStamps, loadSource, mono, rig, rng, writeStamps, type BoardProcess, type Rig } from "./actuation-rig.js";

interface Sample {
  dispatch: number;
  write: number;
  wire: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the trial's strike write to reach the board; returns both latencies from t0. */
async function awaitStrike(board: BoardProcess, t0: number, before: { arrivals: number; writes: number; dispatches: number }): Promise<Sample | null> {
  const deadline = mono() + 2000;
  while (board.arrivals.length === before.arrivals) {
    if (mono() > deadline) return null;
    await new Promise((r) => setImmediate(r));
  }
  const at = (xs: number[], i: number) => (xs[i] ?? NaN) - t0;
  return { dispatch: at(dispatchStamps, before.dispatches), write: at(writeStamps, before.writes), wire: at(board.arrivals, before.arrivals) };
}

async function runTrials(r: Rig, trials: number, loadPerS: number, mode: "full" | "transport", warmup = 50): Promise<{ samples: Sample[]; missed: number; achievedLoad: number; loopDelayP99Ms: number }> {
  const source = loadSource(500, 11);
  const rand = rng(5);
  let fed = 0;
  const startedAt = performance.now();
  const loadTimer = loadPerS > 0 ? setInterval(() => {
    const due = Math.floor(((performance.now() - startedAt) / 1000) * loadPerS) - fed;
    const now = Date.now();
    for (let i = 0; i < due; i++) r.presence.ingest(source(now), now);
    fed += Math.max(0, due);
  }, 5) : null;
  const tickTimer = setInterval(() => r.presence.tick(Date.now()), 1000);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  await sleep(300); // let the load settle in
  const samples: Sample[] = [];
  let missed = 0;
  for (let i = -warmup; i < trials; i++) {
    await sleep(10 + rand() * 20);
    const tagId = `det-${mode}-${loadPerS}-${i}`;
    r.bindings.bind(tagId, { personId: `p-${i}`, role: "detainee" });
    const before = { arrivals: r.board.arrivals.length, writes: writeStamps.length, dispatches: dispatchStamps.length };
    const t0 = mono();
    if (mode === "full") r.presence.ingest({ kind: "reader", tagId, readerId: "exit-exciter", method: "lf_exciter" }, Date.now());
    else void r.supervisor.command("io-1", { id: `direct-${i}`, values: { "strike-1": "off" }, origin: "rule", requestedBy: "bench", reason: "baseline", deadline: Date.now() + 2000 });
    const s = await awaitStrike(r.board, t0, before);
    if (i < 0) continue;
    if (s) samples.push(s);
    else missed++;
  }
  if (loadTimer) clearInterval(loadTimer);
  clearInterval(tickTimer);
  loop.disable();
  const seconds = (performance.now() - startedAt) / 1000;
  return { samples, missed, achievedLoad: Math.round(fed / seconds), loopDelayP99Ms: Number((loop.percentile(99) / 1e6).toFixed(2)) };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(3));
};
const summarize = (what: string, r: Awaited<ReturnType<typeof runTrials>>) => {
  const stats = (key: keyof Sample) => {
    const xs = r.samples.map((s) => s[key]).filter(Number.isFinite);
    return xs.length ? { p50: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99), max: pct(xs, 100) } : null;
  };
  return {
    what,
    trials: r.samples.length,
    missed: r.missed,
    backgroundObservationsPerS: r.achievedLoad,
    eventLoopDelayP99Ms: r.loopDelayP99Ms,
    toDispatchMs: stats("dispatch"),
    toWriteMs: stats("write")!,
    toWireMs: stats("wire")!,
  };
};

export async function runActuationBench(opts: { trials?: number; load?: number } = {}) {
  const trials = opts.trials ?? 600;
  const load = opts.load ?? 5000;
  const memory = await rig(false);
  const transport = summarize("supervisor.command straight to the board (transport cost only)", await runTrials(memory, trials, 0, "transport"));
  const idle = summarize("exit-reader observation → strike write, no background load", await runTrials(memory, trials, 0, "full"));
  const loaded = summarize(`exit-reader observation → strike write, ${load} observations/s in the background`, await runTrials(memory, trials, load, "full"));
  await memory.close();
  const quietBus = await rig(false, 60_000);
  const loadedQuietBus = summarize(`as loaded, board polled once a minute (no poll turn to wait for)`, await runTrials(quietBus, trials, load, "full"));
  await quietBus.close();
  const stored = await rig(true);
  const loadedStore = summarize(`as above, with presence state, events and audit in SQLite (WAL, synchronous=FULL) as in the daemon`, await runTrials(stored, trials, load, "full"));
  await stored.close();
  return {
    benchmark: "actuation",
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    loadAverage1m: loadavg()[0],
    setup: {
      path: "PresenceEngine.ingest → ZONE_ENTER (exit reader) → R17 stand-in → AlarmActions → DoorController.request(lock) → DriverSupervisor.command → modbus-relay driver → serial lease → socat PTY → board simulator",
      board: "modbus-relay driver, default 250 ms input/coil poll on the same bus (a command waits for a poll turn in progress)",
      backgroundTags: 500,
      trialsPerCase: trials,
    },
    transport,
    idle,
    loaded,
    loadedQuietBus,
    loadedStore,
    /** Loaded full path over transport-only p99 (wire), same run. */
    ratioLoadedToTransportP99: Number((loaded.toWireMs.p99 / transport.toWireMs.p99).toFixed(2)),
    target: { p99Ms: 10, met: loaded.toWireMs.p99 < 10, specificationMs: 250 },
  };
}

type Report = Awaited<ReturnType<typeof runActuationBench>>;

/** The figures as a table for docs/doors.md readers. */
function markdown(r: Report): string {
  const cases = [r.transport, r.idle, r.loaded, r.loadedQuietBus, r.loadedStore];
  const cell = (s: { p50: number; p99: number } | null) => (s ? `${s.p50} / ${s.p99}` : "–");
  const rows = cases.map((c) => `| ${c.what} | ${c.backgroundObservationsPerS} | ${cell(c.toDispatchMs)} | ${cell(c.toWriteMs)} | ${cell(c.toWireMs)} | ${c.toWireMs.max} | ${c.eventLoopDelayP99Ms} |`);
  return [
    `# Actuation latency (${r.date})`,
    "",
    `Node ${r.node}, ${r.cpu}, load average ${r.loadAverage1m?.toFixed(2)} (1 min) while measuring; ${r.setup.trialsPerCase} trials per case.`,
    "",
    `Path: ${r.setup.path}.`,
    "",
    "Milliseconds from the exit-reader observation (p50 / p99): dispatch = the door command reaches the driver supervisor;",
    "write = serialport write() of the FC05 frame; wire = the frame complete at the board's end of the PTY pair (stamped in the board's own process).",
    "",
    "| case | background obs/s | dispatch | write | wire | wire max | event-loop delay p99 |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Target p99 < ${r.target.p99Ms} ms (wire, loaded): ${r.target.met ? "met" : "not met"}; the detention-control specification asks for ${r.target.specificationMs} ms.`,
    "",
  ].join("\n");
}

/** Runs the bench and writes bench/results/actuation.json and .md. */
export async function actuationReport(opts: { trials?: number; load?: number } = {}) {
  const result = await runActuationBench(opts);
  writeResult("actuation.json", result);
  writeResult("actuation.md", markdown(result));
  return { result, markdown: markdown(result) };
}

if (isEntryPoint(import.meta.url)) {
  console.log((await actuationReport()).markdown);
  process.exit(0);
}
