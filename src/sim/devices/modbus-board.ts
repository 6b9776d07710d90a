import { record, SerialDevice } from "./serial-device.js";

/**
 * A Modbus RTU relay/IO board on the device end of a serial line (a PTY in tests, a `sim:`
 * line in demo mode), written from the spec (PROTOCOLS.md §4) with its own CRC, independent of
 * modbus-serial. It serves FC01 read coils, FC02 read discrete inputs and FC05 write single
 * coil for any number of unit ids, and can be told to go silent, to put noise on the line, or
 * to answer with exceptions. Doors can be wired to it: a door contact input follows its strike
 * coil after a delay, as a person pushes the released door open and it swings shut again.
 */

export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export function frame(body: number[]): Buffer {
  const c = crc16(Uint8Array.from(body));
  return Buffer.from([...body, c & 0xff, c >>> 8]);
}

export interface Unit {
  coils: boolean[];
  inputs: boolean[];
  /** Exception code to answer every request of this function code with. */
  exceptions: Partial<Record<1 | 2 | 5, number>>;
}

export interface CoilWrite {
  unit: number;
  address: number;
  on: boolean;
  at: number;
}

/** A door whose strike is a coil and whose contact is an input of one unit. */
export interface DoorWiring {
  unit: number;
  coil: number;
  input: number;
  /** The coil level that releases the door: true for a strike (energize to unlock), false for a maglock. */
  releasedLevel: boolean;
  /** The released door is pushed open this long after the coil releases it. */
  openAfterMs: number;
  /** The open door is shut this long after the coil locks it again. */
  closeAfterMs: number;
  /** The input's level while the door is closed (a reed contact closes with the door: true). */
  closedLevel: boolean;
}

interface Door extends DoorWiring {
  open: boolean;
  released: boolean;
  changedAt: number;
}

export class BoardSim extends SerialDevice {
  readonly units = new Map<number, Unit>();
  readonly writes: CoilWrite[] = [];
  /** Requests seen (valid CRC), for counting polls. */
  requests = 0;
  /** Stop answering (the board is powered off or its RS-485 wires came loose). */
  silent = false;
  /** Bytes sent before each reply while set (a noisy line). */
  noiseBeforeReply: Buffer | null = null;
  /** Time source for door movements (ms). */
  now: () => number = Date.now;
  private readonly doors: Door[] = [];
  private buf = Buffer.alloc(0);

  constructor(path: string, unitIds: number[] = [1]) {
    super(path, 9600);
    for (const id of unitIds) this.units.set(id, { coils: Array(16).fill(false), inputs: Array(16).fill(false), exceptions: {} });
  }

  unit(id = 1): Unit {
    return this.units.get(id)!;
  }

  protected override reset(): void {
    this.buf = Buffer.alloc(0);
  }

  /** Wire a door to a strike coil and a contact input; it starts closed. */
  wireDoor(w: DoorWiring): void {
    const unit = this.unit(w.unit);
    if (!unit || w.coil >= unit.coils.length || w.input >= unit.inputs.length) throw new Error(`unit ${w.unit} has no coil ${w.coil} or input ${w.input}`);
    unit.inputs[w.input] = w.closedLevel;
    this.doors.push({ ...w, open: false, released: unit.coils[w.coil] === w.releasedLevel, changedAt: this.now() });
  }

  /** Move the wired doors as far as time has brought them; evaluated on every request, so no timers run. */
  private moveDoors(): void {
    const now = this.now();
    for (const d of this.doors) {
      const unit = this.unit(d.unit);
      const released = unit.coils[d.coil] === d.releasedLevel;
      if (released !== d.released) [d.released, d.changedAt] = [released, now];
      const elapsed = now - d.changedAt;
      if (released && !d.open && elapsed >= d.openAfterMs) d.open = true;
      else if (!released && d.open && elapsed >= d.closeAfterMs) d.open = false;
      unit.inputs[d.input] = d.open ? !d.closedLevel : d.closedLevel;
    }
  }

  /** Requests for FC01/02/05 are 8 bytes; a CRC failure costs one byte of resync. */
  protected receive(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 8) {
      const f = this.buf.subarray(0, 8);
      if (crc16(f.subarray(0, 6)) !== f.readUInt16LE(6)) {
        this.buf = this.buf.subarray(1);
        continue;
      }
      this.buf = this.buf.subarray(8);
      this.requests++;
      this.moveDoors();
      const reply = this.answer(f);
      if (reply && !this.silent) void this.inject(this.noiseBeforeReply ? Buffer.concat([this.noiseBeforeReply, reply]) : reply);
    }
  }

  private answer(f: Buffer): Buffer | null {
    const [id, fc] = [f[0]!, f[1]!];
    const unit = this.units.get(id);
    if (!unit) return null;
    const addr = f.readUInt16BE(2);
    const word = f.readUInt16BE(4);
    const exception = unit.exceptions[fc as 1 | 2 | 5];
    if (exception !== undefined) return frame([id, fc | 0x80, exception]);
    if (fc === 1 || fc === 2) {
      const table = fc === 1 ? unit.coils : unit.inputs;
      if (word < 1 || addr + word > table.length) return frame([id, fc | 0x80, 2]);
      const bytes = Array<number>(Math.ceil(word / 8)).fill(0);
      for (let i = 0; i < word; i++) if (table[addr + i]) bytes[i >> 3]! |= 1 << (i & 7);
      return frame([id, fc, bytes.length, ...bytes]);
    }
    if (fc === 5) {
      if (addr >= unit.coils.length) return frame([id, 0x85, 2]);
      if (word !== 0xff00 && word !== 0x0000) return frame([id, 0x85, 3]);
      unit.coils[addr] = word === 0xff00;
      record(this.writes, { unit: id, address: addr, on: word === 0xff00, at: Date.now() });
      this.moveDoors();
      return Buffer.from(f);
    }
    return frame([id, fc | 0x80, 1]);
  }
}
