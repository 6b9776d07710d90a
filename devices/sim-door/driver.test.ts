import { afterEach, describe, expect, it } from "vitest";
import type { Command } from "../../src/drivers/contract.js";
import { driverUnderTest, until, type DriverUnderTest } from "../../test/helpers/driver-context.js";
import { simDoor } from "./definition.js";
import { simDoorPanel } from "./panel.js";

const running: DriverUnderTest[] = [];
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
});

async function start(options: Record<string, unknown>, id = "sim-1"): Promise<DriverUnderTest> {
  const d = driverUnderTest(simDoor, id, { doors: [{ lock: "lock-1", contact: "contact-1", requestToExit: "rex-1" }], inputs: ["fire"], latencyMs: 5, ...options }, null);
  running.push(d);
  await d.start();
  return d;
}

const cmd = (values: Record<string, unknown>, deadlineIn = 1000): Command => ({ id: `c-${Math.random()}`, values, origin: "operator", requestedBy: "op", reason: "t", deadline: Date.now() + deadlineIn });
const signal = () => new AbortController().signal;

describe("sim-door driver", () => {
  it("comes up online and reports every point (read-back)", async () => {
    const d = await start({});
    expect(d.online()).toBe(true);
    expect(d.state()).toEqual({ "lock-1": "locked", "contact-1": "closed", "rex-1": false, fire: false });
    expect(await d.driver.read!(["lock-1", "contact-1", "nope"], signal())).toEqual({ "lock-1": "locked", "contact-1": "closed" });
  });

  it("moves the lock after its latency and says what it did", async () => {
    const d = await start({ latencyMs: 30 });
    const t0 = performance.now();
    const r = await d.driver.command!(cmd({ "lock-1": "unlock" }), signal());
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(r).toEqual({ status: "ok", state: { "lock-1": "unlocked" } });
    expect(d.state()["lock-1"]).toBe("unlocked");
    expect(simDoorPanel("sim-1")!.received.at(-1)!.values).toEqual({ "lock-1": "unlock" });
  });

  it("relocks by itself after a pulse; a later command cancels the pending relock", async () => {
    const d = await start({});
    await d.driver.command!(cmd({ "lock-1": "pulse", ms: 40 }), signal());
    expect(d.state()["lock-1"]).toBe("unlocked");
    await until(() => d.state()["lock-1"] === "locked", "relock after the pulse", 1000);
    await d.driver.command!(cmd({ "lock-1": "pulse", ms: 40 }), signal());
    await d.driver.command!(cmd({ "lock-1": "unlock" }), signal());
    await new Promise((r) => setTimeout(r, 80));
    expect(d.state()["lock-1"]).toBe("unlocked");
  });

  it("never acts after the deadline, and refuses what it does not understand", async () => {
    const d = await start({ latencyMs: 40 });
    expect(await d.driver.command!(cmd({ "lock-1": "unlock" }, -1), signal())).toMatchObject({ status: "error", code: "timeout" });
    expect(await d.driver.command!(cmd({ "lock-1": "unlock" }, 10), signal())).toMatchObject({ status: "error", code: "timeout" });
    expect(simDoorPanel("sim-1")!.physical()["lock-1"]).toBe("locked");
    expect(await d.driver.command!(cmd({ "lock-9": "unlock" }), signal())).toMatchObject({ status: "error", code: "invalid" });
    expect(await d.driver.command!(cmd({ "lock-1": "open" }), signal())).toMatchObject({ status: "error", code: "invalid" });
  });

  it("reports contact bounce on each physical change", async () => {
    const d = await start({ bounceMs: 30 });
    simDoorPanel("sim-1")!.open("contact-1");
    await new Promise((r) => setTimeout(r, 60));
    const contact = d.messages.flatMap((m) => (m.type === "state" && "contact-1" in m.values ? [m.values["contact-1"]] : []));
    expect(contact).toEqual(["closed", "open", "closed", "open"]);
  });

  it("goes silent on a scheduled outage and reports everything again when back", async () => {
    const d = await start({ offline: [{ atMs: 20, forMs: 60 }] });
    await until(() => d.online() === false, "scheduled outage", 1000);
    const panel = simDoorPanel("sim-1")!;
    panel.open("contact-1");
    panel.setInput("fire", true);
    expect(d.state()["contact-1"]).toBe("closed");
    expect(await d.driver.command!(cmd({ "lock-1": "unlock" }), signal())).toMatchObject({ status: "error", code: "offline" });
    await until(() => d.online() === true, "back online", 1000);
    expect(d.state()).toMatchObject({ "contact-1": "open", fire: true, "lock-1": "locked" });
  });

  it("a power loss drops a maglock to unlocked; a fail-secure strike holds", async () => {
    const d = await start({
      doors: [
        { lock: "mag", contact: "c-mag" },
        { lock: "strike", contact: "c-strike", onPowerLoss: "hold" },
      ],
      inputs: [],
    });
    const panel = simDoorPanel("sim-1")!;
    panel.goOffline(true);
    panel.goOnline();
    expect(d.state()).toMatchObject({ mag: "unlocked", strike: "locked" });
  });

  it("without heartbeats the outputs revert to their power-loss state; heartbeats keep them", async () => {
    const d = await start({ heartbeatTimeoutMs: 60 });
    for (let i = 0; i < 5; i++) {
      expect(await d.driver.command!(cmd({ heartbeat: true }), signal())).toEqual({ status: "ok" });
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(d.state()["lock-1"]).toBe("locked");
    await until(() => d.state()["lock-1"] === "unlocked", "watchdog revert", 1000);
  });
});
