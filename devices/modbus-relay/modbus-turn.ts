import modbusSerial from "modbus-serial";
import { leaseBinding, type ByteLink } from "./lease-binding.js";

/**
 * Modbus RTU over the shared serial lease, with modbus-serial doing all of the protocol:
 * request encoding, CRC, response framing (its buffered RTU port finds the reply by unit id,
 * function code and expected length, skipping noise), exception and timeout handling.
 *
 * modbus-serial wants to open the port itself, but the port belongs to the transport pool (other
 * boards share the RS-485 bus, and reopening after unplugging is the pool's job). The clean seam
 * is serialport's own: `connectRTUBuffered(path, { binding })` accepts a custom serialport
 * binding, and ours (`leaseBinding`) is a window onto the lease, so no OS handle is opened.
 *
 * Each bus turn gets a fresh client and port. RTU has no transaction ids, and the buffered port
 * keeps unconsumed bytes: a reply that arrived after its request timed out would otherwise be
 * taken as the answer to the next request with the same function code, and every later answer
 * would be one poll behind. A fresh port per turn (cheap: a stream object, no system call)
 * means a turn only ever sees bytes that arrived during it.
 */

const ModbusRTU = modbusSerial.default;
export type ModbusClient = InstanceType<typeof ModbusRTU>;

export interface ModbusTurnOptions {
  unitId: number;
  timeoutMs: number;
  /** Only for the port's settings record; the lease owns the real line settings. */
  baudRate?: number;
}

/** A serial handle as the transport pool hands it out, plus the lease's data feed. */
export interface ModbusLink extends ByteLink {
  readonly path: string;
}

export async function modbusTurn<T>(link: ModbusLink, opts: ModbusTurnOptions, fn: (client: ModbusClient) => Promise<T>): Promise<T> {
  let failWrite: (err: Error) => void = () => {};
  const writeFailed = new Promise<never>((_, reject) => {
    failWrite = reject;
  });
  writeFailed.catch(() => {}); // observed through the race below
  const client = new ModbusRTU();
  client.on("error", () => {}); // every failure also rejects the request promise itself
  client.setID(opts.unitId);
  client.setTimeout(opts.timeoutMs);
  const binding = leaseBinding(link, (err) => failWrite(err));
  // `binding` is serialport's documented extension point; modbus-serial's typings omit it.
  await client.connectRTUBuffered(link.path, { baudRate: opts.baudRate ?? 9600, binding } as Parameters<ModbusClient["connectRTUBuffered"]>[1]);
  try {
    return await Promise.race([fn(client), writeFailed]);
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}

/** How a failed Modbus request failed: the board answered with an exception, or did not answer. */
export function modbusFailure(err: unknown): { answered: boolean; code?: number; message: string } {
  const e = err as { modbusCode?: unknown; message?: unknown; name?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(err);
  if (typeof e?.modbusCode === "number") return { answered: true, code: e.modbusCode, message };
  return { answered: false, message };
}

export const EXCEPTION_TEXT: Readonly<Record<number, string>> = {
  1: "illegal function",
  2: "illegal data address",
  3: "illegal data value",
  4: "server device failure",
  5: "acknowledge",
  6: "server device busy",
};
