import { describe, expect, it } from "vitest";
import { CustodyPassagePolicy } from "../../src/custody/passage.js";
import type { CustodySession, Person } from "../../src/custody/model.js";
import type { CustodyView, Occupant, PresenceView, RoomInfo } from "../../src/rules/view.js";

const person = (personId: string, role: Person["role"]): Person => ({ personId, role, sex: "male", vulnerable: [], caseNos: [], incidentNos: [], coCaseLinks: [] });
const session = (over: Partial<CustodySession> = {}): CustodySession => ({
  sessionId: "s1",
  personId: "d1",
  legalBasis: "summons",
  arrivalAt: 0,
  state: "in_area",
  baseLimitH: 12,
  extensions: [],
  pauses: [],
  tagIds: ["t1"],
  escortOfficerIds: [],
  interrogations: [],
  steps: {},
  welfare: [],
  ...over,
});
const room = (id: string, type: RoomInfo["type"]): RoomInfo => ({ id, type, areaId: "secure", sex: "any", age: "any", adjacentToExit: false });

function policy(opts: { session?: CustodySession | undefined; officerIn?: string[] }) {
  const people = new Map([["d1", person("d1", "detainee")], ["o1", person("o1", "officer")]]);
  const custody: CustodyView = {
    person: (id) => people.get(id),
    openSession: (id) => (id === "d1" ? opts.session : undefined),
    openSessions: () => (opts.session ? [opts.session] : []),
    previousSessionOf: () => undefined,
    coCase: () => false,
    ageAt: () => 30,
  };
  const rooms = [room("corridor", "corridor"), room("holding-1", "holding"), room("holding-2", "holding"), room("interrogation-1", "interrogation"), room("capture", "capture")];
  const presence: PresenceView = {
    room: (id) => rooms.find((r) => r.id === id),
    rooms: () => rooms,
    occupants: (id): Occupant[] => ((opts.officerIn ?? []).includes(id) ? [{ personId: "o1", tagId: "to1", role: "officer", since: 0 }] : []),
    roomOf: () => undefined,
  };
  return new CustodyPassagePolicy(custody, presence, (z) => z === "exit" || z === "outside");
}

describe("custody passage policy", () => {
  it("lets staff pass and refuses unknown people", () => {
    const p = policy({ session: session() });
    expect(p.mayPass("o1", "door", "corridor", "holding-1", 0)).toEqual({ allowed: true, reasonCodes: ["NOT_IN_CUSTODY"] });
    expect(p.mayPass("x", "door", "corridor", "holding-1", 0)).toEqual({ allowed: false, reasonCodes: ["UNKNOWN_PERSON"] });
  });

  it("lets an escorted detainee into the assigned holding room only", () => {
    const p = policy({ session: session({ holdingRoomId: "holding-1" }), officerIn: ["corridor"] });
    expect(p.mayPass("d1", "door", "corridor", "holding-1", 0)).toEqual({ allowed: true, reasonCodes: ["ESCORTED"] });
    expect(p.mayPass("d1", "door", "corridor", "holding-2", 0)).toEqual({ allowed: false, reasonCodes: ["NOT_ASSIGNED_ROOM"] });
    expect(p.mayPass("d1", "door", "corridor", "capture", 0)).toEqual({ allowed: true, reasonCodes: ["ESCORTED"] });
  });

  it("refuses an unescorted detainee, even towards the assigned room", () => {
    const p = policy({ session: session({ holdingRoomId: "holding-1" }), officerIn: [] });
    expect(p.mayPass("d1", "door", "corridor", "holding-1", 0)).toEqual({ allowed: false, reasonCodes: ["NOT_ESCORTED"] });
  });

  it("opens the way out only with an exit record or an approved temporary exit", () => {
    expect(policy({ session: session(), officerIn: ["corridor"] }).mayPass("d1", "door", "corridor", "exit", 0).reasonCodes).toEqual(["EXIT_NOT_APPROVED"]);
    const temp = session({ state: "temp_exit", tempExit: { reason: "medical", approver: "chief", at: 0, plannedReturnAt: 1 } });
    expect(policy({ session: temp }).mayPass("d1", "door", "corridor", "exit", 0)).toEqual({ allowed: true, reasonCodes: ["TEMP_EXIT_APPROVED"] });
    const exited = session({ exit: { at: 0, destination: "home", outcome: "released", by: "op", belongingsReturned: true } });
    expect(policy({ session: exited }).mayPass("d1", "door", "corridor", "outside", 0)).toEqual({ allowed: true, reasonCodes: ["EXIT_RECORDED"] });
  });

  it("refuses a detainee without an open session", () => {
    expect(policy({ session: undefined }).mayPass("d1", "door", "corridor", "capture", 0)).toEqual({ allowed: false, reasonCodes: ["NO_OPEN_SESSION"] });
  });
});
