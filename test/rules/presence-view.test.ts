import { describe, expect, it } from "vitest";
import { SiteConfig } from "../../src/config/schema.js";
import { FakeClock } from "../../src/core/clock.js";
import type { EventDraft } from "../../src/core/envelope.js";
import { MemoryTagBindings } from "../../src/presence/bindings.js";
import { PresenceEngine } from "../../src/presence/engine.js";
import { compileSite } from "../../src/presence/site.js";
import type { RuleEvent } from "../../src/rules/detector.js";
import { RuleEngine } from "../../src/rules/engine.js";
import { defaultRuleParams } from "../../src/rules/params.js";
import { presenceViewOf, ruleViewProvider } from "../../src/rules/presence-view.js";
import { FakeCenter, T0 } from "./fixtures/fake-center.js";

const square = (x0: number, x1: number) => [{ floor: 1, polygon: [[x0, 0], [x1, 0], [x1, 10], [x0, 10]] as [number, number][] }];
const config = SiteConfig.parse({
  version: 1,
  center: { id: "c", name: "C" },
  gateway: { id: "gw" },
  areas: [
    {
      id: "secure",
      type: "secure_area",
      rooms: [
        { id: "capture", type: "capture", shapes: square(0, 10) },
        { id: "corridor", type: "corridor", shapes: square(10, 20) },
        { id: "exit-room", type: "exit", adjacentToExit: true, shapes: square(20, 25) },
      ],
    },
  ],
  presence: { readers: [{ id: "exit-1", zone: "exit-room", exit: true }] },
});

/**
 * The real presence engine feeding the rule engine through the presence view. `inSink`: the
 * rules handle each event inside presence's sink, before presence updates its occupancy (the
 * daemon's pipeline does this); otherwise they are drained after each presence step.
 */
function world(inSink: boolean) {
  const clock = new FakeClock(T0);
  const custody = new FakeCenter(() => clock.now());
  custody.detainee("p1");
  custody.officer("o1");
  const bindings = new MemoryTagBindings([
    ["t-p1", { personId: "p1", role: "detainee", sessionId: "s-p1" }],
    ["t-o1", { personId: "o1", role: "officer" }],
  ]);
  const alarms: EventDraft[] = [];
  let rules: RuleEngine | undefined;
  const presence = new PresenceEngine({
    site: compileSite(config),
    bindings,
    sink: (drafts) => {
      for (const d of drafts) {
        const e = { ...d, receivedAt: d.receivedAt ?? clock.now() } as RuleEvent;
        if (inSink) rules!.handle(e);
        else rules!.enqueue(e);
      }
    },
  });
  const view = presenceViewOf(presence, config.areas, (id) => custody.sessions.get(id)?.tagIds ?? (id === "o1" ? ["t-o1"] : []));
  rules = new RuleEngine({ params: defaultRuleParams(), view: ruleViewProvider(custody.custody, view), clock, sink: (d) => alarms.push(...d) });
  /** Both tags report every 500 ms for `ms`, at the given x positions. */
  const walk = (ms: number, at: Record<string, number>) => {
    for (let t = 0; t < ms; t += 500) {
      clock.advance(500);
      for (const [tagId, x] of Object.entries(at)) presence.ingest({ kind: "coordinates", tagId, x, y: 5, method: "uwb" }, clock.now());
      rules!.drain();
      if (t % 1000 === 0) {
        presence.tick(clock.now());
        rules!.tick(clock.now());
      }
    }
  };
  return { clock, presence, rules, alarms, walk, view };
}

describe.each([
  ["drained after each presence step", false],
  ["handled inside presence's sink", true],
])("rules over the real presence engine, %s", (_, inSink) => {
  it("sees a detainee moved and left alone in the capture room, then the officer coming in", () => {
    const w = world(inSink);
    w.walk(10_000, { "t-p1": 15, "t-o1": 15 });
    expect(w.view.occupants("corridor").map((o) => o.personId).sort()).toEqual(["o1", "p1"]);
    w.walk(45_000, { "t-p1": 5, "t-o1": 15 });
    expect(w.view.roomOf({ personId: "p1" })).toBe("capture");
    expect(w.rules.openAlarms().map((a) => a.type).sort()).toEqual(["DETAINEE_UNATTENDED", "ESCORT_BREACH"]);
    w.walk(10_000, { "t-p1": 5, "t-o1": 5 });
    expect(w.rules.openAlarms()).toEqual([]);
  });

  it("raises ESCAPE_ATTEMPT when the exit exciter reads the detainee's tag", () => {
    const w = world(inSink);
    w.walk(10_000, { "t-p1": 15, "t-o1": 15 });
    w.clock.advance(200);
    w.presence.ingest({ kind: "reader", tagId: "t-p1", readerId: "exit-1", method: "lf_exciter" }, w.clock.now());
    w.rules.drain();
    expect(w.rules.openAlarms().map((a) => [a.type, a.zoneId, a.data.exciterId])).toEqual([["ESCAPE_ATTEMPT", "exit-room", "exit-1"]]);
  });
});
