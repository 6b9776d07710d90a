import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";

/**
 * A virtual null-modem cable: two PTYs joined by socat, reachable under link names in a
 * per-test temp dir (PROTOCOLS.md §8). `kill()` unplugs the cable (both links vanish) and
 * `start()` plugs it back under the same names, which is how reconnects are tested.
 */
export interface PtyPair {
  /** Link to one end (give it to the code under test). */
  readonly a: string;
  /** Link to the other end (the test plays the device here). */
  readonly b: string;
  /** Kill socat and wait until both links are gone. */
  kill(): Promise<void>;
  /** Start socat again with the same link names; resolves when both links exist. */
  start(): Promise<void>;
  /** Kill socat and remove the temp dir. */
  stop(): Promise<void>;
}

const SOCAT_INSTALL = "socat not found: apt-get install -y socat";
const WAIT_MS = 5_000;

export async function startPtyPair(): Promise<PtyPair> {
  if (spawnSync("socat", ["-V"], { stdio: "ignore" }).error) throw new Error(SOCAT_INSTALL);
  const dir = await mkdtemp(join(tmpdir(), "pty-pair-"));
  const a = join(dir, "ttyA");
  const b = join(dir, "ttyB");
  let child: ChildProcess | null = null;
  let stderr = "";

  const start = async () => {
    if (child) return;
    stderr = "";
    const c = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ["ignore", "ignore", "pipe"] });
    c.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child = c;
    const ok = await waitFor(() => existsSync(a) && existsSync(b), () => c.exitCode !== null || c.signalCode !== null);
    if (!ok) {
      c.kill("SIGKILL");
      child = null;
      throw new Error(`socat did not create ${a} and ${b}: ${stderr.trim()}`);
    }
  };

  const kill = async () => {
    const c = child;
    child = null;
    if (!c) return;
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
      c.kill("SIGTERM");
      await exited;
    }
    // socat removes its links on exit; wait so the caller sees the device gone.
    await waitFor(() => !existsSync(a) && !existsSync(b), () => false);
  };

  await start();
  return {
    a,
    b,
    kill,
    start,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitFor(done: () => boolean, failed: () => boolean): Promise<boolean> {
  const until = Date.now() + WAIT_MS;
  while (Date.now() < until) {
    if (done()) return true;
    if (failed()) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return done();
}

/** The device end of a PTY pair, as a test drives it: write bytes, wait for bytes. */
export interface PtyPeer {
  write(data: Buffer | string): Promise<void>;
  /** Resolves with exactly the next `n` bytes received (buffers extra ones). */
  read(n: number, timeoutMs?: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openPeer(path: string): Promise<PtyPeer> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on("error", () => {}); // the cable gets unplugged on purpose in some tests
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | null = null;
  port.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  });
  return {
    write: (data) => new Promise((resolve, reject) => port.write(data, (err) => (err ? reject(err) : port.drain(() => resolve())))),
    async read(n, timeoutMs = 2_000) {
      const until = Date.now() + timeoutMs;
      while (buffered.length < n) {
        const left = until - Date.now();
        if (left <= 0) throw new Error(`peer on ${path}: wanted ${n} bytes, got ${buffered.length} (${buffered.toString("hex")})`);
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, Math.min(left, 50));
        });
        clearTimeout(timer);
        wake = null;
      }
      const out = buffered.subarray(0, n);
      buffered = buffered.subarray(n);
      return out;
    },
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
