import { rmSync } from "node:fs";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { EventEnvelope } from "../../src/core/envelope.js";
import { builtinDrivers } from "../../src/drivers/builtin.js";
import { startDaemon, type Daemon } from "../../src/main.js";
import { demoConfigCopy } from "../helpers/cli.js";
import { NORMAL_VISIT } from "./normal-visit.js";

/**
 * The demo as a newcomer starts it: the real daemon on the demo config (its own broker port and
 * store), the simulator walking people and the demo desk recording them through the custody
 * API. The incidents of `simulation.incidents` must come out of the real chain (positions →
 * rtls-mqtt driver → presence → rules) as alarms; everything else must stay quiet. A custody
 * visit takes the demo about 100 s, so this runs for about two minutes.
 */
const EXPECTED = ["CUSTODY_TIME_WARNING", "CO_CASE_CONTACT", "SINGLE_OFFICER_INTERROGATION"];
/** A detainee with no incident, first to arrive after the incident pair. */
const NORMAL = "detainee-3-1";
const BOUND_MS = 170_000;

let daemon: Daemon | undefined;
const { file, dir } = demoConfigCopy({ simulation: true });
afterAll(async () => {
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const alarmType = (e: EventEnvelope) => String(e.payload.alarmType);
const mentions = (e: EventEnvelope, personId: string) => JSON.stringify(e).includes(`"${personId}"`);

function readAll(d: Daemon): EventEnvelope[] {
  d.outbox.flush();
  const out: EventEnvelope[] = [];
  for (let from = 1; ; ) {
    const batch = d.outbox.read(from, 1000);
    if (batch.length === 0) return out;
    out.push(...batch);
    from = batch.at(-1)!.seq + 1;
  }
}

describe("the demo shows its incidents as alarms and nothing else", () => {
  it(
    "raises CUSTODY_TIME_WARNING, CO_CASE_CONTACT and SINGLE_OFFICER_INTERROGATION, while a detainee in the normal flow goes through without one",
    async () => {
      const config = loadConfig(file, builtinDrivers());
      daemon = await startDaemon({ config, registry: builtinDrivers(), log: pino({ level: "silent" }) });
      const t0 = Date.now();
      let events: EventEnvelope[] = [];
      const raised = () => events.filter((e) => e.type === "ALARM_RAISED");
      const firstAt = new Map<string, number>();
      const done = () => EXPECTED.every((t) => firstAt.has(t)) && events.some((e) => e.type === "PERSON_EXITED" && e.personId === NORMAL);
      while (!done() && Date.now() - t0 < BOUND_MS) {
        await new Promise((r) => setTimeout(r, 1000));
        events = readAll(daemon);
        for (const e of raised()) if (!firstAt.has(alarmType(e))) firstAt.set(alarmType(e), Date.now() - t0);
      }
      const summary = raised().map((e) => `${alarmType(e)} ${JSON.stringify(e.payload.subjects)} ${e.payload.zoneId ?? ""}`);
      expect([...firstAt.keys()].sort(), `alarms after ${Math.round((Date.now() - t0) / 1000)} s:\n${summary.join("\n")}`).toEqual([...EXPECTED].sort());
      console.log(`first raised after start (ms): ${JSON.stringify(Object.fromEntries(firstAt))}`);

      // Each incident's alarm names the incident's people and place.
      const first = (type: string) => raised().find((e) => alarmType(e) === type)!;
      expect(first("CO_CASE_CONTACT").payload).toMatchObject({ zoneId: "holding-1", subjects: ["detainee-1-1", "detainee-2-1"] });
      expect(first("SINGLE_OFFICER_INTERROGATION").payload).toMatchObject({ subjects: ["detainee-1-1"] });
      expect(String(first("SINGLE_OFFICER_INTERROGATION").payload.zoneId)).toMatch(/^interrogation-/);
      expect(first("CUSTODY_TIME_WARNING").payload).toMatchObject({ subjects: ["detainee-1-1"] });

      // The co-case pair got into one room through an audited override, not around the check.
      const override = events.find((e) => e.type === "ASSIGNMENT_OVERRIDE" && e.personId === "detainee-2-1");
      expect(override?.payload).toMatchObject({ command: "assign_holding", codes: ["same_case"], roomId: "holding-1" });
      expect(override!.seq).toBeLessThan(first("CO_CASE_CONTACT").seq);

      // The custody clock passed its warning while presence had the detainee in holding.
      const warning = first("CUSTODY_TIME_WARNING");
      const lastRoom = events.filter((e) => e.type === "ZONE_ENTER" && e.personId === "detainee-1-1" && e.seq < warning.seq).at(-1);
      expect(lastRoom?.payload.toZoneId).toBe("holding-1");

      // Nothing else was raised, and nothing about the detainee in the normal flow.
      expect(summary.filter((s) => !EXPECTED.includes(s.split(" ")[0]!)), summary.join("\n")).toEqual([]);
      expect(raised().filter((e) => mentions(e, NORMAL))).toEqual([]);

      // That detainee went through the whole flow, recorded step by step by the demo desk.
      const visit = events.filter((e) => e.personId === NORMAL && e.category !== "location" && e.category !== "alarm").map((e) => e.type);
      expect(visit).toEqual(NORMAL_VISIT);
      // Bound before the band was ever located; searched and questioned by two officers, on record.
      const of = (type: string) => events.find((e) => e.personId === NORMAL && e.type === type)!;
      const firstSeen = events.find((e) => e.type === "ZONE_ENTER" && e.payload.tagId === "1003" && e.seq > of("PERSON_REGISTERED").seq);
      expect(of("TAG_BOUND").seq).toBeLessThan(firstSeen!.seq);
      expect(of("SECURITY_CHECK_DONE").payload.officers).toHaveLength(2);
      expect(of("INTERROGATION_STARTED").payload).toMatchObject({ officerIds: [expect.any(String), expect.any(String)], recorderChannels: [expect.any(String)] });
    },
    BOUND_MS + 20_000,
  );
});
