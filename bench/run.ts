/**
 * `npm run bench [-- <name>…] [--quick]`: runs the benchmarks of bench/suite.ts (all, or the
 * named ones) one after another, each in its own process so one's heap, JIT state and open
 * handles cannot colour the next; prints one table of ratios against their baselines and
 * updates bench/results/summary.md (and each benchmark's own results file).
 *
 * --quick scales every benchmark down (the uplink backlog to 100,000 events) for a check in a
 * minute or two; the full run takes about ten minutes on two cores.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BENCHMARKS, type SummaryRow } from "./suite.js";
import { consoleTable, machine, writeSummary, type BenchEntry } from "./summary.js";

const ROWS_MARK = "@@summary-rows ";

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run bench [-- <${Object.keys(BENCHMARKS).join("|")}>… ] [--quick]\n`);
  process.exit(64);
}

/** In the child: run one benchmark, hand its rows to the parent on the last stdout line. */
async function child(name: string, quick: boolean): Promise<void> {
  const rows = await BENCHMARKS[name]!.run(quick);
  process.stdout.write(`\n${ROWS_MARK}${JSON.stringify(rows)}\n`);
  process.exit(0); // a benchmark may leave a handle open (serial lines, timers): the rows are out
}

function runChild(name: string, quick: boolean): Promise<BenchEntry> {
  const started = performance.now();
  const date = new Date().toISOString();
  const box = machine();
  const args = ["--import", "tsx", fileURLToPath(import.meta.url), "--child", name, ...(quick ? ["--quick"] : [])];
  return new Promise((resolve) => {
    const c = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let rows: SummaryRow[] | null = null;
    let pending = "";
    c.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const l of lines) {
        if (l.startsWith(ROWS_MARK)) rows = JSON.parse(l.slice(ROWS_MARK.length)) as SummaryRow[];
        else if (l.trim()) process.stdout.write(`  [${name}] ${l}\n`);
      }
    });
    c.on("exit", (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const entry: BenchEntry = { date, quick, seconds, machine: box, rows: rows ?? [] };
      if (!rows) entry.error = `exited with ${signal ?? code} before reporting`;
      resolve(entry);
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const childAt = argv.indexOf("--child");
  if (childAt >= 0) {
    await child(argv[childAt + 1]!, quick);
    return 0;
  }
  const unknownFlag = argv.find((a) => a.startsWith("-") && a !== "--quick");
  if (unknownFlag) usage(`unknown option ${unknownFlag}`);
  const named = argv.filter((a) => !a.startsWith("-"));
  for (const n of named) if (!(n in BENCHMARKS)) usage(`unknown benchmark "${n}"`);
  const selected = named.length > 0 ? Object.keys(BENCHMARKS).filter((n) => named.includes(n)) : Object.keys(BENCHMARKS);

  const box = machine();
  console.log(`benchmarks: ${selected.join(", ")}${quick ? " (quick)" : ""} — ${box.nproc} CPUs, node ${box.node}, load ${box.loadAverage.join(" / ")}`);
  const entries: Record<string, BenchEntry> = {};
  for (const name of selected) {
    console.log(`\n▶ ${name}: ${BENCHMARKS[name]!.what}`);
    entries[name] = await runChild(name, quick);
    console.log(`  ${entries[name].error ? `✖ ${entries[name].error}` : "✔"} ${Math.round(entries[name].seconds)} s`);
  }
  const summary = writeSummary(entries, Object.keys(BENCHMARKS));
  console.log(`\n${consoleTable(summary, selected)}\n\nwritten: bench/results/summary.md`);
  return Object.values(entries).some((e) => e.error) ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
