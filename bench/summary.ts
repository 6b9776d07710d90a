/**
 * bench/results/summary.md and summary.json: one table of every benchmark's ratio against its
 * baseline, with the machine each was measured on. A run of some benchmarks replaces their rows
 * and keeps the others from the previous summary, each row saying when it was measured.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { RESULTS_DIR, writeResult } from "./lib.js";
import type { SummaryRow } from "./suite.js";

export interface Machine {
  nproc: number;
  node: string;
  cpu: string;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: number[];
}

export interface BenchEntry {
  date: string;
  quick: boolean;
  seconds: number;
  /** The box while this benchmark ran: load average when it started. */
  machine: Machine;
  rows: SummaryRow[];
  error?: string;
}

export interface Summary {
  updated: string;
  benchmarks: Record<string, BenchEntry>;
}

export function machine(): Machine {
  const text = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };
  return {
    nproc: Number(text("nproc", [])) || cpus().length,
    node: text(process.execPath, ["--version"]) || process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const SUMMARY_JSON = join(RESULTS_DIR, "summary.json");

export function previousSummary(): Summary {
  if (!existsSync(SUMMARY_JSON)) return { updated: "", benchmarks: {} };
  return JSON.parse(readFileSync(SUMMARY_JSON, "utf8")) as Summary;
}

/** Merges this run's entries over the previous summary and writes summary.json and summary.md. */
export function writeSummary(entries: Record<string, BenchEntry>, order: readonly string[]): Summary {
  const prev = previousSummary();
  const benchmarks: Record<string, BenchEntry> = {};
  for (const name of order) {
    const entry = entries[name] ?? prev.benchmarks[name];
    if (entry) benchmarks[name] = entry;
  }
  const summary: Summary = { updated: new Date().toISOString(), benchmarks };
  writeResult("summary.json", summary);
  writeResult("summary.md", markdown(summary));
  return summary;
}

const cell = (s: string) => s.replaceAll("|", "\\|");

export function markdown(s: Summary): string {
  const lines = [
    "# Benchmark summary (`npm run bench`)",
    "",
    "Each benchmark measures a path of the daemon and, in the same run on the same box, a baseline that does the",
    "unavoidable part of the work (parse the input, publish the bytes, move the lock). The ratio is measured ÷ baseline;",
    "absolute rates move with the machine and its load, the ratio much less. Details per benchmark: bench/results/<name>.json",
    "(and .md where written).",
    "",
    "| benchmark | measured | baseline | ratio | better | figure | target |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const [name, e] of Object.entries(s.benchmarks)) {
    if (e.error) lines.push(`| ${name} | failed: ${cell(e.error)} | | | | | |`);
    for (const r of e.rows) lines.push(`| ${name} | ${cell(r.measured)} | ${cell(r.baseline)} | **${r.ratio}** | ${r.better} | ${cell(r.figure)} | ${cell(r.target ?? "")} |`);
  }
  lines.push("", "## Runs", "", "| benchmark | date | mode | duration | nproc | node | cpu | load average (1/5/15 min) at start |", "|---|---|---|---|---|---|---|---|");
  for (const [name, e] of Object.entries(s.benchmarks)) {
    const m = e.machine;
    lines.push(`| ${name} | ${e.date} | ${e.quick ? "quick" : "full"} | ${Math.round(e.seconds)} s | ${m.nproc} | ${m.node} | ${cell(m.cpu)} | ${m.loadAverage.join(" / ")} |`);
  }
  lines.push("");
  return lines.join("\n");
}

/** The table for the terminal. */
export function consoleTable(s: Summary, only: readonly string[]): string {
  const rows = Object.entries(s.benchmarks)
    .filter(([name]) => only.includes(name))
    .flatMap(([name, e]) => (e.error ? [[name, `FAILED: ${e.error}`, "", "", ""]] : e.rows.map((r) => [name, r.measured, String(r.ratio), `${r.better} is better`, r.figure])));
  const header = ["benchmark", "measured (÷ its baseline)", "ratio", "", "figure"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
