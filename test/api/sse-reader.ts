import { request, type ClientRequest, type IncomingMessage } from "node:http";

/** One Server-Sent Events message as a client parses it. */
export interface SseMessage {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/**
 * A plain-HTTP SSE client (no EventSource library): it parses the wire format itself, so the
 * tests check exactly what goes over the socket — ids, named events, comments.
 */
export class SseReader {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingMessage["headers"] = {};
  ended = false;
  private buffer = "";
  private readonly req: ClientRequest;
  private res: IncomingMessage | undefined;
  private readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string>) {
    this.req = request(url, { headers: { accept: "text/event-stream", ...headers } });
    this.opened = new Promise((resolve, reject) => {
      this.req.once("response", (res) => {
        this.res = res;
        this.status = res.statusCode ?? 0;
        this.headers = res.headers;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => this.feed(chunk));
        res.on("end", () => (this.ended = true));
        res.on("close", () => (this.ended = true));
        resolve();
      });
      this.req.once("error", (err) => (this.res ? (this.ended = true) : reject(err)));
    });
    this.req.end();
  }

  /** Resolves once the response head has arrived. */
  async open(): Promise<this> {
    await this.opened;
    return this;
  }

  /** Data events (no `event:` name) parsed as JSON envelopes. */
  events(): Array<{ id: number; body: Record<string, any> }> {
    return this.messages.filter((m) => m.event === undefined && m.id !== undefined).map((m) => ({ id: Number(m.id), body: JSON.parse(m.data) as Record<string, any> }));
  }

  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.messages.length} messages`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stop reading without closing: the server sees a client that no longer keeps up. */
  pause(): void {
    this.res?.pause();
  }

  resume(): void {
    this.res?.resume();
  }

  close(): void {
    this.req.destroy();
    this.res?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const msg: { id?: string; event?: string; data?: string } = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
        else if (line.startsWith("id: ")) msg.id = line.slice(4);
        else if (line.startsWith("event: ")) msg.event = line.slice(7);
        else if (line.startsWith("data: ")) msg.data = msg.data === undefined ? line.slice(6) : `${msg.data}\n${line.slice(6)}`;
      }
      if (msg.data !== undefined) this.messages.push({ ...msg, data: msg.data });
    }
  }
}
