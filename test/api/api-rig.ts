import { rm } from "node:fs/promises";
import mqtt, { type MqttClient } from "mqtt";
import { createLogger } from "../../src/core/logger.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import { startDaemon, type Daemon } from "../../src/main.js";
import { dwmLocationPayload } from "../../src/sim/publisher.js";
import { daemonSite } from "../daemon/site.js";
import { SseReader } from "./sse-reader.js";

const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

/** The tokens of the test site; names are what the audit records show as operator ids. */
export const TOKENS = {
  viewer: { name: "desk-screen", token: "viewer-5f0c1b7e9a", role: "viewer" },
  operator: { name: "duty-officer-7", token: "operator-93d2aa41c8", role: "operator" },
  admin: { name: "site-admin", token: "admin-0e77b3f1d2", role: "admin" },
} as const;

export type Who = keyof typeof TOKENS | "nobody";

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/**
 * The real daemon (`startDaemon`) on a temp copy of the demo site — sally-port doors on a
 * sim-door controller, embedded broker and API on free loopback ports — and an HTTP client
 * for its API.
 */
export class ApiRig {
  readonly registry = builtinDrivers();
  daemon!: Daemon;
  private dir: string | undefined;
  private local: MqttClient | undefined;
  private readonly readers: SseReader[] = [];

  async start(): Promise<void> {
    const { config, dir } = daemonSite(this.registry);
    this.dir = dir;
    config.api = { enabled: true, host: "127.0.0.1", port: 0, tokens: Object.values(TOKENS).map((t) => ({ ...t })) };
    this.daemon = await startDaemon({ config, registry: this.registry, log, env: {} });
  }

  /** Stops the daemon with its event streams still open (they must not hold the stop up); true when clean. */
  async stop(): Promise<boolean> {
    await this.local?.endAsync(true).catch(() => undefined);
    const clean = this.daemon ? await this.daemon.stop() : true;
    for (const r of this.readers) r.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    return clean;
  }

  async call(method: string, path: string, who: Who, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${this.daemon.apiUrl}${path}`, {
      method,
      headers: { ...auth(who), ...(body !== undefined && { "content-type": "application/json" }), ...headers },
      ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    if (res.headers.get("content-type")?.includes("application/json")) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get = (path: string, who: Who = "viewer") => this.call("GET", path, who);
  post = (path: string, body: unknown, who: Who = "operator") => this.call("POST", path, who, body);

  /** Opens GET /api/events (optionally resuming) and waits for the response head. */
  async events(who: Who = "viewer", headers: Record<string, string> = {}, query = ""): Promise<SseReader> {
    const reader = new SseReader(`${this.daemon.apiUrl}/api/events${query}`, { ...auth(who), ...headers });
    this.readers.push(reader);
    return reader.open();
  }

  /** Publishes DWM positions of `tagId` at (x, y) on the embedded broker until `until()` holds. */
  async walk(tagId: string, x: number, y: number, until: () => Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
    this.local ??= await mqtt.connectAsync(this.daemon.localBrokerUrl, { clientId: `api-test-dwm-${process.pid}` });
    const end = Date.now() + timeoutMs;
    for (let frame = 1; !(await until()); frame++) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.local.publishAsync(`dwm/node/${tagId}/uplink/location`, dwmLocationPayload(x, y, 0, 90, frame), { qos: 0 });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Polls `probe` until it returns something. */
  async until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function auth(who: Who): Record<string, string> {
  return who === "nobody" ? {} : { authorization: `Bearer ${TOKENS[who].token}` };
}
