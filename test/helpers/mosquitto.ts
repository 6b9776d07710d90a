import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real Mosquitto broker for tests, on 127.0.0.1 and a free port, with its config, log and
 * (optional) persistence file in a temp dir. `restart()` keeps port and dir, so a test can check
 * what survives a broker restart.
 */
export interface MosquittoOptions {
  persistence?: boolean;
  /** Reuse a directory (e.g. to start a second broker on an old persistence file). */
  dir?: string;
  port?: number;
  /** Appended verbatim to mosquitto.conf. */
  extraConf?: string;
}

export interface RunningMosquitto {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Pid of the current process (changes after restart). */
  readonly pid: number;
  /** SIGTERM, wait for exit; removes the temp dir unless it was given by the caller. */
  stop(): Promise<void>;
  /** Send a signal without waiting (SIGKILL to simulate a crash, SIGSTOP to freeze it). */
  kill(signal: NodeJS.Signals): void;
  /** Stop (if still running) and start again with the same config, port and dir. */
  restart(): Promise<void>;
}

export const MOSQUITTO_BIN = "/usr/sbin/mosquitto";
const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<RunningMosquitto> {
  if (!existsSync(MOSQUITTO_BIN)) throw new Error("mosquitto not found: apt-get install -y mosquitto");
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "mosquitto-test-")));
  const port = opts.port ?? (await freePort());
  const confPath = join(dir, "mosquitto.conf");
  const lines = [
    `listener ${port} 127.0.0.1`,
    "allow_anonymous true",
    // Started as root (containers, CI), mosquitto would switch to user "mosquitto" and lose
    // access to the temp dir.
    ...(process.getuid?.() === 0 ? ["user root"] : []),
    `log_dest file ${join(dir, "mosquitto.log")}`,
    "log_type error",
    "log_type warning",
    "log_type notice",
    ...(opts.persistence ? ["persistence true", `persistence_location ${dir}/`] : ["persistence false"]),
    opts.extraConf ?? "",
  ];
  await writeFile(confPath, lines.join("\n") + "\n");

  let child: ChildProcess = await launch(confPath, port);

  const stopChild = async (): Promise<void> => {
    const c = child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    c.kill("SIGTERM");
    const timer = setTimeout(() => c.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child.pid ?? -1;
    },
    async stop() {
      await stopChild();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
    kill(signal) {
      child.kill(signal);
    },
    async restart() {
      await stopChild();
      child = await launch(confPath, port);
    },
  };
}

async function launch(confPath: string, port: number): Promise<ChildProcess> {
  const child = spawn(MOSQUITTO_BIN, ["-c", confPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const spawnFailed = new Promise<never>((_, reject) => {
    child.once("error", (e) => reject(new Error(`mosquitto failed to start: ${e.message}`)));
    child.once("exit", (code, sig) => reject(new Error(`mosquitto exited (code ${code}, signal ${sig}) before listening: ${stderr.trim()}`)));
  });
  spawnFailed.catch(() => undefined);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ok = await Promise.race([acceptsTcp(port), spawnFailed]);
    if (ok) return child;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => {
      sock.destroy();
      resolve(false);
    });
  });
}
