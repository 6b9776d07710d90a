import { createActions, PresenceOfficerLocator, type ActionServices } from "../actions/index.js";
import type { EventEnvelope } from "../core/envelope.js";
import type { Component } from "../core/lifecycle.js";
import { CustodyService, roomsFromConfig } from "../custody/index.js";
import { CustodyPassagePolicy } from "../custody/passage.js";
import { compileSite, messagesForDrafts, PresenceEngine, SqlitePresenceStore } from "../presence/index.js";
import { parseRuleParams, presenceViewOf, RuleEngine, ruleViewProvider, SqliteAlarmStore, type PresenceView } from "../rules/index.js";
import type { Wiring } from "./wiring.js";

const TICK_MS = 1000;

/**
 * Custody first (presence asks it who wears a tag), then presence, then rules over both, then
 * actions bound to doors, alarms and rooms. Alarm commands reach the rules engine through a
 * late-bound adapter, since rules start after custody.
 *
 * `EngineHost` is what the engines are built from: a running daemon's Wiring, or a test's
 * assembly of the same parts on a fake clock. The create/feed functions hold the engine wiring
 * itself; the components add only the periodic timers, health beats and start/stop.
 */
export type EngineHost = Pick<Wiring, "config" | "clock" | "log" | "db" | "outbox" | "pipeline" | "audit" | "topicScope" | "custody" | "presence" | "rules"> & {
  actions?: ActionServices;
};

/** Custody over the store; alarm commands reach the rules engine late-bound (it starts after custody). */
export function createCustody(w: EngineHost): CustodyService {
  return new CustodyService({
    db: w.db,
    clock: w.clock,
    rooms: roomsFromConfig(w.config),
    sink: (drafts) => w.pipeline.record(drafts),
    audit: w.audit,
    rules: w.config.rules,
    timeZone: w.config.center.timezone,
    alarms: {
      acknowledge: (id, by, note) => w.rules.acknowledge(id, by, note),
      resolve: (id, by, resolution, note) => w.rules.resolve(id, by, resolution, note),
    },
    log: w.log.child({ component: "custody" }),
  });
}

/** Presence over custody's bindings; its events go through the pipeline inside its own transaction. */
export function createPresence(w: EngineHost): PresenceEngine {
  const presence = new PresenceEngine({
    site: compileSite(w.config),
    bindings: w.custody.bindings,
    store: new SqlitePresenceStore(w.db),
    log: w.log.child({ component: "presence" }),
    sink: (drafts) => {
      w.pipeline.record(drafts);
      // The engine calls the sink inside its own state transaction: committing the events here
      // makes a move and its events durable together, so a crash neither loses nor repeats one.
      w.outbox.flush();
      // Occupancy is updated after the sink returns; publish the views on the next turn.
      setImmediate(() => w.pipeline.publishLocal(messagesForDrafts(presence, drafts, w.topicScope)));
    },
  });
  return presence;
}

/** Presence as the rules and the passage policy read it: rooms, occupants by person. */
export function presenceViewFor(w: Pick<EngineHost, "presence" | "config" | "custody">): PresenceView {
  return presenceViewOf(w.presence, w.config.areas, (personId) => w.custody.reader.tagsOf(personId));
}

/** Rules over custody's view and presence; alarm actions go to the actions layer once it is there. */
export function createRules(w: EngineHost): RuleEngine {
  const presenceView = presenceViewFor(w);
  return new RuleEngine({
    params: parseRuleParams(w.config.rules),
    view: ruleViewProvider(w.custody.view, presenceView),
    clock: w.clock,
    store: new SqliteAlarmStore(w.db),
    sink: (drafts) => w.pipeline.record(drafts),
    onActions: (actions) => {
      for (const a of actions) w.actions?.onAlarm(a);
    },
    log: w.log.child({ component: "rules" }),
  });
}

/** Every committed-order event reaches the rules; their own alarm events are not rule input. */
export function feedRules(w: EngineHost): () => void {
  return w.pipeline.onEvent((e: EventEnvelope) => {
    if (e.category !== "alarm") w.rules.handle(e);
  });
}

export function custodyComponent(w: Wiring): Component {
  return {
    name: "custody",
    start: async () => {
      w.custody = createCustody(w);
      w.custody.start();
    },
    stop: async () => w.custody.stop(),
  };
}

export function presenceComponent(w: Wiring): Component {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: "presence",
    start: async () => {
      const beat = w.health.register("presence", TICK_MS * 10);
      const presence = createPresence(w);
      w.presence = presence;
      timer = w.every(TICK_MS, () => {
        presence.tick(w.clock.now());
        beat();
      });
    },
    stop: async () => {
      if (timer) w.clear(timer);
      w.presence.flush();
      w.presence.close();
    },
  };
}

export function rulesComponent(w: Wiring): Component {
  let timer: NodeJS.Timeout | undefined;
  let off: (() => void) | undefined;
  return {
    name: "rules",
    start: async () => {
      const beat = w.health.register("rules", TICK_MS * 10);
      w.rules = createRules(w);
      off = feedRules(w);
      timer = w.every(TICK_MS, () => {
        w.rules.tick(w.clock.now());
        beat();
      });
    },
    stop: async () => {
      off?.();
      if (timer) w.clear(timer);
      w.rules.close();
    },
  };
}

export function actionsComponent(w: Wiring): Component {
  let off: (() => void) | undefined;
  return {
    name: "actions",
    start: async () => {
      const presenceView = presenceViewFor(w);
      const exitZones = new Set(
        w.config.areas.flatMap((a) => (a.type === "outside" || a.type === "perimeter" ? [a.id, ...a.rooms.map((r) => r.id)] : a.rooms.filter((r) => r.type === "exit").map((r) => r.id))),
      );
      w.actions = createActions({
        config: w.config,
        registry: w.registry,
        clock: w.clock,
        send: (deviceId, cmd) => w.supervisor.command(deviceId, cmd),
        readBack: (deviceId, points) => w.supervisor.read(deviceId, points),
        sinks: {
          events: (drafts) => w.pipeline.record(drafts),
          alarms: (actions) => w.rules.applyActions(actions),
          audit: w.audit,
        },
        passage: new CustodyPassagePolicy(w.custody.view, presenceView, (z) => exitZones.has(z)),
        locator: new PresenceOfficerLocator(w.presence, w.custody.bindings, w.config),
        detaineesIn: (roomId) => presenceView.occupants(roomId).filter((o) => o.role === "detainee").length,
        log: w.log.child({ component: "actions" }),
      });
      off = w.pipeline.onEvent((e) => w.actions.onEvent(e));
    },
    stop: async () => {
      off?.();
      await w.actions.stop();
    },
  };
}
