/** The transport kinds a driver can ask for. "none" is for simulated devices and virtual sources. */
export type TransportKind = "serial" | "mqtt" | "hid" | "gpio" | "none";

export type LeaseState = "open" | "closed" | "reopening";

/**
 * A driver's share of one transport (PRIOR-ART.md §7). Several devices on one RS-485 bus hold
 * leases on the same port; the port closes when the last lease is released. Reconnection is
 * the transport's job, never the driver's: the driver watches `state`.
 */
export interface TransportLease<H = unknown> {
  readonly kind: TransportKind;
  /** "/dev/ttyUSB0", "mqtt:local", "hid:1234:5678", "gpiochip0" … */
  readonly key: string;
  readonly state: LeaseState;
  onStateChange(cb: (state: LeaseState) => void): () => void;
  /**
   * Exclusive use for request/response (RS-485 master/slave): callers queue in order, each gets
   * the handle alone until its promise settles. Rejects if `deadline` (epoch ms) passes while
   * waiting in the queue: a stale request is dropped, never executed late.
   */
  exclusive<T>(fn: (handle: H) => Promise<T>, opts?: { deadline?: number; signal?: AbortSignal }): Promise<T>;
  /**
   * Direct, unqueued access for transports without a request/response discipline: MQTT
   * subscriptions, GPIO lines, unsolicited serial streams. Leases from TransportPool always
   * carry it. On a shared RS-485 bus use `exclusive` instead.
   */
  readonly handle?: H;
  /** Why the transport is not open right now (last open or I/O failure); cleared when it opens. */
  readonly lastError?: Error | undefined;
  /** Raw inbound bytes (stream transports). */
  onData?(cb: (chunk: Buffer) => void): () => void;
  /** Give the lease back; the last release closes the transport. Idempotent. */
  release(): Promise<void>;
}
