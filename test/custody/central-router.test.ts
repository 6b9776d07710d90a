import { afterEach, describe, expect, it } from "vitest";
import { routeCentralCommand } from "../../src/custody/central-router.js";
import { Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.destroy());

const meta = (commandId: string) => ({ commandId, requestedBy: "user-9", deadline: undefined });

describe("central commands onto the custody API", () => {
  it("register, bind, assign with an override, exit refused while held", () => {
    h = new Harness();
    const reg = (personId: string, caseNo: string) =>
      routeCentralCommand(h.svc, "register-person", { personId, role: "detainee", sex: "male", legalBasis: "summons", caseNo, vulnerableFlags: [] }, meta(`r-${personId}`));
    expect(reg("p-1", "C-1")).toMatchObject({ status: "ok", data: { codes: [], limitH: 12 } });
    expect(reg("p-2", "C-1")).toMatchObject({ status: "ok" });
    expect(routeCentralCommand(h.svc, "bind-tag", { personId: "p-1", tagId: "t-1" }, meta("b-1"))).toMatchObject({ status: "ok" });
    expect(routeCentralCommand(h.svc, "bind-tag", { personId: "p-2", tagId: "t-2" }, meta("b-2"))).toMatchObject({ status: "ok" });
    expect(routeCentralCommand(h.svc, "assign-holding", { personId: "p-1", roomId: "hold-1" }, meta("a-1"))).toMatchObject({ status: "ok" });
    expect(routeCentralCommand(h.svc, "assign-holding", { personId: "p-2", roomId: "hold-1" }, meta("a-2"))).toMatchObject({
      status: "error",
      error: { code: "NEEDS_OVERRIDE" },
      data: { verdict: "needs_override", codes: ["same_case", "process_step_skipped"] },
    });
    const over = routeCentralCommand(h.svc, "assign-holding", { personId: "p-2", roomId: "hold-1", override: { by: "duty-chief", reason: "only room" } }, meta("a-3"));
    expect(over).toMatchObject({ status: "ok", data: { overridden: ["same_case"] } });
    expect(h.events.at(-1)).toMatchObject({ type: "ASSIGNMENT_OVERRIDE", source: { origin: "central:duty-chief" } });
    expect(routeCentralCommand(h.svc, "person-exit", { personId: "p-1", destination: "home", outcome: "教育释放" }, meta("e-1"))).toMatchObject({
      status: "error",
      error: { code: "DENIED" },
      data: { verdict: "deny", codes: ["in_holding"] },
    });
    expect(h.audits.at(-1)).toMatchObject({ actor: "central:user-9", action: "custody.exit" });
  });

  it("leaves door and generic override commands to others; bad arguments are INVALID_ARGS", () => {
    h = new Harness();
    expect(routeCentralCommand(h.svc, "door", { doorId: "d-1", action: "unlock" }, meta("d-1"))).toBeUndefined();
    expect(routeCentralCommand(h.svc, "override", { target: "door:d-1", action: "unlock", by: "x", reason: "y", ttlS: 60 }, meta("o-1"))).toBeUndefined();
    expect(routeCentralCommand(h.svc, "register-person", { personId: "p-1", role: "detainee", legalBasis: "martial_law" }, meta("r-1"))).toMatchObject({
      status: "error",
      error: { code: "INVALID_ARGS" },
    });
  });
});
