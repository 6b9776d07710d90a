#!/usr/bin/env node
import { parseArgs } from "node:util";
import { ExitCode } from "../core/errors.js";
import { builtinDrivers } from "../drivers/builtin.js";
import { packageVersion } from "./version.js";

const HELP = `custody-edge — edge controller for case-handling centers

Usage:
  custody-edge run --config <file> [--log-level <level>]   run the daemon
  custody-edge check-config <file>                         validate a site config, print every error with its path
  custody-edge schema                                      print the config JSON Schema
  custody-edge drivers                                     list the drivers this build knows
  custody-edge audit verify --db <file>                    verify the hash chain of a state store
  custody-edge --version | --help

Exit codes: 0 ok, 1 failure, 64 usage error, 70 stop deadline exceeded, 78 configuration error.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "--help":
    case "-h":
    case "help":
      process.stdout.write(`${HELP}\n`);
      return command === undefined ? ExitCode.USAGE : ExitCode.OK;
    case "--version":
    case "-v":
      process.stdout.write(`${packageVersion()}\n`);
      return ExitCode.OK;
    case "run": {
      const { values } = parseArgs({ args: rest, options: { config: { type: "string", short: "c" }, "log-level": { type: "string" } } });
      if (!values.config) return usage("run needs --config <file>");
      const { runCommand } = await import("./run.js");
      return runCommand(values.config, { logLevel: values["log-level"] });
    }
    case "check-config": {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      if (positionals.length !== 1) return usage("check-config needs exactly one <file>");
      const { checkConfigCommand } = await import("../config/check.js");
      return checkConfigCommand(positionals[0]!, builtinDrivers(), process.stdout, process.stderr);
    }
    case "schema": {
      const { printSchema } = await import("../config/json-schema.js");
      printSchema(process.stdout);
      return ExitCode.OK;
    }
    case "drivers": {
      const { printDrivers } = await import("./drivers.js");
      printDrivers(builtinDrivers(), process.stdout);
      return ExitCode.OK;
    }
    case "audit": {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { db: { type: "string" } } });
      if (positionals[0] !== "verify" || !values.db) return usage("audit verify --db <file>");
      const { auditVerifyCommand } = await import("./audit.js");
      return auditVerifyCommand(values.db, process.stdout, process.stderr);
    }
    default:
      return usage(`unknown command "${command}"`);
  }
}

function usage(message: string): number {
  process.stderr.write(`custody-edge: ${message}\n\n${HELP}\n`);
  return ExitCode.USAGE;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof TypeError && "code" in err && String((err as { code: unknown }).code).startsWith("ERR_PARSE_ARGS")) {
      process.exitCode = usage(err.message);
      return;
    }
    process.stderr.write(`custody-edge: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = ExitCode.FAILURE;
  },
);
