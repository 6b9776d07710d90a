import type { GpioBackend, GpioDirection, GpioEdge, GpioLine, GpioValue } from "./gpio.js";

interface MemoryLine {
  value: GpioValue;
  direction: GpioDirection;
  watchers: Set<{ edge: GpioEdge; cb: (v: GpioValue) => void }>;
}

/**
 * GPIO in memory, for simulated doors and tests. Outputs written by a driver can be read back
 * with `get`; inputs (contacts, buttons) are driven from outside with `set`. Watchers fire on
 * their edge only, like the kernel's edge detection.
 */
export class MemoryGpioBackend implements GpioBackend {
  readonly name = "memory";
  private readonly lines = new Map<number, MemoryLine>();

  async open(line: number, direction: GpioDirection, edge: GpioEdge): Promise<GpioLine> {
    const l = this.line(line);
    l.direction = direction;
    const mine = new Set<{ edge: GpioEdge; cb: (v: GpioValue) => void }>();
    return {
      read: async () => l.value,
      write: async (v) => {
        if (l.direction !== "out") throw new Error(`GPIO line ${line} is an input`);
        this.change(l, v);
      },
      watch: (cb) => {
        const w = { edge, cb };
        l.watchers.add(w);
        mine.add(w);
        return () => {
          l.watchers.delete(w);
          mine.delete(w);
        };
      },
      close: async () => {
        for (const w of mine) l.watchers.delete(w);
        mine.clear();
      },
    };
  }

  /** Drive a line from outside (a door contact opening, a button press). */
  set(line: number, value: GpioValue): void {
    this.change(this.line(line), value);
  }

  /** The current level of a line (e.g. what a driver wrote to a relay output). */
  get(line: number): GpioValue {
    return this.line(line).value;
  }

  private line(n: number): MemoryLine {
    let l = this.lines.get(n);
    if (!l) {
      l = { value: 0, direction: "in", watchers: new Set() };
      this.lines.set(n, l);
    }
    return l;
  }

  private change(l: MemoryLine, value: GpioValue): void {
    if (l.value === value) return;
    l.value = value;
    const fired: GpioEdge = value === 1 ? "rising" : "falling";
    for (const w of [...l.watchers]) {
      if (w.edge === "both" || w.edge === fired) w.cb(value);
    }
  }
}
