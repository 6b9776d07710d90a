import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventStream } from "../../src/api/event-stream.js";
import { createLogger } from "../../src/core/logger.js";
import { tempStore, type TempStore } from "../store/temp-store.js";
import { SseReader } from "./sse-reader.js";

/**
 * The event stream on a real store and a real HTTP server: replay in pages, gaps named, the
 * live edge, heartbeats, and a client that stops reading being dropped (and counted) while a
 * reading one gets everything.
 */
const log = createLogger({ level: "silent" });
let store: TempStore;
let stream: EventStream;
let server: Server;
let url = "";
const readers: SseReader[] = [];

beforeAll(async () => {
  store = tempStore();
  stream = new EventStream({ outbox: store.outbox, log, heartbeatMs: 50, maxBufferedBytes: 256 * 1024, pageSize: 16 });
  server = createServer((req, res) => {
    const after = new URL(req.url!, "http://x").searchParams.get("after");
    stream.open(res, after === null ? {} : { afterSeq: Number(after) });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(() => {
  for (const r of readers.splice(0)) r.close();
});

afterAll(async () => {
  stream.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  store.destroy();
});

const connect = (after?: number) => {
  const r = new SseReader(after === undefined ? url : `${url}?after=${after}`, {});
  readers.push(r);
  return r.open();
};

const emit = (n: number, payload: Record<string, unknown> = { x: 1 }): number[] => {
  const seqs = Array.from({ length: n }, () => store.emit({ payload }));
  store.outbox.flush();
  return seqs;
};

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("event stream", () => {
  it("replays after a seq in pages, then follows the live edge without a gap; heartbeats keep the link visibly alive", async () => {
    emit(40);
    const r = await connect(5);
    await r.waitFor("the replay", () => r.events().length >= 35);
    emit(3);
    await r.waitFor("the live events", () => r.events().length >= 38);
    expect(r.events().map((e) => e.id)).toEqual(range(6, 43));
    expect(r.events()[0]!.body).toMatchObject({ seq: 6, type: "TAG_REPORT", category: "location" });
    await r.waitFor("a heartbeat", () => r.comments.some((c) => c.startsWith("heartbeat")));

    const live = await connect();
    emit(1);
    await live.waitFor("the next event only", () => live.events().length === 1);
    expect(live.events()[0]!.id).toBe(44);
  });

  it("names the events that are no longer stored, and an id this store never had", async () => {
    const seqs = emit(10);
    store.outbox.ack(seqs[4]!);
    const r = await connect(seqs[0]!);
    await r.waitFor("the stored rest", () => r.events().length >= 5);
    expect(r.messages[0]).toEqual({ event: "gap", data: JSON.stringify({ after: seqs[0], resumeAt: seqs[5], reason: "not_stored" }) });
    expect(r.events().map((e) => e.id)).toEqual(seqs.slice(5));

    const stranger = await connect(store.outbox.committedSeq + 1000);
    await stranger.waitFor("the gap notice", () => stranger.messages[0]);
    expect(stranger.messages[0]!.event).toBe("gap");
    expect(JSON.parse(stranger.messages[0]!.data)).toMatchObject({ reason: "unknown_seq", resumeAt: store.outbox.committedSeq + 1 });
    emit(1);
    await stranger.waitFor("the live event", () => stranger.events()[0]);
  });

  it("drops a client that stops reading instead of buffering for it, and counts it; a reading client gets every event", async () => {
    const slow = await connect();
    const fast = await connect();
    const first = store.outbox.committedSeq + 1;
    slow.pause();
    const big = { blob: "x".repeat(32 * 1024) };
    let sent = 0;
    // Enough to fill the kernel's socket buffers of the paused client, several MB; stop once it is dropped.
    while (stream.stats().dropped.slow === 0 && sent < 2000) {
      emit(8, big);
      sent += 8;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(stream.stats().dropped.slow).toBe(1);
    await fast.waitFor("every event at the reading client", () => fast.events().length >= sent, 10_000);
    expect(fast.events().map((e) => e.id)).toEqual(range(first, first + sent - 1));
    expect(stream.stats().clients).toBe(1);
    // Reading again, the slow client finds its connection closed after a part of the stream: it resumes with its last id.
    slow.resume();
    await slow.waitFor("the slow client's connection closed", () => slow.ended);
    expect(slow.events().length).toBeLessThan(sent);
  });
});
