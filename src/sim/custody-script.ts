import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { custodyParams, type CustodyService } from "../custody/index.js";
import { parseRuleParams } from "../rules/index.js";
import { DemoDesk } from "./demo-desk.js";
import type { IncidentPlan } from "./incidents.js";
import { personId } from "./people.js";
import { recorderChannelsOf } from "./recorders.js";
import type { RunningSimulator } from "./simulator.js";
import type { SimTransition } from "./world.js";

const HOUR = 3_600_000;
/** 继续盘问: brought in from another unit after questioning on the street; R08 does not apply to it. */
const OVERDUE_BASIS = "continued_questioning";
/**
 * The overdue clock passes its warning this long after the detainee reaches holding, once
 * presence has placed them there (holding rooms take 5 s to enter) …
 */
const OVERDUE_WARNING_AFTER_MS = 8_000;
/** … and the desk notices and ends the hold this long later (the rules look at clocks every 10 s). */
const OVERDUE_NOTICED_AFTER_MS = 12_000;
const sameCaseReason = (roomId: string) => `no other holding room for adult men: co-case suspects held together in ${roomId} under camera watch until transfer`;

/** What the desk knows about a detainee's visit. */
interface Visit {
  readonly plan: IncidentPlan | undefined;
  holdingRoomId?: string;
  interrogating: boolean;
  belongingsStored: boolean;
  fed: boolean;
}

/**
 * Plays the operator's part in the demo through the custody command API: registers and binds
 * each detainee at the registration desk, before they set foot in the secure area; records the
 * security check with the officers who did it, belongings and information capture; assigns and
 * releases the holding room before the detainee is led there or away; starts and ends
 * interrogations with the officers in the room and the room's recorder channels; verifies the
 * record, logs a meal, and records the exit at the exit door, which unbinds the band. The incidents of `simulation.incidents` are done the same way: an
 * override with a reason, an arrival time (到案时间) given as the transferring unit reported it.
 */
export function driveCustodyFromSimulation(sim: RunningSimulator, custody: CustodyService, clock: Clock, log: Logger): void {
  const desk = new DemoDesk(custody, clock, log);
  const visits = new Map<string, Visit>();

  // The demo's people leave with it: a later start finds no one in custody (nor a session left
  // open while the recorders go down with the daemon). After a crash they are closed at start.
  closeDemoSessions(sim, custody, desk, "demo restarted");
  sim.onStop(() => closeDemoSessions(sim, custody, desk, "demo stopped"));
  for (const o of sim.people.officers) {
    const id = personId(o);
    if (custody.reader.binding(o.tagId)?.personId === id) continue;
    desk.run("register", { personId: id, role: "officer", sex: o.index % 3 === 1 ? "female" : "male" });
    desk.run("bind", { personId: id, tagIds: [o.tagId] });
  }
  if (sim.incidents.size > 0) log.info({ incidents: sim.config.simulation.incidents }, "demo incidents planned");

  sim.onTransition((t: SimTransition) => {
    if (t.kind === "arrived") {
      const plan = sim.incidents.get(t.personId);
      visits.set(t.personId, { plan, interrogating: false, belongingsStored: false, fed: false });
      admit(t, plan);
      return;
    }
    const v = visits.get(t.personId);
    if (!v) return;
    if (t.kind === "departing") depart(t, v);
    else if (t.kind === "reached") reach(t, v);
    else if (t.kind === "officer_left") log.info({ personId: t.personId, roomId: t.roomId, officerIds: t.officerIds }, "demo incident: an officer left the interrogation");
    else if (t.kind === "left") visits.delete(t.personId);
  });

  /** Registration and wristband at the entrance: the band is bound before it is ever seen inside. */
  function admit(t: SimTransition, plan: IncidentPlan | undefined): void {
    const id = t.personId;
    const overdue = plan?.operator.overdue ? overdueArrival(t) : undefined;
    const registered = desk.run("register", {
      personId: id,
      role: "detainee",
      sex: "male",
      legalBasis: overdue ? OVERDUE_BASIS : "summons",
      arrivalAt: overdue?.arrivalAt ?? clock.now(),
      caseNos: [plan?.operator.caseNo ?? `case-${id}`],
      arrestingOfficerIds: t.officerIds,
    });
    // The world keeps an overdue detainee in holding until the desk notices (at once, if there is no incident after all).
    if (plan?.operator.overdue) sim.endHold(id, registered.status === "ok" && overdue ? overdue.noticedAt - clock.now() : 0);
    if (registered.status !== "ok") return;
    if (overdue) {
      // Fed before the transfer: the clock is the incident, not a missed meal (R24).
      desk.run("welfare", { personId: id, kind: "meal", note: "fed at the transferring unit" });
      log.info({ personId: id, arrivalAt: new Date(overdue.arrivalAt).toISOString(), warningAt: new Date(overdue.warningAt).toISOString() }, "demo incident: arrival time far in the past");
    }
    desk.run("bind", { personId: id, tagIds: [t.tagId] });
  }

  function reach(t: SimTransition, v: Visit): void {
    const id = t.personId;
    switch (t.step) {
      case "search":
        desk.run("record_step", { personId: id, step: "security_check", officerIds: t.officerIds, findings: "nothing of note" });
        break;
      case "belongings":
        if (desk.run("record_step", { personId: id, step: "belongings_stored", lockerId: `locker-${t.tagId}`, signed: true }).status === "ok") v.belongingsStored = true;
        break;
      case "capture":
        desk.run("record_step", { personId: id, step: "info_capture", items: ["photo", "fingerprints", "dna", "height_weight"], complete: true });
        break;
      case "holding":
        if (!v.fed && desk.run("welfare", { personId: id, kind: "meal" }).status === "ok") v.fed = true;
        break;
      case "interrogation":
        if (t.roomId === undefined) break;
        if (desk.run("start_interrogation", { personId: id, roomId: t.roomId, officerIds: t.officerIds, recorderChannels: recorderChannelsOf(sim.config, t.roomId) }).status === "ok") v.interrogating = true;
        break;
      case "exit":
        desk.run("exit", { personId: id, destination: "home", outcome: "教育释放 released after questioning", belongingsReturned: v.belongingsStored });
        break;
    }
  }

  /** Before the detainee is led off: close what the last room opened, book the next room. */
  function depart(t: SimTransition, v: Visit): void {
    const id = t.personId;
    if (v.interrogating) {
      desk.run("end_interrogation", { personId: id });
      desk.run("verify_record", { personId: id });
      v.interrogating = false;
    }
    if (v.holdingRoomId !== undefined) {
      desk.run("release_holding", { personId: id });
      v.holdingRoomId = undefined;
    }
    if (t.step === "holding" && t.roomId !== undefined) {
      const args = { personId: id, roomId: t.roomId };
      const accept = v.plan?.operator.overrideSameCase ? ["same_case"] : [];
      if (desk.runOverriding("assign_holding", args, accept, sameCaseReason(t.roomId)).status === "ok") v.holdingRoomId = t.roomId;
    }
    if (t.step === "exit" && v.belongingsStored) desk.run("record_step", { personId: id, step: "belongings_returned", signed: true });
  }

  /**
   * The 到案时间 of the overdue incident: so far back that the custody clock passes the R04
   * warning a few seconds after the detainee reaches holding. The world is deterministic, so
   * the forecast says when that is; the custody clock runs on real time.
   */
  function overdueArrival(t: SimTransition): { arrivalAt: number; warningAt: number; noticedAt: number } | undefined {
    const held = sim.forecast(t.personId).find((x) => x.kind === "reached" && x.step === "holding");
    if (!held) return undefined;
    const warningAt = clock.now() + sim.realMs(held.simTime - t.simTime) + OVERDUE_WARNING_AFTER_MS;
    const limitH = custodyParams(sim.config.rules).limitsH[OVERDUE_BASIS];
    const leadH = parseRuleParams(sim.config.rules).R04.leadH[OVERDUE_BASIS];
    return { arrivalAt: warningAt - (limitH - leadH) * HOUR, warningAt, noticedAt: warningAt + OVERDUE_NOTICED_AFTER_MS };
  }
}

/** Ends every custody session of the demo's detainees (their interrogation, holding, then exit). */
function closeDemoSessions(sim: RunningSimulator, custody: CustodyService, desk: DemoDesk, reason: string): void {
  const bands = new Set(sim.people.detainees.map((d) => d.tagId));
  for (const s of custody.reader.openSessions()) {
    if (!s.tagIds.some((t) => bands.has(t)) && !/^detainee-\d+-\d+$/.test(s.personId)) continue;
    const id = s.personId;
    if (s.interrogations.some((i) => i.endedAt === undefined)) desk.run("end_interrogation", { personId: id });
    if (s.holdingRoomId !== undefined) desk.run("release_holding", { personId: id });
    desk.runOverriding("exit", { personId: id, destination: reason, outcome: reason, belongingsReturned: true }, ["belongings_not_returned"], reason);
  }
}
