import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { CommandStore } from "../../src/uplink/command-store.js";
import type { CommandMeta, CommandResult, CommandRouter } from "../../src/uplink/commands.js";
import type { Uplink } from "../../src/uplink/uplink.js";
import { startMosquitto, type RunningMosquitto } from "../helpers/mosquitto.js";
import { tempStore, type TempStore } from "../store/temp-store.js";
import { Central } from "./central.js";
import { gatewayUplink } from "./gateway.js";

/** Records every call; answers ok with a receipt, or what `next` says. */
class RecordingRouter implements CommandRouter {
  calls: { name: string; args: unknown; meta: CommandMeta }[] = [];
  next: CommandResult | undefined;
  async handle(name: string, args: unknown, meta: CommandMeta): Promise<CommandResult> {
    this.calls.push({ name, args, meta });
    return this.next ?? { status: "ok", data: { receipt: `r-${this.calls.length}` } };
  }
}

let broker: RunningMosquitto;
let store: TempStore;
let uplink: Uplink;
let central: Central;
const router = new RecordingRouter();

beforeAll(async () => {
  broker = await startMosquitto({ extraConf: "set_tcp_nodelay true" });
  store = tempStore({}, systemClock);
  // A command that was claimed by a run that then crashed, before it could answer.
  new CommandStore(store.db).start("cmd-crashed", "door", Date.now() - 60_000);
  central = new Central({ url: broker.url, site: "site-a", gatewayId: "gw-1" });
  await central.start();
  uplink = gatewayUplink(store, broker.url, { router });
  await uplink.start();
  await central.waitFor("birth", () => central.births.length > 0, 5000);
});
afterAll(async () => {
  await uplink.stop();
  await central.stop();
  await broker.stop();
  store.destroy();
});

/** Send a command and wait for its answer (matched by the id echoed in the response). */
async function ask(name: string, body: Record<string, unknown>, opts: Parameters<Central["command"]>[2] = {}) {
  const before = central.responses.length;
  central.command(name, body, opts);
  await central.waitFor(`the answer to ${name}`, () => central.responses.length > before, 5000);
  return central.responses[central.responses.length - 1]!;
}

describe("central commands", () => {
  it("executes a valid command once, answers on cmd/<name>/response with the correlation data, and audits it", async () => {
    const r = await ask("bind-tag", { id: "cmd-1", args: { personId: "p-7", tagId: "t-12" }, requestedBy: "duty-officer", reason: "arrival" }, { correlationData: Buffer.from("c-1") });
    expect(r.topic).toBe("edc/v1/site-a/gw-1/cmd/bind-tag/response");
    expect(r.body).toMatchObject({ id: "cmd-1", status: "ok", data: { receipt: "r-1" } });
    expect(r.correlationData?.toString()).toBe("c-1");
    expect(router.calls).toEqual([{ name: "bind-tag", args: { personId: "p-7", tagId: "t-12" }, meta: { commandId: "cmd-1", requestedBy: "duty-officer", deadline: undefined, reason: "arrival" } }]);

    store.outbox.flush();
    const audit = store.db.prepare<[], { body: string }>("SELECT body FROM audit ORDER BY id DESC LIMIT 1").get()!;
    expect(JSON.parse(audit.body)).toMatchObject({
      actor: "central:duty-officer",
      action: "command.bind-tag",
      target: "person:p-7",
      reason: "arrival",
      data: { commandId: "cmd-1", outcome: "ok" },
    });
  });

  it("answers a repeated command id from the store without executing it again", async () => {
    const r = await ask("bind-tag", { id: "cmd-1", args: { personId: "p-7", tagId: "t-12" } });
    expect(r.body).toMatchObject({ id: "cmd-1", status: "ok", data: { receipt: "r-1" }, replayed: true });
    expect(router.calls).toHaveLength(1);
  });

  it("refuses a command without the central sender, without claiming its id", async () => {
    const r = await ask("door", { id: "cmd-2", args: { doorId: "d-1", action: "unlock" } }, { sender: null });
    expect(r.body).toMatchObject({ id: "cmd-2", status: "error", error: { code: "FORBIDDEN" } });
    const spoofed = await ask("door", { id: "cmd-2", args: { doorId: "d-1", action: "unlock" } }, { sender: "someone-else" });
    expect(spoofed.body).toMatchObject({ status: "error", error: { code: "FORBIDDEN" } });
    expect(router.calls).toHaveLength(1);
    const real = await ask("door", { id: "cmd-2", args: { doorId: "d-1", action: "unlock", ttlS: 10 } });
    expect(real.body).toMatchObject({ id: "cmd-2", status: "ok" });
    expect(router.calls[1]).toMatchObject({ name: "door", args: { doorId: "d-1", action: "unlock", ttlS: 10 } });
  });

  it("rejects invalid, expired and unknown commands with their reason, and never calls the router for them", async () => {
    const calls = router.calls.length;
    expect((await ask("door", { id: "cmd-3", args: { doorId: "d-1", action: "explode" } })).body).toMatchObject({ id: "cmd-3", status: "error", error: { code: "INVALID_ARGS", message: expect.stringMatching(/action/) } });
    expect((await ask("door", { id: "cmd-4", args: { doorId: "d-1", action: "lock" }, deadline: Date.now() - 1000 })).body).toMatchObject({ status: "error", error: { code: "EXPIRED" } });
    expect((await ask("launch", { id: "cmd-5", args: {} })).body).toMatchObject({ status: "error", error: { code: "UNKNOWN_COMMAND" } });
    expect((await ask("door", { args: {} })).body).toMatchObject({ id: null, status: "error", error: { code: "BAD_REQUEST" } });
    expect(router.calls).toHaveLength(calls);
  });

  it("never re-runs a command that was executing when the gateway crashed", async () => {
    const calls = router.calls.length;
    const r = await ask("door", { id: "cmd-crashed", args: { doorId: "d-1", action: "unlock" } });
    expect(r.body).toMatchObject({ id: "cmd-crashed", status: "error", error: { code: "INTERRUPTED" } });
    expect(router.calls).toHaveLength(calls);
  });

  it("passes the router's error through and answers rebirth with a new birth", async () => {
    router.next = { status: "error", error: { code: "INTERLOCK_BLOCKED", message: "sally port door d-2 is open" } };
    expect((await ask("door", { id: "cmd-6", args: { doorId: "d-1", action: "unlock" } })).body).toMatchObject({ status: "error", error: { code: "INTERLOCK_BLOCKED" } });
    router.next = undefined;
    const births = central.births.length;
    expect((await ask("rebirth", { id: "cmd-7" })).body).toMatchObject({ id: "cmd-7", status: "ok" });
    await central.waitFor("a new birth", () => central.births.length === births + 1, 5000);
  });
});
