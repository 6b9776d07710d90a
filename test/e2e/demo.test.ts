import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The newcomer's path, run literally: `npm start` on the demo config must show simulated tags
 * moving within 10 s, and Ctrl-C (SIGINT to the whole foreground process group, as a terminal
 * sends it) must end every process of the group with exit 0 within 5 s.
 */
const root = new URL("../../", import.meta.url).pathname;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, "SIGKILL");
});

describe("npm start (demo)", () => {
  it("logs simulated tag movements within 10 s and exits 0 on Ctrl-C within 5 s, leaving no process", async () => {
    expect(await portFree(1883), "port 1883 is taken: stop the broker using it (the demo's embedded broker listens there)").toBe(true);
    child = spawn("npm", ["start", "--silent"], { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "info" } });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));

    const t0 = Date.now();
    const activity = () => out.split("\n").find((l) => l.includes('"msg":"activity"'));
    while (Date.now() - t0 < 10_000 && !activity()) await new Promise((r) => setTimeout(r, 100));
    expect(activity(), `no activity logged within 10 s; output:\n${out.slice(-3000)}`).toBeDefined();
    expect(Date.now() - t0).toBeLessThan(10_000);
    // Observations came through the real path: simulator → broker → rtls-mqtt driver → presence.
    const line = JSON.parse(activity()!) as { observations: number; tags: number };
    expect(line.observations).toBeGreaterThan(0);
    expect(line.tags).toBeGreaterThan(0);

    const t1 = Date.now();
    process.kill(-child.pid!, "SIGINT");
    const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5000))]);
    expect(code, `output:\n${out.slice(-3000)}`).toBe(0);
    expect(Date.now() - t1).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(groupAlive(child.pid!)).toBe(false);
    expect(out).toMatch(/"clean":true,"msg":"stopped"/);
  }, 30_000);
});
