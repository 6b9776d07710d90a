import mqtt, { type IClientOptions, type MqttClient } from "mqtt";

/**
 * A stand-in for the central case system, written the way a real consumer must behave: dedupe
 * by eventId, apply events strictly in seq order (holding early arrivals back), ack the highest
 * contiguous seq, re-send that ack now and then (an ack can be lost with a crashing broker), and
 * keep a retained host state with a will. Records everything a test wants to assert on.
 */
export interface CentralOptions {
  url: string;
  site: string;
  gatewayId: string;
  hostId?: string;
  ackEveryMs?: number;
  /** Re-send the current ack at least this often while events keep arriving (default 1000). */
  reAckMs?: number;
  mqtt?: IClientOptions;
  /**
   * For long runs (benchmarks): keep only what ordering needs — early arrivals until their turn
   * and the hash of the newest applied event — and dedupe by seq (seq reuse is what the fault
   * tests rule out). `events`, `applied` and `conflicts` stay empty.
   */
  lean?: boolean;
}

export interface ReceivedEvent {
  seq: number;
  eventId: string;
  historical: boolean;
  type: string;
  epoch: number;
  hash: string;
  prevHash: string;
  payload: Record<string, unknown>;
}

let instances = 0;

export class Central {
  /** seq → first message received for it. */
  readonly events = new Map<number, ReceivedEvent>();
  /** seqs in the order they were applied (contiguous, each once). */
  readonly applied: number[] = [];
  readonly births: Record<string, unknown>[] = [];
  readonly states: Record<string, unknown>[] = [];
  readonly responses: { topic: string; body: Record<string, unknown>; correlationData?: Buffer }[] = [];
  duplicates = 0;
  /** The same seq seen with two different eventIds: a reused seq, which must never happen. */
  readonly conflicts: { seq: number; first: string; second: string }[] = [];
  contiguous = 0;
  acksSent = 0;
  private readonly accounted = new Set<number>();
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastAcked = 0;
  private lastAckAt = 0;
  readonly hostId: string;
  readonly base: string;

  constructor(private readonly opts: CentralOptions) {
    this.hostId = opts.hostId ?? "central";
    this.base = `edc/v1/${opts.site}/${opts.gatewayId}`;
  }

  get hostStateTopic(): string {
    return `edc/v1/host/${this.hostId}/state`;
  }

  async start(): Promise<void> {
    const sender = { userProperties: { sender: this.hostId } };
    // Sparkplug host rule: the online state carries the same ts as the will of its session, so a
    // gateway can tell a late will of an older session (older ts) from a real disconnect.
    let sessionTs = Date.now();
    const will = () => Buffer.from(JSON.stringify({ online: false, ts: sessionTs }));
    const client = mqtt.connect(this.opts.url, {
      protocolVersion: 5,
      clientId: `central-${this.hostId}-${process.pid}-${++instances}`,
      reconnectPeriod: 300,
      connectTimeout: 3000,
      keepalive: 5,
      will: { topic: this.hostStateTopic, payload: will(), qos: 1, retain: true, properties: sender },
      ...this.opts.mqtt,
    });
    this.client = client;
    client.on("error", () => undefined);
    client.on("close", () => {
      sessionTs = Date.now();
      if (client.options.will) client.options.will.payload = will();
    });
    client.on("connect", () => {
      client.subscribe([`${this.base}/evt/#`, `${this.base}/state`, `${this.base}/birth`, `${this.base}/cmd/+/response`], { qos: 1 });
      client.publish(this.hostStateTopic, JSON.stringify({ online: true, ts: sessionTs }), { qos: 1, retain: true, properties: sender });
    });
    client.on("message", (topic, payload, packet) => {
      const body = JSON.parse(payload.toString()) as Record<string, unknown>;
      if (topic.startsWith(`${this.base}/evt/`)) this.onEvent(body as unknown as ReceivedEvent);
      else if (topic === `${this.base}/birth`) this.births.push(body);
      else if (topic === `${this.base}/state`) this.states.push(body);
      else {
        const correlationData = packet.properties?.correlationData;
        this.responses.push({ topic, body, ...(correlationData && { correlationData }) });
      }
    });
    this.timer = setInterval(() => this.maybeAck(), this.opts.ackEveryMs ?? 100);
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
  }

  /** Publish a command as central does (sender user property) or, with `sender`, as someone else. */
  command(name: string, body: unknown, opts: { sender?: string | null; correlationData?: Buffer } = {}): void {
    const userProperties = opts.sender === null ? undefined : { sender: opts.sender ?? this.hostId };
    this.client!.publish(`${this.base}/cmd/${name}`, JSON.stringify(body), {
      qos: 1,
      properties: { ...(userProperties && { userProperties }), ...(opts.correlationData && { correlationData: opts.correlationData }) },
    });
  }

  /** Publish a raw message on any topic as central. */
  publish(topic: string, body: unknown, opts: { retain?: boolean; sender?: string } = {}): Promise<unknown> {
    return this.client!.publishAsync(topic, JSON.stringify(body), { qos: 1, retain: opts.retain ?? false, properties: { userProperties: { sender: opts.sender ?? this.hostId } } });
  }

  async waitFor(what: string, pred: () => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (contiguous ${this.contiguous}, received ${this.events.size})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.client?.endAsync(true).catch(() => undefined);
  }

  /** Hash of the newest applied event (lean mode). */
  lastHash = "";
  private readonly early = new Map<number, string>();

  private onEvent(e: ReceivedEvent): void {
    if (this.opts.lean) return this.onEventLean(e);
    const known = this.events.get(e.seq);
    if (known) {
      if (known.eventId === e.eventId) this.duplicates++;
      else this.conflicts.push({ seq: e.seq, first: known.eventId, second: e.eventId });
      return;
    }
    this.events.set(e.seq, e);
    if (e.type === "OUTBOX_OVERFLOW") {
      // The gateway dropped these on purpose and says so: they will never come.
      const { fromSeq, toSeq } = e.payload as { fromSeq: number; toSeq: number };
      for (let s = fromSeq; s <= toSeq; s++) this.accounted.add(s);
    }
    for (;;) {
      const next = this.contiguous + 1;
      if (this.events.has(next)) this.applied.push(next);
      else if (!this.accounted.has(next)) break;
      this.contiguous = next;
    }
  }

  private onEventLean(e: ReceivedEvent): void {
    if (e.seq <= this.contiguous || this.early.has(e.seq)) {
      this.duplicates++;
      return;
    }
    this.early.set(e.seq, e.hash);
    for (let h = this.early.get(this.contiguous + 1); h !== undefined; h = this.early.get(this.contiguous + 1)) {
      this.early.delete(this.contiguous + 1);
      this.contiguous++;
      this.lastHash = h;
    }
  }

  private maybeAck(): void {
    const now = Date.now();
    const changed = this.contiguous > this.lastAcked;
    if (!this.client?.connected || this.contiguous === 0) return;
    if (!changed && now - this.lastAckAt < (this.opts.reAckMs ?? 1000)) return;
    this.lastAcked = this.contiguous;
    this.lastAckAt = now;
    this.acksSent++;
    const hash = this.opts.lean ? this.lastHash : this.events.get(this.contiguous)?.hash;
    this.client.publish(`${this.base}/ack`, JSON.stringify({ upTo: this.contiguous, ...(hash && { hash }) }), { qos: 1, properties: { userProperties: { sender: this.hostId } } });
  }
}
