/**
 * The benchmarks `npm run bench` knows, what a quick run scales down, and how each report
 * becomes rows of the summary: one measured path against the baseline measured beside it in the
 * same run, as a ratio (absolute rates depend on the box; the ratio much less).
 */
import { actuationReport } from "./actuation.js";
import { presenceReport } from "./presence.js";
import { rulesReport } from "./rules.js";
import { runUplinkBench } from "./uplink.js";

export interface SummaryRow {
  measured: string;
  baseline: string;
  ratio: number;
  /** Which way a change of the ratio is an improvement. */
  better: "lower" | "higher";
  /** The headline absolute figure, for orientation. */
  figure: string;
  target?: string;
}

export interface Benchmark {
  readonly what: string;
  run(quick: boolean): Promise<SummaryRow[]>;
}

const n = (x: number) => Math.round(x).toLocaleString("en-US");

export const BENCHMARKS: Record<string, Benchmark> = {
  presence: {
    what: "presence engine throughput, 500 tags",
    async run(quick) {
      const r = presenceReport(quick ? { observations: 100_000, runs: 3 } : {});
      return [
        {
          measured: `PresenceEngine: parse + ingest + ticks, ${r.setup.tags} tags × ${r.setup.rateHz} Hz (CPU)`,
          baseline: "JSON.parse of the same lines (CPU)",
          ratio: r.ratio,
          better: "lower",
          figure: `${n(r.engine.observationsPerCpuSecond)} obs per CPU-s`,
          target: `≥ ${n(r.target.observationsPerSecond)} obs/s: ${r.target.met ? "met" : "not met"}`,
        },
      ];
    },
  },
  rules: {
    what: "rule evaluation cost per observation, 500 people",
    async run(quick) {
      const r = rulesReport(quick ? { seconds: 60, runs: 3 } : {});
      return r.scenarios.map((s) => ({
        measured: `presence + all runtime rules, ${r.setup.people} people, ${s.rateHz} Hz (CPU)`,
        baseline: "presence alone, same observations (CPU)",
        ratio: s.ratio,
        better: "lower" as const,
        figure: `rules ${s.rulesMicrosecondsPerObservation} µs per observation`,
      }));
    },
  },
  uplink: {
    what: "store-and-forward uplink against a local Mosquitto",
    async run(quick) {
      const r = await runUplinkBench(quick ? { backlog: 100_000, sustained: 50_000 } : {});
      return [
        {
          measured: "durable events: outbox (WAL, FULL) → uplink → central, acked end to end",
          baseline: `bare mqtt.js QoS 1 publisher, window ${r.window}, same broker`,
          ratio: r.durable.ratioToBaseline,
          better: "higher",
          figure: `${n(r.durable.ratePerS)} events/s (baseline ${n(r.baseline.ratePerS)} msg/s)`,
        },
        {
          measured: `backlog of ${n(r.backlog.n)} events drained and acked from a cold start`,
          baseline: "bare mqtt.js QoS 1 publisher, same broker",
          ratio: Number((r.backlog.ratePerS / r.baseline.ratePerS).toFixed(2)),
          better: "higher",
          figure: `${r.backlog.drainSeconds} s (${n(r.backlog.ratePerS)} events/s, drainer RSS ${String(r.backlog.drainerRssMB)} MB)`,
        },
      ];
    },
  },
  actuation: {
    what: "exit-reader observation to lock command bytes on a serial line",
    async run(quick) {
      const { result: r } = await actuationReport(quick ? { trials: 200 } : {});
      return [
        {
          measured: `observation → strike frame at the board, p99, ${n(r.loaded.backgroundObservationsPerS)} obs/s background`,
          baseline: "supervisor.command straight to the board, p99",
          ratio: r.ratioLoadedToTransportP99,
          better: "lower",
          figure: `p99 ${r.loaded.toWireMs.p99} ms, p50 ${r.loaded.toWireMs.p50} ms`,
          target: `p99 < ${r.target.p99Ms} ms: ${r.target.met ? "met" : "not met"}`,
        },
      ];
    },
  },
};
