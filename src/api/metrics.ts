import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { ApiDeps } from "./deps.js";
import type { EventStream } from "./event-stream.js";

type Labels = Record<string, string>;
type Reading = ReadonlyArray<readonly [Labels, number]>;

const P = "custody_edge_";

/**
 * Prometheus metrics of the daemon on a registry of its own (never prom-client's global one,
 * so two daemons in one process — tests — do not share series). Almost everything is read from
 * the engines at scrape time; only event and request counts are kept here, and the event count
 * costs one map increment per committed event.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly eventsByType = new Map<string, { category: string; n: number }>();
  private readonly offCommit: () => void;
  private readonly requests: Counter<"method" | "route" | "status">;

  constructor(deps: ApiDeps, stream: EventStream) {
    const reg = this.registry;
    collectDefaultMetrics({ register: reg });
    this.offCommit = deps.outbox.onCommit((events) => {
      for (const e of events) {
        const c = this.eventsByType.get(e.type);
        if (c) c.n++;
        else this.eventsByType.set(e.type, { category: e.category, n: 1 });
      }
    });

    const one = (labels: Labels, v: number): Reading => [[labels, v]];
    const counter = (name: string, help: string, labelNames: string[], read: () => Reading) => mirrored(reg, "counter", name, help, labelNames, read);
    const gauge = (name: string, help: string, labelNames: string[], read: () => Reading) => mirrored(reg, "gauge", name, help, labelNames, read);

    counter("observations_total", "observations presence received from drivers", [], () => one({}, deps.presence.stats().observations));
    counter("presence_transitions_total", "zone transitions presence accepted", [], () => one({}, deps.presence.stats().transitions));
    counter("events_total", "events committed to the outbox since start, by type", ["type", "category"], () =>
      [...this.eventsByType].map(([type, c]) => [{ type, category: c.category }, c.n] as const),
    );
    gauge("alarms_open", "open alarms (raised or acknowledged) by severity 0-4", ["severity"], () => {
      const n = [0, 0, 0, 0, 0];
      for (const a of deps.rules.openAlarms()) n[a.severity] = (n[a.severity] ?? 0) + 1;
      return n.map((v, s) => [{ severity: String(s) }, v] as const);
    });
    gauge("devices", "configured devices", [], () => one({}, deps.config.devices.length));
    gauge("devices_online", "devices whose driver reports them online", [], () => one({}, deps.supervisor.status().filter((s) => s.online).length));
    gauge("device_up", "1 when the device is online", ["device", "driver"], () => deps.supervisor.status().map((s) => [{ device: s.deviceId, driver: s.driver }, s.online ? 1 : 0] as const));
    gauge("transport_up", "1 when the transport is open", ["transport", "kind"], () => deps.pool.status().map((t) => [{ transport: t.key, kind: t.kind }, t.state === "open" ? 1 : 0] as const));
    gauge("outbox_pending_events", "events stored and not yet acknowledged by central", [], () => one({}, deps.outbox.stats().rows));
    gauge("outbox_pending_bytes", "size of the pending events' JSON", [], () => one({}, deps.outbox.stats().bytes));
    gauge("outbox_committed_seq", "newest committed event seq", [], () => one({}, deps.outbox.committedSeq));
    gauge("outbox_floor_seq", "events up to this seq have left the store", [], () => one({}, deps.outbox.floorSeq));
    gauge("outbox_oldest_age_seconds", "age of the oldest pending event (0 when none)", [], () => {
      const t = deps.outbox.oldestReceivedAt();
      return one({}, t === undefined ? 0 : Math.max(0, (deps.clock.now() - t) / 1000));
    });
    counter("outbox_dropped_total", "events dropped by outbox retention since the store was created", [], () => one({}, deps.outbox.stats().dropped));
    gauge("uplink_enabled", "1 when the uplink to central is configured", [], () => one({}, deps.uplink ? 1 : 0));
    gauge("uplink_connected", "1 while the uplink's MQTT session is up", [], () => one({}, deps.uplink?.status().connected ? 1 : 0));
    gauge("uplink_central_online", "1 while the central host says it is online", [], () => one({}, deps.uplink?.status().centralOnline ? 1 : 0));
    gauge("healthy", "1 when the watchdog health check passes", [], () => one({}, deps.health.check().healthy ? 1 : 0));
    gauge("sse_clients", "connected event stream clients", [], () => one({}, stream.stats().clients));
    counter("sse_dropped_total", "event stream clients disconnected for not reading fast enough", ["reason"], () =>
      Object.entries(stream.stats().dropped).map(([reason, n]) => [{ reason }, n] as const),
    );
    counter("sse_frames_total", "events written to event stream clients", [], () => one({}, stream.stats().framesSent));
    this.requests = new Counter({ name: `${P}http_requests_total`, help: "API requests by route pattern and status", labelNames: ["method", "route", "status"], registers: [reg] });
  }

  request(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.offCommit();
    this.registry.clear();
  }
}

/** A metric whose value is read from elsewhere at scrape time (a counter is reset and set). */
function mirrored(reg: Registry, kind: "counter" | "gauge", name: string, help: string, labelNames: string[], read: () => Reading): void {
  const config = { name: `${P}${name}`, help, labelNames, registers: [reg] };
  if (kind === "gauge") {
    new Gauge({
      ...config,
      collect() {
        this.reset();
        for (const [labels, v] of read()) this.set(labels, v);
      },
    });
    return;
  }
  new Counter({
    ...config,
    collect() {
      this.reset();
      for (const [labels, v] of read()) this.inc(labels, v);
    },
  });
}
