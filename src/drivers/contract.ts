import type { ZodType } from "zod";
import type { Logger } from "../core/logger.js";
import type { TransportKind, TransportLease } from "../transports/lease.js";

export { NotReadyError, FatalDriverError } from "../core/errors.js";

/** Access bits, as zigbee-herdsman-converters' exposes: in state, settable, readable on demand. */
export const Access = { STATE: 0b001, SET: 0b010, GET: 0b100 } as const;

export type Capability =
  | { kind: "binary"; name: string; access: number; on: string | boolean; off: string | boolean; description?: string }
  | { kind: "numeric"; name: string; access: number; unit?: string; min?: number; max?: number; description?: string }
  | { kind: "enum"; name: string; access: number; values: readonly string[]; description?: string }
  | { kind: "text"; name: string; access: number; description?: string }
  /** Momentary happenings (button, tamper): never retained. */
  | { kind: "event"; name: string; values: readonly string[]; description?: string }
  /** The device reports where tags are. */
  | { kind: "presence"; name: string; method: ObservationMethod; description?: string };

export type ObservationMethod = "uwb" | "ble" | "rf24" | "lf_exciter" | "rfid" | "face";

/**
 * Where a tag was seen, as the device says it. Drivers never decide rooms; presence does.
 * - coordinates: a position on a floor plan (metres)
 * - reader: a fixed reader/exciter/anchor saw the tag (mapped to a room by config)
 * - ble: a room node measured a distance to the tag
 */
export type Observation =
  | { kind: "coordinates"; tagId: string; x: number; y: number; z?: number; floor?: number; quality?: number; method: ObservationMethod; deviceTime?: number }
  | { kind: "reader"; tagId: string; readerId: string; rssi?: number; method: ObservationMethod; deviceTime?: number }
  | { kind: "ble"; tagId: string; nodeId: string; distance: number; rssi?: number; method: "ble"; deviceTime?: number };

export type DeviceMessage =
  /** Merged into the device's retained state. */
  | { type: "state"; values: Record<string, unknown>; deviceTime?: number }
  /** Momentary: sos, tamper, button, forced … */
  | { type: "event"; name: string; data?: Record<string, unknown>; deviceTime?: number }
  | { type: "observation"; observation: Observation }
  | { type: "availability"; online: boolean; reason?: string };

export type CommandOrigin = "operator" | "central" | "rule" | "local";

export interface Command {
  /** Correlation id, echoed in results and the audit trail. */
  readonly id: string;
  readonly values: Record<string, unknown>;
  readonly origin: CommandOrigin;
  /** Who asked (operator id, central identity, rule id) and why: audited. */
  readonly requestedBy: string;
  readonly reason: string;
  /** Epoch ms; a driver must not act after it. */
  readonly deadline: number;
}

export type CommandResult =
  | { status: "ok"; state?: Record<string, unknown> }
  | { status: "error"; code: "unsupported" | "invalid" | "busy" | "timeout" | "device" | "offline"; message: string };

export interface DeviceStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export interface DriverContext<C> {
  readonly deviceId: string;
  readonly config: Readonly<C>;
  readonly log: Logger;
  /** The transport this device was configured with; null for transport "none". */
  readonly transport: TransportLease<unknown> | null;
  readonly store: DeviceStore;
  readonly now: () => number;
  /** Never throws; the core stamps gateway time and sequence. */
  emit(message: DeviceMessage): void;
}

export interface DeviceDriver {
  /** Throw NotReadyError for transient failures (retried with backoff), FatalDriverError otherwise. */
  start(signal: AbortSignal): Promise<void>;
  /** Must settle before the core's deadline; the core releases the transport afterwards anyway. */
  stop(reason: "shutdown" | "reload" | "restart" | "removed"): Promise<void>;
  command?(cmd: Command, signal: AbortSignal): Promise<CommandResult>;
  read?(names: readonly string[], signal: AbortSignal): Promise<Record<string, unknown>>;
}

/**
 * A driver is a declarative definition plus a factory (zigbee-herdsman-converters style).
 * `optionsSchema` validates the device's `options:` block in the site config at load time.
 */
export interface DriverDefinition<C = unknown> {
  /** [a-z0-9-]; the `driver:` value in config. */
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  readonly description: string;
  readonly version: `${number}.${number}.${number}`;
  readonly transport: TransportKind;
  /** Protocol name recorded as the event source (e.g. "dwm-gateway-json"). */
  readonly protocol: string;
  readonly optionsSchema: ZodType<C>;
  /**
   * Who decides availability. "transport" (default): the core reports the device online while its
   * transport is open and the driver started. "driver": the driver emits availability itself
   * (devices that are polled and can be silent on a live bus).
   */
  readonly availability?: "transport" | "driver";
  capabilities(options: C): readonly Capability[];
  create(ctx: DriverContext<C>): DeviceDriver;
}

/** Helper so definitions infer their option type from the schema. */
export function defineDriver<C>(def: DriverDefinition<C>): DriverDefinition<C> {
  return def;
}
