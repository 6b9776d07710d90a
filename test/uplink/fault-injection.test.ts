import { afterAll, describe, it } from "vitest";
import { expectCompleteStream, startChaos, storedFloor, type Chaos } from "./chaos.js";

/**
 * 50,000 events per scenario through real Mosquitto brokers that are killed or frozen, and a
 * producing daemon process that is SIGKILLed and restarted on its store. The two scenarios run
 * at the same time (own broker, own daemon, own central each) to keep the suite short.
 */
const TARGET = 50_000;
const open: Chaos[] = [];
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
});

describe.concurrent("uplink fault injection", () => {
  it("central receives every seq once, in order, with no gap, through broker SIGKILLs and daemon SIGKILLs", async ({ expect }) => {
    const c = await startChaos(TARGET, 1200); // about 42 s of production
    open.push(c);
    const brokerCrash = async () => {
      c.broker.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 700));
      await c.broker.restart();
    };
    const daemonCrash = async () => {
      await c.producer.kill();
      c.producer.start();
    };
    const log = await c.schedule([
      { at: 4_000, what: "broker SIGKILL + restart", run: brokerCrash },
      { at: 9_000, what: "daemon SIGKILL + restart", run: daemonCrash },
      { at: 14_000, what: "broker SIGKILL + restart", run: brokerCrash },
      { at: 19_000, what: "daemon SIGKILL + restart", run: daemonCrash },
      { at: 24_000, what: "broker SIGKILL + restart", run: brokerCrash },
      { at: 29_000, what: "daemon SIGKILL + restart", run: daemonCrash },
      { at: 34_000, what: "daemon and broker SIGKILL together", run: async () => void (await Promise.all([daemonCrash(), brokerCrash()])) },
    ]);
    await c.central.waitFor(`all ${TARGET} events`, () => c.central.contiguous === TARGET, 60_000);
    await c.central.waitFor("the store fully acked", () => storedFloor(c.producer.dbPath) === TARGET, 10_000);
    expectCompleteStream(c.central, c.producer.dbPath, TARGET);
    expect(c.producer.starts).toBe(5);
    console.info(`crashes: ${log.join("; ")}; duplicates ${c.central.duplicates}`);
  }, 150_000);

  it("central receives every seq once, in order, with no gap, through three 30 s broker SIGSTOPs with a daemon SIGKILL in each", async ({ expect }) => {
    const c = await startChaos(TARGET, 560); // production spans the three pauses and ends in the last
    open.push(c);
    const pause = (at: number) => [
      { at, what: "broker SIGSTOP", run: () => c.broker.kill("SIGSTOP") },
      // The daemon dies and restarts while the broker is frozen: its reconnects wait in the
      // broker's backlog and are processed, with their wills, after SIGCONT.
      {
        at: at + 12_000,
        what: "daemon SIGKILL + restart",
        run: async () => {
          await c.producer.kill();
          c.producer.start();
        },
      },
      { at: at + 30_000, what: "broker SIGCONT", run: () => c.broker.kill("SIGCONT") },
    ];
    const log = await c.schedule([...pause(2_000), ...pause(36_000), ...pause(70_000)]);
    await c.central.waitFor(`all ${TARGET} events`, () => c.central.contiguous === TARGET, 60_000);
    await c.central.waitFor("the store fully acked", () => storedFloor(c.producer.dbPath) === TARGET, 10_000);
    expectCompleteStream(c.central, c.producer.dbPath, TARGET);
    expect(c.producer.starts).toBe(4);
    console.info(`pauses: ${log.join("; ")}; duplicates ${c.central.duplicates}`);
  }, 170_000);
});
