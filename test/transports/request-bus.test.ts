import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import { RequestBus, RequestTimeoutError, StaleRequestError, requestFrame, type ByteLink } from "../../src/transports/request-bus.js";

const flush = () => new Promise((r) => setImmediate(r));

/** A request whose completion the test controls. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { open, done };
}

describe("RequestBus", () => {
  it("runs one caller at a time, in arrival order", async () => {
    const bus = new RequestBus("handle", { clock: new FakeClock() });
    const log: string[] = [];
    const gates = [gate(), gate(), gate()];
    const runs = gates.map((g, i) =>
      bus.run(async (h) => {
        log.push(`start ${i} ${h}`);
        await g.done;
        log.push(`end ${i}`);
        return i;
      }),
    );
    await flush();
    expect(log).toEqual(["start 0 handle"]);
    expect(bus.pending).toBe(2);
    gates[2]!.open(); // finishing out of order changes nothing: 2 has not started
    gates[0]!.open();
    await flush();
    gates[1]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(log).toEqual(["start 0 handle", "end 0", "start 1 handle", "end 1", "start 2 handle", "end 2"]);
  });

  it("a failing caller does not block the next one", async () => {
    const bus = new RequestBus(null, { clock: new FakeClock() });
    const failed = bus.run(async () => {
      throw new Error("device said no");
    });
    const next = bus.run(async () => "ok");
    await expect(failed).rejects.toThrow("device said no");
    await expect(next).resolves.toBe("ok");
  });

  it("drops a queued request whose deadline passes, and never runs it late", async () => {
    const clock = new FakeClock();
    const bus = new RequestBus(null, { clock, label: "/dev/ttyRS485" });
    const first = gate();
    const ran: string[] = [];
    const running = bus.run(async () => {
      ran.push("first");
      await first.done;
    });
    const stale = bus.run(async () => void ran.push("stale"), { deadline: clock.now() + 100 });
    const staleResult = stale.catch((e: unknown) => e);
    clock.advance(100);
    const err = await staleResult;
    expect(err).toBeInstanceOf(StaleRequestError);
    expect((err as Error).message).toContain("/dev/ttyRS485");
    expect(bus.pending).toBe(0);
    first.open();
    await running;
    await flush();
    expect(ran).toEqual(["first"]);
  });

  it("rejects at once when the deadline has already passed", async () => {
    const clock = new FakeClock();
    const bus = new RequestBus(null, { clock });
    await expect(bus.run(async () => 1, { deadline: clock.now() })).rejects.toBeInstanceOf(StaleRequestError);
  });

  it("re-checks the deadline when the request's turn comes (wall clock jumped)", async () => {
    const clock = new FakeClock();
    const bus = new RequestBus(null, { clock });
    const first = gate();
    const running = bus.run(() => first.done);
    const queued = bus.run(async () => "late", { deadline: clock.now() + 60_000 });
    clock.jumpWall(120_000); // no timer fired, but the deadline is now in the past
    first.open();
    await running;
    await expect(queued).rejects.toBeInstanceOf(StaleRequestError);
  });

  it("an abort removes a queued request; the rest keep their order", async () => {
    const bus = new RequestBus(null, { clock: new FakeClock() });
    const first = gate();
    const ran: number[] = [];
    const running = bus.run(async () => {
      await first.done;
      ran.push(0);
    });
    const ac = new AbortController();
    const aborted = bus.run(async () => void ran.push(1), { signal: ac.signal });
    const third = bus.run(async () => void ran.push(2));
    ac.abort(new Error("operator cancelled"));
    await expect(aborted).rejects.toThrow("operator cancelled");
    expect(bus.pending).toBe(1);
    first.open();
    await Promise.all([running, third]);
    expect(ran).toEqual([0, 2]);
  });

  it("keeps the turnaround gap between exclusive sections", async () => {
    const clock = new FakeClock();
    const bus = new RequestBus(null, { clock, turnaroundMs: 5 });
    const starts: number[] = [];
    const a = bus.run(async () => void starts.push(clock.monotonic()));
    const b = bus.run(async () => void starts.push(clock.monotonic()));
    await a;
    await flush();
    expect(starts).toEqual([0]);
    clock.advance(4);
    await flush();
    expect(starts).toEqual([0]);
    clock.advance(1);
    await b;
    expect(starts).toEqual([0, 5]);
  });

  it("close() rejects everything queued and refuses new work", async () => {
    const bus = new RequestBus(null, { clock: new FakeClock() });
    const first = gate();
    const running = bus.run(() => first.done);
    const queued = bus.run(async () => "never");
    bus.close(new Error("port closed"));
    await expect(queued).rejects.toThrow("port closed");
    await expect(bus.run(async () => 1)).rejects.toThrow("port closed");
    first.open();
    await running;
  });
});

/** An in-memory device: answers each written frame with the scripted reply chunks. */
function scriptedLink(reply: (frame: Buffer) => Buffer[]): ByteLink & { written: Buffer[] } {
  const listeners = new Set<(b: Buffer) => void>();
  const written: Buffer[] = [];
  return {
    written,
    onData(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async write(frame) {
      written.push(frame);
      for (const chunk of reply(frame)) for (const cb of [...listeners]) cb(chunk);
    },
  };
}

/** Frames of the form [len, ...payload]. */
const lengthPrefixed = (buf: Buffer) => (buf.length >= 1 && buf.length >= 1 + buf[0]! ? 1 + buf[0]! : null);

describe("requestFrame", () => {
  it("collects a reply split over several chunks and drops trailing noise", async () => {
    const link = scriptedLink(() => [Buffer.from([3, 0xaa]), Buffer.from([0xbb, 0xcc, 0xff, 0xff])]);
    const reply = await requestFrame(link, Buffer.from([1, 2]), lengthPrefixed, 100, { clock: new FakeClock() });
    expect(reply).toEqual(Buffer.from([3, 0xaa, 0xbb, 0xcc]));
    expect(link.written).toEqual([Buffer.from([1, 2])]);
  });

  it("times out with the partial bytes when the frame never completes", async () => {
    const clock = new FakeClock();
    const link = scriptedLink(() => [Buffer.from([5, 1, 2])]);
    const p = requestFrame(link, Buffer.from([9]), lengthPrefixed, 200, { clock });
    const result = p.catch((e: unknown) => e);
    clock.advance(199);
    await flush();
    clock.advance(1);
    const err = (await result) as RequestTimeoutError;
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err.partial).toEqual(Buffer.from([5, 1, 2]));
    expect(err.message).toContain("3 byte(s) received: 050102");
  });

  it("rejects when the completeness check throws (a corrupt frame)", async () => {
    const link = scriptedLink(() => [Buffer.from([1, 2, 3])]);
    const check = () => {
      throw new Error("CRC mismatch");
    };
    await expect(requestFrame(link, Buffer.from([0]), check, 100, { clock: new FakeClock() })).rejects.toThrow("CRC mismatch");
  });

  it("stops listening once settled", async () => {
    let listeners = 0;
    const link: ByteLink = {
      onData: () => {
        listeners++;
        return () => listeners--;
      },
      write: async () => {},
    };
    const clock = new FakeClock();
    const p = requestFrame(link, Buffer.from([0]), lengthPrefixed, 10, { clock });
    expect(listeners).toBe(1);
    clock.advance(10);
    await expect(p).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(listeners).toBe(0);
  });
});
