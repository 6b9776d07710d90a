// Type-only: the interface package's exports map hides its typings from ESM; bindings-cpp re-exports them.
import type { BindingInterface, BindingPortInterface, OpenOptions, PortInfo, PortStatus } from "@serialport/bindings-cpp";

/**
 * In-process serial lines for demo mode: a configured path `sim:<name>` is opened through a
 * serialport binding that connects to a simulator in the same process instead of an OS device.
 * SerialConnection, the request bus and the drivers run exactly as on hardware; only the
 * bottom layer (the binding) differs. No device attached means no port: opening fails and the
 * connection keeps retrying, as with an unplugged USB adapter.
 */

export const VIRTUAL_SERIAL_PREFIX = "sim:";

export function isVirtualSerialPath(path: string): boolean {
  return path.startsWith(VIRTUAL_SERIAL_PREFIX) && path.length > VIRTUAL_SERIAL_PREFIX.length;
}

/** The device end of a virtual line, as a simulator holds it. */
export interface VirtualSerialDevice {
  readonly path: string;
  /** Bytes from the device to the host; dropped while the host has the port closed, as on a wire. */
  write(data: Buffer): void;
  /**
   * While true the host's writes never complete (a line that stopped taking bytes), until the
   * host closes the port or the device detaches. For testing bounded writes.
   */
  stallHostWrites: boolean;
  /** Unplug: the host sees its port lost, and cannot reopen it until a device attaches again. */
  detach(): void;
}

/** Same shape as the errors bindings-cpp raises: `canceled` means "closed by us", anything else a disconnect. */
class PortError extends Error {
  constructor(
    message: string,
    readonly canceled = false,
  ) {
    super(message);
  }
}

interface DeviceEnd {
  receive(chunk: Buffer): void;
}

/** One named line: at most one host port (OS ports are exclusive), any number of devices (RS-485 multi-drop). */
interface Line {
  host: HostPort | null;
  stalled: boolean;
  readonly devices: Set<DeviceEnd>;
}

/** The host end, driven by serialport's stream exactly like an OS port binding. */
class HostPort implements BindingPortInterface {
  isOpen = true;
  readonly openOptions: Required<OpenOptions>;
  private readonly inbound: Buffer[] = [];
  private reading: { buffer: Buffer; offset: number; length: number; resolve: (r: { buffer: Buffer; bytesRead: number }) => void; reject: (e: Error) => void } | null = null;
  private stalledWrites: ((e: Error) => void)[] = [];
  private pendingWrite: Promise<void> | null = null;
  private gone: PortError | null = null;

  constructor(
    private readonly line: Line,
    options: OpenOptions,
  ) {
    this.openOptions = { dataBits: 8, lock: true, stopBits: 1, parity: "none", rtscts: false, xon: false, xoff: false, xany: false, hupcl: true, ...options } as Required<OpenOptions>;
  }

  /** Bytes from a device. */
  deliver(chunk: Buffer): void {
    if (!this.isOpen || this.gone || chunk.length === 0) return;
    this.inbound.push(chunk);
    this.serveRead();
  }

  /** The last device detached: pending and later I/O fail as a disconnect, and the stream closes the port. */
  unplug(): void {
    this.gone = new PortError(`${this.openOptions.path}: the simulated device was detached`);
    this.failPending(this.gone);
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!this.isOpen) return Promise.reject(new PortError("port is closed", true));
    if (this.gone) return Promise.reject(this.gone);
    return new Promise((resolve, reject) => {
      this.reading = { buffer, offset, length, resolve, reject };
      this.serveRead();
    });
  }

  write(buffer: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new PortError("port is closed", true));
    if (this.gone) return Promise.reject(this.gone);
    if (this.line.stalled) {
      this.pendingWrite = new Promise<void>((_, reject) => this.stalledWrites.push(reject));
      this.pendingWrite.catch(() => {});
      return this.pendingWrite;
    }
    const copy = Buffer.from(buffer);
    // Completes on a later turn, as an OS write does, and completes even if the port is closed
    // meanwhile (the kernel took the bytes): the race a real port has when it goes away.
    this.pendingWrite = new Promise<void>((resolve) =>
      setImmediate(() => {
        if (this.isOpen) for (const d of this.line.devices) d.receive(copy);
        resolve();
      }),
    );
    return this.pendingWrite;
  }

  async drain(): Promise<void> {
    await this.pendingWrite;
  }

  async close(): Promise<void> {
    if (!this.isOpen) throw new PortError("port is not open");
    this.isOpen = false;
    if (this.line.host === this) this.line.host = null;
    this.inbound.length = 0;
    this.failPending(new PortError("port is closed", true));
  }

  async update(): Promise<void> {}
  async set(): Promise<void> {}
  async get(): Promise<PortStatus> {
    return { cts: true, dsr: true, dcd: true };
  }
  async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.openOptions.baudRate };
  }
  async flush(): Promise<void> {
    this.inbound.length = 0;
  }

  private serveRead(): void {
    const r = this.reading;
    const head = this.inbound[0];
    if (!r || !head) return;
    this.reading = null;
    const n = Math.min(r.length, head.length);
    head.copy(r.buffer, r.offset, 0, n);
    if (n === head.length) this.inbound.shift();
    else this.inbound[0] = head.subarray(n);
    r.resolve({ buffer: r.buffer, bytesRead: n });
  }

  private failPending(err: PortError): void {
    const r = this.reading;
    this.reading = null;
    r?.reject(err);
    for (const reject of this.stalledWrites.splice(0)) reject(err);
  }
}

/**
 * The named virtual lines of one process. Simulators `attach` device ends; the serialport
 * `binding` opens host ends for SerialConnection.
 */
export class VirtualSerialPorts {
  private readonly lines = new Map<string, Line>();

  readonly binding: BindingInterface = {
    list: async (): Promise<PortInfo[]> =>
      [...this.lines].filter(([, l]) => l.devices.size > 0).map(([path]) => ({ path, manufacturer: "custody-edge simulator", serialNumber: undefined, pnpId: undefined, locationId: undefined, productId: undefined, vendorId: undefined })),
    open: async (options: OpenOptions): Promise<BindingPortInterface> => {
      const line = this.lines.get(options.path);
      if (!line || line.devices.size === 0) throw new Error(`no simulated device is attached to ${options.path}`);
      if (line.host) throw new Error(`${options.path} is already open`);
      const port = new HostPort(line, options);
      line.host = port;
      return port;
    },
  };

  /** Attach a device end to `path` (`sim:<name>`); `receive` gets every byte the host writes. */
  attach(path: string, receive: (chunk: Buffer) => void): VirtualSerialDevice {
    if (!isVirtualSerialPath(path)) throw new Error(`"${path}" is not a virtual serial path (${VIRTUAL_SERIAL_PREFIX}<name>)`);
    let line = this.lines.get(path);
    if (!line) this.lines.set(path, (line = { host: null, stalled: false, devices: new Set() }));
    const l = line;
    const end: DeviceEnd = { receive };
    l.devices.add(end);
    let attached = true;
    return {
      path,
      write: (data) => {
        if (!attached || data.length === 0) return;
        const copy = Buffer.from(data);
        setImmediate(() => l.host?.deliver(copy));
      },
      get stallHostWrites() {
        return l.stalled;
      },
      set stallHostWrites(on: boolean) {
        l.stalled = on;
      },
      detach: () => {
        if (!attached) return;
        attached = false;
        l.devices.delete(end);
        if (l.devices.size > 0) return;
        l.stalled = false;
        l.host?.unplug();
        if (!l.host) this.lines.delete(path);
      },
    };
  }

  /** Paths with a device attached. */
  paths(): string[] {
    return [...this.lines].filter(([, l]) => l.devices.size > 0).map(([p]) => p);
  }
}

/** The lines of this process: what `sim:` paths in the site config open. */
export const virtualSerialPorts = new VirtualSerialPorts();
