import { GpioIoOptions } from "../../devices/gpio-io/definition.js";
import { createGpioIoDriver } from "../../devices/gpio-io/driver.js";
import { FakeClock } from "../../src/core/clock.js";
import { createLogger } from "../../src/core/logger.js";
import type { Command, DeviceDriver, DeviceMessage } from "../../src/drivers/contract.js";
import type { GpioBackend } from "../../src/transports/gpio.js";
import { MemoryGpioBackend } from "../../src/transports/gpio-memory.js";
import { TransportPool } from "../../src/transports/pool.js";

export const silentLog = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

/** Lets pending promise callbacks (async line reads and writes) run. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A backend whose lines refuse edge interrupts, as sysfs value files do under umockdev. */
export function withoutEdges(inner: GpioBackend): GpioBackend {
  return {
    name: `${inner.name}-no-edges`,
    open: async (line, direction, edge) => ({
      ...(await inner.open(line, direction, edge)),
      watch: () => {
        throw new Error("epoll: Operation not permitted");
      },
    }),
  };
}

export interface GpioRig {
  backend: MemoryGpioBackend;
  clock: FakeClock;
  driver: DeviceDriver;
  messages: DeviceMessage[];
  /** Merged state, as the retained device topic carries it. */
  state(): Record<string, unknown>;
  events(): Array<Record<string, unknown> | undefined>;
  command(values: Record<string, unknown>, opts?: { deadlineInMs?: number; signal?: AbortSignal }): ReturnType<NonNullable<DeviceDriver["command"]>>;
  /** Advance fake time and let the async reads that timers started finish. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** The gpio-io driver on a real pooled GPIO lease over the in-memory backend, on fake time. */
export async function gpioRig(options: unknown, wrap: (b: MemoryGpioBackend) => GpioBackend = (b) => b): Promise<GpioRig> {
  const backend = new MemoryGpioBackend();
  const pool = new TransportPool({ log: silentLog, gpioBackend: () => wrap(backend) });
  const lease = pool.acquire("io-1", { kind: "gpio", chip: "gpiochip0" });
  const clock = new FakeClock();
  const messages: DeviceMessage[] = [];
  const driver = createGpioIoDriver(
    {
      deviceId: "io-1",
      config: GpioIoOptions.parse(options),
      log: silentLog,
      transport: lease,
      store: { get: () => undefined, set: () => {} },
      now: () => clock.now(),
      emit: (m) => void messages.push(m),
    },
    { clock },
  );
  await driver.start(new AbortController().signal);
  let n = 0;
  return {
    backend,
    clock,
    driver,
    messages,
    state: () => Object.assign({}, ...messages.flatMap((m) => (m.type === "state" ? [m.values] : []))),
    events: () => messages.flatMap((m) => (m.type === "event" ? [m.data] : [])),
    command: (values, opts = {}) => {
      const cmd: Command = { id: `c${++n}`, values, origin: "operator", requestedBy: "op-1", reason: "test", deadline: clock.now() + (opts.deadlineInMs ?? 1_000) };
      return driver.command!(cmd, opts.signal ?? new AbortController().signal);
    },
    advance: async (ms) => {
      clock.advance(ms);
      await flush();
    },
    close: async () => {
      await driver.stop("shutdown");
      await pool.closeAll(1_000);
    },
  };
}
