import { MIN, tagOf, type Scenario } from "./harness.js";
import type { RoomId } from "./site.js";

/**
 * The custody flow of DOMAIN.md §3 as steps on a Scenario, so that each variant can follow the
 * clean path up to the point where it goes wrong. Two officers (o-1, o-2) escort and question;
 * o-3 patrols from the duty office.
 */
export const ESCORTS = ["o-1", "o-2"] as const;
export const PATROL = "o-3";
export const CASE_NO = "A3306812345678901234567";
export const CHANNEL = "nvr-1/3";

/** The detainee's lifecycle events of the clean flow, in order (the patrol punch names no person). */
export const CLEAN_LIFECYCLE = [
  "PERSON_REGISTERED",
  "TAG_BOUND",
  "SECURITY_CHECK_DONE",
  "BELONGINGS_STORED",
  "INFO_COLLECTED",
  "HOLDING_ASSIGNED",
  "PATROL_PUNCH",
  "HOLDING_RELEASED",
  "INTERROGATION_STARTED",
  "INTERROGATION_ENDED",
  "RECORD_VERIFIED",
  "WELFARE_LOGGED",
  "HOLDING_ASSIGNED",
  "HOLDING_RELEASED",
  "BELONGINGS_RETURNED",
  "TAG_UNBOUND",
  "PERSON_EXITED",
];

/** The same, as the detainee's own events (the patrol punch is the room's, not the person's). */
export const CLEAN_DETAINEE_LIFECYCLE = CLEAN_LIFECYCLE.filter((t) => t !== "PATROL_PUNCH");

/** The officers on duty: the escorts at the registration desk, the patrol officer in the duty office. */
export function openCenter(s: Scenario): void {
  for (const o of ESCORTS) s.officer(o, "registration");
  s.officer(PATROL, "duty-office");
  s.advance(MIN);
}

/** 到案: registered 10 min after arrival, wristband bound at the desk with both escorts there. */
export function arrive(s: Scenario, personId: string, extra: Record<string, unknown> = {}): void {
  s.detainee(personId, { arrivalAt: s.clock.now() - 10 * MIN, caseNos: [CASE_NO], ...extra });
  s.advance(3 * MIN);
}

const escorted = (personId: string) => [personId, ...ESCORTS];

/** 人身检查 with both escorts, belongings into a locker, 一体化采集. */
export function process(s: Scenario, personId: string): void {
  s.walk(escorted(personId), "corridor", "search");
  s.advance(8 * MIN);
  s.ok("record_step", { personId, step: "security_check", officerIds: [...ESCORTS], findings: "none" });
  s.advance(2 * MIN);
  s.walk(escorted(personId), "corridor", "belongings");
  s.advance(4 * MIN);
  s.ok("record_step", { personId, step: "belongings_stored", lockerId: "locker-12", itemsRef: "inv-1", signed: true });
  s.walk(escorted(personId), "corridor", "capture");
  s.idle(15 * MIN);
  s.ok("record_step", { personId, step: "info_capture", items: ["fingerprint", "photo", "dna"], complete: true });
}

/** Assigned, taken to the holding room and left there; the escorts go back to the duty office. */
export function toHolding(s: Scenario, personId: string, roomId: RoomId = "holding-1"): void {
  s.ok("assign_holding", { personId, roomId });
  s.walk(escorted(personId), "corridor");
  s.walk([personId], roomId);
  s.walk([...ESCORTS], "duty-office");
}

/** The escorts come to the holding room and take the person out (提讯). */
export function fetch(s: Scenario, personId: string, roomId: RoomId = "holding-1"): void {
  s.walk([...ESCORTS], "corridor", roomId);
  s.ok("release_holding", { personId });
}

/** The patrol officer's punch at the holding room (R25). */
export function patrol(s: Scenario, roomId: RoomId = "holding-1"): void {
  s.ok("patrol_punch", { roomId, officerId: PATROL });
}

/** Questioning opens with the recorder running, then the detainee is walked in. */
export function startInterrogation(s: Scenario, personId: string): void {
  s.ok("start_interrogation", { personId, roomId: "interrogation-1", officerIds: [...ESCORTS], recorderChannels: [CHANNEL] });
  s.recorder(CHANNEL, "interrogation-1", true);
  s.walk(escorted(personId), "corridor", "interrogation-1");
}

/** Ends, verifies the record, logs a meal, and leaves the room; the recorder stops behind them. */
export function endInterrogation(s: Scenario, personId: string): void {
  s.ok("end_interrogation", { personId });
  s.advance(10 * MIN);
  s.ok("verify_record", { personId });
  s.ok("welfare", { personId, kind: "meal", note: "lunch" });
  s.idle(20 * MIN);
  s.walk(escorted(personId), "corridor");
  s.recorder(CHANNEL, "interrogation-1", false);
}

/** Belongings back, to the registration desk, exit with destination and outcome; the band is docked. */
export function release(s: Scenario, personId: string): void {
  s.walk(escorted(personId), "corridor", "belongings");
  s.advance(3 * MIN);
  s.ok("record_step", { personId, step: "belongings_returned", lockerId: "locker-12", signed: true });
  s.walk(escorted(personId), "corridor", "registration");
  s.advance(2 * MIN);
  s.ok("exit", { personId, destination: "home", outcome: "教育释放", faceMatchScore: 97 });
  s.dock(tagOf(personId));
  s.walk([...ESCORTS], "corridor", "duty-office");
}

/** The clean path up to the detainee sitting in the interrogation room with both escorts and the recorder on. */
export function upToInterrogation(s: Scenario, personId: string, holdingMin = 60): void {
  openCenter(s);
  arrive(s, personId);
  process(s, personId);
  toHolding(s, personId);
  let left = holdingMin * MIN;
  for (; left > 40 * MIN; left -= 40 * MIN) {
    s.idle(40 * MIN);
    patrol(s);
  }
  s.idle(left);
  fetch(s, personId);
  startInterrogation(s, personId);
}

/** From the end of questioning to the exit: back to holding for `holdingMin`, then released. */
export function fromInterrogationToExit(s: Scenario, personId: string, holdingMin = 30): void {
  endInterrogation(s, personId);
  toHolding(s, personId);
  s.idle(holdingMin * MIN);
  fetch(s, personId);
  release(s, personId);
}
