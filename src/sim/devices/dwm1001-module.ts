import { record, SerialDevice } from "./serial-device.js";

/**
 * A DWM1001 module in TLV mode on the device end of a serial line (a PTY in tests, a `sim:`
 * line in demo mode), written from the tables in PROTOCOLS.md §2.1 (the vendor's
 * dwm1001_tlv.h / dwm_api.c layouts), not from our codec. It answers loc_get (0x0C),
 * status_get (0x32) and node_id_get (0x30), and can go silent, put noise on the line, answer
 * with an error code, or walk its tag along a loop.
 */

export interface SimAnchor {
  id: number;
  distanceMm: number;
  quality: number;
  pos: [number, number, number];
}

export interface SimTag {
  address: bigint;
  distanceMm: number;
  quality: number;
}

/** A closed loop in mm on the floor plan, walked at a constant speed from `startedAt`. */
interface Walk {
  loop: ReadonlyArray<readonly [number, number]>;
  speedMmPerS: number;
  startedAt: number;
}

export class ModuleSim extends SerialDevice {
  nodeId = 0x0001de0000000f07n;
  role: "tag" | "anchor" = "tag";
  /** Own position in mm plus quality factor. */
  position = { x: 2570, y: 2000, z: 1670, quality: 97 };
  anchors: SimAnchor[] = [{ id: 0x1151, distanceMm: 6440, quality: 100, pos: [5000, 8000, 2250] }];
  tags: SimTag[] = [];
  statusFlags = 0x0003;
  silent = false;
  noiseBeforeReply: Buffer | null = null;
  /** Answer loc_get with `40 01 <code>` while set. */
  locError: number | null = null;
  requests: number[] = [];
  /** Time source for walking (ms). */
  now: () => number = Date.now;
  private walking: Walk | null = null;
  private buf = Buffer.alloc(0);

  constructor(path: string) {
    super(path, 115200);
  }

  protected override reset(): void {
    this.buf = Buffer.alloc(0);
  }

  /** From now on the tag walks `loop` (x, y in mm, closed back to its first corner) at `speedMmPerS`. */
  walk(loop: ReadonlyArray<readonly [number, number]>, speedMmPerS: number): void {
    if (loop.length < 2 || speedMmPerS <= 0) throw new Error("a walk needs two or more corners and a positive speed");
    this.walking = { loop, speedMmPerS, startedAt: this.now() };
  }

  /** Where the walk has brought the tag by now (position x/y follow it). */
  private moveAlong(w: Walk): void {
    const legs = w.loop.map((a, i) => {
      const b = w.loop[(i + 1) % w.loop.length]!;
      return { a, b, length: Math.hypot(b[0] - a[0], b[1] - a[1]) };
    });
    const total = legs.reduce((sum, l) => sum + l.length, 0);
    let along = total > 0 ? (((this.now() - w.startedAt) / 1000) * w.speedMmPerS) % total : 0;
    for (const { a, b, length } of legs) {
      if (along <= length) {
        const t = length > 0 ? along / length : 0;
        this.position.x = Math.round(a[0] + (b[0] - a[0]) * t);
        this.position.y = Math.round(a[1] + (b[1] - a[1]) * t);
        return;
      }
      along -= length;
    }
  }

  protected receive(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 2 && this.buf.length >= 2 + this.buf[1]!) {
      const type = this.buf[0]!;
      this.buf = this.buf.subarray(2 + this.buf[1]!);
      record(this.requests, type);
      if (this.silent) continue;
      const reply = this.answer(type);
      void this.inject(this.noiseBeforeReply ? Buffer.concat([this.noiseBeforeReply, reply]) : reply);
    }
  }

  private answer(type: number): Buffer {
    const ok = [0x40, 0x01, 0x00];
    switch (type) {
      case 0x30: {
        const v = Buffer.alloc(8);
        v.writeBigUInt64LE(this.nodeId);
        return Buffer.from([...ok, 0x4e, 8, ...v]);
      }
      case 0x32:
        return Buffer.from([...ok, 0x5a, 2, this.statusFlags & 0xff, this.statusFlags >> 8]);
      case 0x0c: {
        if (this.locError !== null) return Buffer.from([0x40, 0x01, this.locError]);
        if (this.walking) this.moveAlong(this.walking);
        const pos = xyzq(this.position.x, this.position.y, this.position.z, this.position.quality);
        let ranging: Buffer;
        if (this.role === "tag") {
          const entries = this.anchors.map((a) => {
            const e = Buffer.alloc(7);
            e.writeUInt16LE(a.id, 0);
            e.writeUInt32LE(a.distanceMm, 2);
            e[6] = a.quality;
            return Buffer.concat([e, xyzq(...a.pos, a.quality)]);
          });
          ranging = Buffer.concat([Buffer.from([0x49, 1 + 20 * entries.length, entries.length]), ...entries]);
        } else {
          const entries = this.tags.map((t) => {
            const e = Buffer.alloc(13);
            e.writeBigUInt64LE(t.address, 0);
            e.writeUInt32LE(t.distanceMm, 8);
            e[12] = t.quality;
            return e;
          });
          ranging = Buffer.concat([Buffer.from([0x48, 1 + 13 * entries.length, entries.length]), ...entries]);
        }
        return Buffer.concat([Buffer.from([...ok, 0x41, 13]), pos, ranging]);
      }
      default:
        return Buffer.from([0x40, 0x01, 0x01]); // unknown command
    }
  }
}

function xyzq(x: number, y: number, z: number, q: number): Buffer {
  const b = Buffer.alloc(13);
  b.writeInt32LE(x, 0);
  b.writeInt32LE(y, 4);
  b.writeInt32LE(z, 8);
  b[12] = q;
  return b;
}
