// Type-only: the interface package's exports map hides its typings from ESM; bindings-cpp re-exports them.
import type { BindingInterface, BindingPortInterface, OpenOptions, PortStatus } from "@serialport/bindings-cpp";

/** The two things a bus turn needs from the serial lease: write bytes, hear bytes. */
export interface ByteLink {
  write(data: Buffer): Promise<void>;
  onData(cb: (chunk: Buffer) => void): () => void;
}

class CanceledError extends Error {
  readonly canceled = true;
  constructor() {
    super("port closed");
  }
}

/**
 * A serialport "port" that is a window onto our shared serial lease instead of an OS handle:
 * reads are fed by the lease's data listener, writes go through the lease. Opening and closing
 * it touches nothing on the real port, which stays owned by the transport pool.
 *
 * Write failures (transport lost mid-request) are reported through `onWriteError` and never
 * to the stream: a rejected binding write makes the stream "disconnect", which modbus-serial
 * turns into an unsolicited error event. The request then fails through our own race instead.
 */
class LeasePort implements BindingPortInterface {
  isOpen = true;
  readonly openOptions: Required<OpenOptions>;
  private readonly queue: Buffer[] = [];
  private waiting: { buffer: Buffer; offset: number; length: number; resolve: (r: { buffer: Buffer; bytesRead: number }) => void; reject: (e: Error) => void } | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly link: ByteLink,
    options: OpenOptions,
    private readonly onWriteError: (err: Error) => void,
  ) {
    this.openOptions = {
      dataBits: 8,
      lock: false,
      stopBits: 1,
      parity: "none",
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: false,
      ...options,
    } as Required<OpenOptions>;
    this.unsubscribe = link.onData((chunk) => this.deliver(chunk));
  }

  private deliver(chunk: Buffer): void {
    if (!this.isOpen || chunk.length === 0) return;
    this.queue.push(Buffer.from(chunk));
    this.serve();
  }

  private serve(): void {
    const w = this.waiting;
    if (!w || this.queue.length === 0) return;
    this.waiting = null;
    const head = this.queue[0]!;
    const n = Math.min(w.length, head.length);
    head.copy(w.buffer, w.offset, 0, n);
    if (n === head.length) this.queue.shift();
    else this.queue[0] = head.subarray(n);
    w.resolve({ buffer: w.buffer, bytesRead: n });
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!this.isOpen) return Promise.reject(new CanceledError());
    return new Promise((resolve, reject) => {
      this.waiting = { buffer, offset, length, resolve, reject };
      this.serve();
    });
  }

  async write(buffer: Buffer): Promise<void> {
    if (!this.isOpen) throw new CanceledError();
    try {
      await this.link.write(buffer);
    } catch (err) {
      this.onWriteError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.unsubscribe();
    this.queue.length = 0;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(new CanceledError());
  }

  async update(): Promise<void> {}
  async set(): Promise<void> {}
  async get(): Promise<PortStatus> {
    return { cts: false, dsr: false, dcd: false };
  }
  async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.openOptions.baudRate };
  }
  async flush(): Promise<void> {
    this.queue.length = 0;
  }
  async drain(): Promise<void> {}
}

/** A serialport binding whose every `open` returns a window onto `link`. */
export function leaseBinding(link: ByteLink, onWriteError: (err: Error) => void): BindingInterface {
  return {
    list: async () => [],
    open: async (options: OpenOptions) => new LeasePort(link, options, onWriteError),
  };
}
