import { spawnSync } from "node:child_process";
import { createServer } from "node:net";

/** Peer binaries are part of the test; a missing one fails with the command that installs it. */
export function requireTool(cmd: string, aptPackage: string): void {
  const probe = spawnSync(cmd, ["--version"], { stdio: "ignore" });
  if (probe.error) throw new Error(`${cmd} is required for this test: apt-get install -y ${aptPackage}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
