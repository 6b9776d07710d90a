import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/core/logger.js";
import { loadUnixDgram } from "../../src/systemd/notify-socket.js";

interface ReceivingSocket {
  bind(path: string): void;
  on(event: "message", listener: (buf: Buffer) => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  close(): void;
}

/** A stand-in for systemd's notify socket: a real AF_UNIX datagram socket in a temp dir. */
export class NotifyReceiver {
  readonly dir = mkdtempSync(join(tmpdir(), "edc-notify-"));
  readonly path = join(this.dir, "notify.sock");
  readonly messages: { at: number; text: string }[] = [];
  readonly errors: Error[] = [];
  private readonly socket = loadUnixDgram().createSocket("unix_dgram") as unknown as ReceivingSocket;

  constructor() {
    this.socket.on("message", (buf: Buffer) => this.messages.push({ at: performance.now(), text: buf.toString() }));
    this.socket.on("error", (err: Error) => this.errors.push(err));
    this.socket.bind(this.path);
  }

  texts(): string[] {
    return this.messages.map((m) => m.text);
  }

  count(text: string, since = 0): number {
    return this.messages.filter((m) => m.text === text && m.at >= since).length;
  }

  async waitFor(pred: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (!pred()) {
      if (performance.now() > end) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.texts())}`);
      await sleep(10);
    }
  }

  close(): void {
    this.socket.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A pino logger whose records land in an array, to assert on warnings. */
export function captureLogger(): { log: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      records.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level: "debug", destination }), records };
}
