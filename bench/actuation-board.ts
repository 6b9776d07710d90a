/**
 * The far end of the actuation bench's serial line, in its own process so its clock reading is
 * not held up by the daemon's event loop: a simulated Modbus relay board on a PTY that reports,
 * over IPC, the CLOCK_MONOTONIC time (process.hrtime, comparable across processes) at which a
 * complete write frame for the watched coil arrived.
 * Run by bench/actuation.ts: `node --import tsx bench/actuation-board.ts <pty path> <coil>`.
 */
import { BoardSim } from "../src/sim/devices/modbus-board.js";

const [path, coilArg] = process.argv.slice(2);
const coil = Number(coilArg ?? 0);

class StampingBoard extends BoardSim {
  protected override receive(chunk: Buffer): void {
    const at = process.hrtime.bigint();
    const before = this.writes.length;
    super.receive(chunk);
    for (const w of this.writes.slice(before)) if (w.address === coil) process.send?.({ arrivedNs: at.toString() });
    if (this.writes.length > 1000) this.writes.splice(0, this.writes.length - 100);
  }
}

const board = new StampingBoard(path!);
board.unit().inputs[0] = true; // the door contact: closed
await board.open();
process.send?.({ ready: true });
process.on("message", (m) => {
  if (m === "stop") void board.close().then(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
