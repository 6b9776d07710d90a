import { afterEach, describe, expect, it } from "vitest";
import { custodyParamIssues, custodyParams } from "../../src/custody/params.js";
import { Harness } from "./harness.js";

const MIN = 60_000;
const H = 60 * MIN;
let h: Harness;
afterEach(() => h.destroy());

describe("R03 clock start", () => {
  it("starts at the 到案时间 the operator gives, even before the bind", () => {
    h = new Harness();
    const arrivalAt = h.clock.now() - 30 * MIN;
    h.ok("register", { personId: "p-1", role: "detainee", legalBasis: "summons", arrivalAt });
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ running: true, arrivalAt, elapsedMs: 30 * MIN, limitH: 12, remainingMs: 11.5 * H });
    h.clock.advance(10 * MIN);
    h.ok("bind", { personId: "p-1", tagIds: ["t-1"] });
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ arrivalAt, elapsedMs: 40 * MIN });
  });

  it("without an arrival time it does not run until the bind, then starts at the bind", () => {
    h = new Harness();
    h.ok("register", { personId: "p-1", role: "detainee", legalBasis: "summons" });
    h.clock.advance(5 * MIN);
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ running: false, elapsedMs: 0 });
    const bindAt = h.clock.now();
    h.ok("bind", { personId: "p-1", tagIds: ["t-1"] });
    h.clock.advance(MIN);
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ running: true, arrivalAt: bindAt, elapsedMs: MIN, deadlineAt: bindAt + 12 * H });
  });

  it("refuses an arrival time in the future; a minute's skew is tolerated", () => {
    h = new Harness();
    expect(h.run("register", { personId: "p-1", role: "detainee", legalBasis: "summons", arrivalAt: h.clock.now() + 10 * MIN })).toMatchObject({
      verdict: "deny",
      codes: ["arrival_in_future"],
    });
    expect(h.run("register", { personId: "p-1", role: "detainee", legalBasis: "summons", arrivalAt: h.clock.now() + 30_000 })).toMatchObject({ status: "ok" });
  });
});

describe("R04 limits and extensions", () => {
  it.each([
    ["summons", {}, 12],
    ["compelled_appearance", {}, 12],
    ["admin_questioning", {}, 8],
    ["admin_questioning", { mayBeDetained: true }, 24],
    ["continued_questioning", {}, 12],
    ["arrest", {}, 24],
  ] as const)("%s %o → %i h", (legalBasis, extra, limitH) => {
    h = new Harness();
    h.admit("p-1", { legalBasis, ...extra });
    expect(h.svc.clockOfPerson("p-1")?.limitH).toBe(limitH);
  });

  it("criminal summons 12 → 24 with approver and reason; no step beyond", () => {
    h = new Harness();
    h.admit("p-1");
    h.clock.advance(10 * H);
    const r = h.run("extend_clock", { personId: "p-1", newLimitH: 24, approver: "chief-wang", reason: "特别重大、复杂" });
    expect(r).toMatchObject({ status: "ok", data: { limitH: 24 } });
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ limitH: 24, remainingMs: 14 * H });
    expect(h.events.at(-1)).toMatchObject({ type: "CLOCK_EXTENDED", payload: { newLimitH: 24, previousLimitH: 12, approver: "chief-wang" } });
    expect(h.run("extend_clock", { personId: "p-1", newLimitH: 36, approver: "chief-wang", reason: "more" })).toMatchObject({ codes: ["no_further_extension"] });
  });

  it("continued questioning 12 → 48 directly is rejected; 12 → 24 → 48 in approved steps with unknown identity", () => {
    h = new Harness();
    h.admit("p-1", { legalBasis: "continued_questioning" });
    expect(h.run("extend_clock", { personId: "p-1", newLimitH: 48, approver: "chief", reason: "identity unknown", identityUnknown: true })).toMatchObject({
      verdict: "deny",
      codes: ["step_skipped"],
      details: { nextStepH: 24 },
    });
    h.ok("extend_clock", { personId: "p-1", newLimitH: 24, approver: "chief", reason: "needs more time" });
    expect(h.run("extend_clock", { personId: "p-1", newLimitH: 48, approver: "chief", reason: "still here" })).toMatchObject({ codes: ["identity_known"] });
    h.ok("extend_clock", { personId: "p-1", newLimitH: 48, approver: "chief", reason: "identity unknown", identityUnknown: true });
    expect(h.svc.clockOfPerson("p-1")?.limitH).toBe(48);
  });

  it("an approval recorded after the deadline needs an override; before it, it does not", () => {
    h = new Harness();
    h.admit("p-1");
    h.clock.advance(12 * H + MIN);
    expect(h.run("extend_clock", { personId: "p-1", newLimitH: 24, approver: "chief", reason: "late" })).toMatchObject({ verdict: "needs_override", codes: ["deadline_passed"] });
    expect(h.override("extend_clock", { personId: "p-1", newLimitH: 24, approver: "chief", reason: "approved by phone at 11 h" }, "paper approval arrived late")).toMatchObject({
      status: "ok",
      overridden: ["deadline_passed"],
    });
    expect(h.sessionOf("p-1")?.extensions[0]?.override).toMatchObject({ by: "operator:op-1", reason: "paper approval arrived late", codes: ["deadline_passed"] });
  });

  it("limits and steps come from config (2026 administrative 12 h tier)", () => {
    h = new Harness({ rules: { R03: { limitsH: { admin_questioning: 12 }, extensionStepsH: { admin_questioning: [24] } } } });
    h.admit("p-1", { legalBasis: "admin_questioning" });
    expect(h.svc.clockOfPerson("p-1")?.limitH).toBe(12);
  });

  it("bad custody parameters fail with the config path", () => {
    h = new Harness();
    expect(() => custodyParams({ R03: { limitsH: { summons: -1 } } })).toThrow(/rules\.R03\.limitsH\.summons/);
    expect(custodyParamIssues({ R28: { mode: "sometimes" } })).toMatchObject([{ path: "rules.R28.mode" }]);
    expect(custodyParamIssues({ R10: { dwellS: 60 }, R04: { leadH: { criminal: 2 } }, R06: { holdingDwellS: 30 } })).toEqual([]);
  });
});

describe("R07 sobering-restraint pause", () => {
  it("pauses and resumes the 询问查证 clock: restraint time is not counted", () => {
    h = new Harness();
    h.admit("p-1", { legalBasis: "admin_questioning", vulnerable: ["drunk"] });
    h.clock.advance(H);
    h.ok("pause_clock", { personId: "p-1" });
    h.clock.advance(3 * H);
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ paused: true, elapsedMs: H, pausedMs: 3 * H, inAreaMs: 4 * H });
    const r = h.ok("resume_clock", { personId: "p-1" });
    expect(r.data).toEqual({ pausedMs: 3 * H });
    h.clock.advance(H);
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ paused: false, elapsedMs: 2 * H, remainingMs: 6 * H });
    expect(h.eventTypes().filter((t) => t.startsWith("CLOCK_"))).toEqual(["CLOCK_PAUSED", "CLOCK_RESUMED"]);
    expect(h.sessionOf("p-1")?.pauses).toEqual([{ reason: "sobering_restraint", from: h.clock.now() - 4 * H, to: h.clock.now() - H }]);
  });

  it("a criminal summons clock cannot be paused, and keeps running", () => {
    h = new Harness();
    h.admit("p-1");
    h.clock.advance(H);
    expect(h.run("pause_clock", { personId: "p-1" })).toMatchObject({ verdict: "deny", codes: ["pause_not_allowed"] });
    h.clock.advance(H);
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ paused: false, elapsedMs: 2 * H });
  });

  it("double pause and resume without pause are refused", () => {
    h = new Harness();
    h.admit("p-1", { legalBasis: "admin_questioning" });
    expect(h.run("resume_clock", { personId: "p-1" })).toMatchObject({ codes: ["not_paused"] });
    h.ok("pause_clock", { personId: "p-1" });
    expect(h.run("pause_clock", { personId: "p-1" })).toMatchObject({ codes: ["already_paused"] });
  });
});

describe("wall-clock jumps", () => {
  it("a jump forward is detected, audited, and adds no custody time", () => {
    h = new Harness();
    h.svc.start();
    h.admit("p-1");
    h.clock.advance(H);
    h.clock.jumpWall(5 * H);
    h.clock.advance(2_000);
    const jump = h.audits.find((a) => a.action === "clock.wall_jump");
    expect(jump).toMatchObject({ actor: "engine:custody", data: { phase: "running", driftMs: 5 * H } });
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ elapsedMs: H + 2_000, remainingMs: 11 * H - 2_000 });
    // The deadline is shown in the wall clock the gateway now runs on.
    expect(h.svc.clockOfPerson("p-1")?.deadlineAt).toBe(h.clock.now() + 11 * H - 2_000);
  });

  it("a jump back is detected and takes no custody time away", () => {
    h = new Harness();
    h.svc.start();
    h.admit("p-1");
    h.clock.advance(3 * H);
    h.clock.jumpWall(-2 * H);
    h.clock.advance(1_000);
    expect(h.audits.filter((a) => a.action === "clock.wall_jump")).toHaveLength(1);
    expect(h.audits.find((a) => a.action === "clock.wall_jump")?.data).toMatchObject({ driftMs: -2 * H });
    expect(h.svc.clockOfPerson("p-1")?.elapsedMs).toBe(3 * H + 1_000);
  });

  it("drift below the threshold is not a jump", () => {
    h = new Harness();
    h.svc.start();
    h.clock.advance(1_000);
    h.clock.jumpWall(3_000);
    h.clock.advance(1_000);
    expect(h.audits.filter((a) => a.action === "clock.wall_jump")).toHaveLength(0);
  });

  it("an arrival time given after a jump is read in the current wall frame", () => {
    h = new Harness();
    h.svc.start();
    h.clock.jumpWall(H);
    h.clock.advance(1_000);
    h.ok("register", { personId: "p-1", role: "detainee", legalBasis: "summons", arrivalAt: h.clock.now() - 20 * MIN });
    expect(h.svc.clockOfPerson("p-1")?.elapsedMs).toBe(20 * MIN);
  });
});

describe("restart", () => {
  it("keeps the clock: downtime counts, pauses stay paused", () => {
    h = new Harness();
    h.admit("p-1");
    h.admit("p-2", { legalBasis: "admin_questioning" });
    h.ok("pause_clock", { personId: "p-2" });
    h.clock.advance(2 * H);
    h.restart({ downMs: 30 * MIN });
    expect(h.svc.clockOfPerson("p-1")).toMatchObject({ elapsedMs: 2.5 * H, limitH: 12 });
    expect(h.svc.clockOfPerson("p-2")).toMatchObject({ paused: true, elapsedMs: 0, pausedMs: 2.5 * H });
  });

  it("after a crash (no checkpoint for hours) the time since the last checkpoint still counts", () => {
    h = new Harness();
    h.admit("p-1");
    h.clock.advance(3 * H);
    h.restart({ crash: true, downMs: 10 * MIN });
    expect(h.svc.clockOfPerson("p-1")?.elapsedMs).toBe(3 * H + 10 * MIN);
  });

  it("keeps a refused wall-clock jump refused after a restart", () => {
    h = new Harness();
    h.svc.start();
    h.admit("p-1");
    h.clock.advance(H);
    h.clock.jumpWall(4 * H);
    h.clock.advance(1_000);
    h.restart();
    h.clock.advance(H);
    expect(h.svc.clockOfPerson("p-1")?.elapsedMs).toBe(2 * H + 1_000);
  });

  it("a wall clock found behind the last checkpoint at start is reported and counts no negative downtime", () => {
    h = new Harness();
    h.admit("p-1");
    h.clock.advance(H);
    h.svc.stop();
    h.clock.jumpWall(-3 * H); // while the daemon is down
    h.restart({ crash: true });
    expect(h.audits.find((a) => a.action === "clock.wall_jump")?.data).toMatchObject({ phase: "restart", driftMs: -3 * H });
    expect(h.svc.clockOfPerson("p-1")?.elapsedMs).toBe(H);
  });
});
