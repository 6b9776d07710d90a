import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simDoorPanel } from "../../devices/sim-door/panel.js";
import { SALLY_IO, sallyPoints } from "../daemon/site.js";
import { ApiRig, TOKENS } from "./api-rig.js";

/**
 * The local API on the real daemon: auth, a custody command seen on the event stream, resume
 * after Last-Event-ID, the interlock refusing a door unlock, metrics, and occupancy after a
 * wristband reports from a room.
 */
const rig = new ApiRig();
beforeAll(() => rig.start(), 20_000);
afterAll(async () => {
  const open = rig.daemon.outbox.committedSeq > 0 ? await rig.events() : undefined;
  expect(await rig.stop()).toBe(true);
  await open?.waitFor("the event stream ended by the stop", () => open.ended);
}, 20_000);

const REGISTER = { personId: "p-api-1", role: "detainee", name: "Zhang San", sex: "male", legalBasis: "summons", caseNos: ["C-2026-7"] };

describe("auth", () => {
  it("answers health without a token, and nothing else", async () => {
    const health = await rig.get("/api/health", "nobody");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "ok", centerId: "haining-demo", gatewayId: "gw-01", store: { epoch: 1 }, uplink: { enabled: false } });

    const anon = await rig.get("/api/status", "nobody");
    expect(anon.status).toBe(401);
    expect(anon.body).toEqual({ error: "UNAUTHORIZED", message: "send Authorization: Bearer <token>" });
    expect(anon.headers.get("www-authenticate")).toBe('Bearer realm="custody-edge"');

    const wrong = await rig.call("GET", "/api/status", "nobody", undefined, { authorization: `Bearer ${TOKENS.operator.token}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("UNAUTHORIZED");
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await rig.get("/metrics", "nobody")).status).toBe(401);
    expect((await rig.get("/api/no-such-route", "nobody")).status).toBe(401);
  });

  it("lets a viewer read but not command; an operator commands only as itself", async () => {
    const status = await rig.get("/api/status", "viewer");
    expect(status.status).toBe(200);
    expect(status.body.devices.map((d: { deviceId: string }) => d.deviceId)).toContain(SALLY_IO);
    expect(status.body.outbox).toMatchObject({ epoch: 1, floorSeq: 0 });

    const denied = await rig.post("/api/commands", { name: "register", args: REGISTER }, "viewer");
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error: "FORBIDDEN", message: "role viewer may not POST /api/commands; it needs operator" });
    expect((await rig.post("/api/doors/sally-inner/lock", { reason: "test" }, "viewer")).status).toBe(403);

    const impersonating = await rig.post("/api/commands", { name: "register", args: REGISTER, by: { kind: "operator", id: "someone-else" } });
    expect(impersonating.status).toBe(403);
    expect(impersonating.body.error).toBe("ACTOR_MISMATCH");
    expect(rig.daemon.custody.reader.person(REGISTER.personId)).toBeUndefined();
    expect((await rig.get("/api/no-such-route", "viewer")).body).toEqual({ error: "NOT_FOUND", message: "no route GET /api/no-such-route" });
  });
});

describe("custody commands and the event stream", () => {
  let registeredSeq = 0;

  it("runs a custody command and streams its events with id = seq, the audit record included", async () => {
    const live = await rig.events();
    expect(live.status).toBe(200);
    expect(live.headers["content-type"]).toBe("text/event-stream; charset=utf-8");

    const ok = await rig.post("/api/commands", { commandId: "api-reg-1", name: "register", args: REGISTER });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "ok", commandId: "api-reg-1", name: "register", codes: [] });

    const registered = await live.waitFor("PERSON_REGISTERED on the stream", () => live.events().find((e) => e.body.type === "PERSON_REGISTERED"));
    expect(registered.id).toBe(registered.body.seq);
    expect(registered.body).toMatchObject({ personId: REGISTER.personId, category: "lifecycle", epoch: 1 });
    registeredSeq = registered.id;
    const audit = await live.waitFor("the command's audit record", () => live.events().find((e) => e.body.type === "AUDIT_RECORD" && e.body.payload.action === "custody.register"));
    expect(audit.body.payload).toMatchObject({ actor: "operator:duty-officer-7", target: `person:${REGISTER.personId}`, data: { commandId: "api-reg-1", status: "ok" } });
    const ids = live.events().map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // The same command id again: the stored answer, not a second registration.
    const again = await rig.post("/api/commands", { commandId: "api-reg-1", name: "register", args: REGISTER });
    expect(again.body).toMatchObject({ status: "ok", replayed: true });
  });

  it("answers 400 with the issue paths, 422 with the pre-check codes", async () => {
    const invalid = await rig.post("/api/commands", { name: "register", args: { personId: "p-api-2", role: "detainee" } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ status: "invalid", error: "INVALID_COMMAND", issues: [{ path: "args.legalBasis", message: "a detainee needs a legalBasis" }] });

    const unknown = await rig.post("/api/commands", { name: "teleport", args: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([{ path: "name", message: 'unknown command "teleport"' }]);

    const notObject = await rig.post("/api/commands", [1, 2]);
    expect(notObject.status).toBe(400);
    expect(notObject.body).toMatchObject({ error: "INVALID_INPUT", issues: [{ path: "(root)" }] });
    const badJson = await rig.post("/api/commands", "{nope");
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toBe("INVALID_JSON");

    const rejected = await rig.post("/api/commands", { name: "extend_clock", args: { personId: REGISTER.personId, newLimitH: 6, approver: "chief-2", reason: "shorter" } });
    expect(rejected.status).toBe(422);
    expect(rejected.body).toMatchObject({ status: "rejected", verdict: "deny", codes: ["not_an_extension"] });
  });

  it("resumes after Last-Event-ID from the outbox, then continues live without a gap", async () => {
    const resumed = await rig.events("viewer", { "last-event-id": String(registeredSeq - 1) });
    const head = rig.daemon.outbox.committedSeq;
    await resumed.waitFor("the replay up to the head", () => resumed.events().some((e) => e.id >= head));
    const replayed = resumed.events();
    expect(replayed[0]).toMatchObject({ id: registeredSeq, body: { type: "PERSON_REGISTERED" } });
    expect(replayed.map((e) => e.id)).toEqual(Array.from({ length: replayed.length }, (_, i) => registeredSeq + i));

    // Live after the replay: the next command's events follow on the same connection, still contiguous.
    await rig.post("/api/commands", { name: "welfare", args: { personId: REGISTER.personId, kind: "water" } });
    await resumed.waitFor("the live WELFARE event", () => resumed.events().find((e) => e.body.type === "WELFARE_LOGGED"));
    const all = resumed.events().map((e) => e.id);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => registeredSeq + i));

    // ?after= does the same for clients that cannot set the header; categories filter.
    const filtered = await rig.events("viewer", {}, `?after=${registeredSeq - 1}&category=lifecycle`);
    const first = await filtered.waitFor("a replayed lifecycle event", () => filtered.events()[0]);
    expect(first).toMatchObject({ id: registeredSeq, body: { type: "PERSON_REGISTERED" } });
    expect((await rig.get("/api/events?category=nonsense")).body).toMatchObject({ error: "INVALID_INPUT", issues: [{ path: "query.category.0" }] });
  });
});

describe("doors and alarms", () => {
  it("refuses an unlock the interlock forbids with 409 INTERLOCK_BLOCKED, then the alarm is acknowledged and resolved", async () => {
    await rig.until("both sally-port doors known", async () => {
      const doors = (await rig.get("/api/doors")).body.doors as Array<{ doorId: string; known: boolean }>;
      return doors.filter((d) => d.doorId.startsWith("sally-") && d.known).length === 2 ? true : undefined;
    });
    const noReason = await rig.post("/api/doors/sally-outer/unlock", {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues).toEqual([{ path: "reason", message: "a reason is required" }]);

    const opened = await rig.post("/api/doors/sally-outer/unlock", { reason: "vehicle arriving" });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ doorId: "sally-outer", action: "unlock", result: "executed", reasonCode: "EXECUTED" });
    simDoorPanel(SALLY_IO)!.open(sallyPoints("sally-outer").contact);
    await rig.until("sally-outer open and unlocked", async () => {
      const doors = (await rig.get("/api/doors")).body.doors as Array<{ doorId: string; open: boolean; locked: boolean }>;
      const d = doors.find((x) => x.doorId === "sally-outer")!;
      return d.open && d.locked === false ? d : undefined;
    });

    const refused = await rig.post("/api/doors/sally-inner/unlock", { reason: "escort to the sally port" });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ doorId: "sally-inner", action: "unlock", result: "rejected", reasonCode: "INTERLOCK_BLOCKED" });
    expect(simDoorPanel(SALLY_IO)!.physical()[sallyPoints("sally-inner").lock]).toBe("locked");
    expect((await rig.post("/api/doors/no-such-door/lock", { reason: "x" })).status).toBe(404);

    const alarm = await rig.until("the INTERLOCK_BLOCKED alarm", async () => {
      const alarms = (await rig.get("/api/alarms")).body.alarms as Array<{ alarmId: string; type: string }>;
      return alarms.find((a) => a.type === "INTERLOCK_BLOCKED");
    });
    const acked = await rig.post(`/api/alarms/${alarm.alarmId}/ack`, { note: "seen on camera" });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ status: "ok", name: "ack_alarm", data: { alarm: { state: "acknowledged", ackBy: "operator:duty-officer-7" } } });
    expect((await rig.post(`/api/alarms/${alarm.alarmId}/ack`, {})).status).toBe(409);
    expect((await rig.post("/api/alarms/no-such-alarm/ack", undefined)).status).toBe(404);
    const resolved = await rig.post(`/api/alarms/${alarm.alarmId}/resolve`, { note: "vehicle passed" }, "admin");
    expect(resolved.status).toBe(200);
    expect(resolved.body.data.alarm).toMatchObject({ state: "resolved" });

    const doorAudits = rig.daemon.outbox.read(1, 10_000).filter((e) => e.type === "AUDIT_RECORD" && String(e.payload.action).startsWith("door."));
    expect(doorAudits.map((e) => [e.payload.action, e.payload.actor, (e.payload.data as { result: string }).result])).toEqual(
      expect.arrayContaining([
        ["door.unlock", "operator:duty-officer-7", "executed"],
        ["door.unlock", "operator:duty-officer-7", "rejected"],
      ]),
    );
  });
});

describe("occupancy and metrics", () => {
  it("shows a located wristband in its room on /api/zones and /api/people/:id", async () => {
    expect((await rig.post("/api/commands", { name: "bind", args: { personId: REGISTER.personId, tagIds: ["0a0b"] } })).status).toBe(200);
    const inRegistration = async () => {
      const areas = (await rig.get("/api/zones")).body.areas as Array<{ rooms: Array<{ id: string; occupants: Array<{ id: string }> }> }>;
      return areas.flatMap((a) => a.rooms).find((r) => r.id === "registration")!.occupants.some((o) => o.id === REGISTER.personId);
    };
    await rig.walk("0a0b", 2, 10, inRegistration, "the detainee in the registration room on /api/zones");

    const zones = (await rig.get("/api/zones")).body;
    const reception = zones.areas.find((a: { id: string }) => a.id === "reception");
    expect(reception).toMatchObject({ total: 1, totalByRole: { detainee: 1 }, count: 0, byRole: {}, occupants: [] });
    const room = zones.areas.flatMap((a: { rooms: unknown[] }) => a.rooms).find((r: { id: string }) => r.id === "registration");
    expect(room).toMatchObject({ type: "registration", count: 1, byRole: { detainee: 1 } });
    expect(room.shapes[0].polygon.length).toBeGreaterThanOrEqual(3);
    expect(room.occupants).toEqual([{ kind: "person", id: REGISTER.personId, name: "Zhang San", role: "detainee", sessionId: expect.any(String), tagIds: ["0a0b"], since: expect.any(Number), online: true }]);

    const person = await rig.get(`/api/people/${REGISTER.personId}`);
    expect(person.status).toBe(200);
    expect(person.body).toMatchObject({
      personId: REGISTER.personId,
      person: { role: "detainee", name: "Zhang San" },
      location: { tagId: "0a0b", roomId: "registration", online: true },
      session: { state: "in_area", legalBasis: "summons", tagIds: ["0a0b"] },
      clock: { running: true, limitH: 12 },
    });
    expect((await rig.get("/api/people/nobody-here")).status).toBe(404);
  });

  it("serves Prometheus text with the daemon's metrics", async () => {
    const res = await rig.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const samples = new Map<string, number>();
    for (const line of res.text.split("\n")) {
      if (line === "" || line.startsWith("#")) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
      expect(m, `unparseable line: ${line}`).not.toBeNull();
      samples.set(m![1]!, Number(m![2]));
    }
    const value = (name: string) => samples.get(name);
    expect(value("custody_edge_observations_total")).toBeGreaterThan(0);
    expect(value('custody_edge_events_total{type="PERSON_REGISTERED",category="lifecycle"}')).toBe(1);
    expect(value('custody_edge_alarms_open{severity="4"}')).toBeGreaterThanOrEqual(0);
    expect(value("custody_edge_devices_online")).toBeGreaterThan(0);
    expect(value("custody_edge_outbox_committed_seq")).toBe(rig.daemon.outbox.committedSeq);
    expect(value("custody_edge_outbox_pending_events")).toBeGreaterThan(0);
    expect(value("custody_edge_uplink_connected")).toBe(0);
    expect(value("custody_edge_sse_clients")).toBeGreaterThan(0);
    expect(value('custody_edge_sse_dropped_total{reason="slow"}')).toBe(0);
    expect(value("nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(value("process_resident_memory_bytes")).toBeGreaterThan(0);
    expect([...samples.keys()].some((k) => k.startsWith('custody_edge_http_requests_total{method="POST",route="/api/commands",status="200"}'))).toBe(true);
  });
});
