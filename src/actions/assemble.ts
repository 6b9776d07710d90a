import type { SiteConfig } from "../config/schema.js";
import type { Clock } from "../core/clock.js";
import type { EventEnvelope } from "../core/envelope.js";
import { ConfigError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { DeviceMessage } from "../drivers/contract.js";
import type { DriverRegistry } from "../drivers/registry.js";
import type { AlarmAction } from "../rules/alarm-types.js";
import { AlarmActions } from "./alarm-actions.js";
import { capabilityLookup } from "./capabilities.js";
import { checkActionReferences } from "./config-checks.js";
import { DoorController } from "./door-controller.js";
import { compileDoorSite, DOOR_DEFAULTS } from "./door-site.js";
import { DURESS_DEFAULTS, DuressWatch, type OfficerLocator } from "./duress.js";
import { Heartbeats } from "./heartbeats.js";
import type { PassagePolicy } from "./passage-policy.js";
import { RoomPower } from "./room-power.js";
import type { ActionSinks, SendCommand } from "./sinks.js";

export interface ActionsDeps {
  readonly config: SiteConfig;
  readonly registry: DriverRegistry;
  readonly clock: Clock;
  /** `DriverSupervisor.command`. */
  readonly send: SendCommand;
  readonly sinks: ActionSinks;
  /** Custody's answer to "may this person pass this door"; default-deny without it. */
  readonly passage?: PassagePolicy;
  /** Officer positions for OFFICER_DURESS; without it duress alarms carry no location. */
  readonly locator?: OfficerLocator;
  /** Detainees located in a room now, for R23 (default: assume someone is there, never cut power). */
  readonly detaineesIn?: (roomId: string) => number;
  readonly readBack?: (deviceId: string, points: readonly string[]) => Promise<Record<string, unknown>>;
  readonly log?: Logger;
}

/** Everything in src/actions, built from the site config and wired to each other. */
export interface ActionServices {
  readonly doors: DoorController;
  readonly alarmActions: AlarmActions;
  readonly duress: DuressWatch;
  readonly roomPower: RoomPower;
  readonly heartbeats: Heartbeats;
  /** Every device message (the supervisor's onMessage): door sensors, panel inputs, duress. */
  onDeviceMessage(deviceId: string, msg: DeviceMessage): void;
  /** Alarm actions from the rules: run their bindings. Door and duress alarms are bound already. */
  onAlarm(action: AlarmAction): void;
  /** Committed events: lifecycle events drive room power. */
  onEvent(e: Pick<EventEnvelope, "type" | "roomId" | "payload">): void;
  start(): void;
  stop(): Promise<void>;
}

const noOfficers: OfficerLocator = { officerOfTag: () => undefined, position: () => undefined, officers: () => [], zoneDistance: () => Infinity };

/** Throws ConfigError when `inputs:`/`actions:` name devices, doors or zones that do not exist. */
export function createActions(deps: ActionsDeps): ActionServices {
  const { config, clock, send, log } = deps;
  const issues = checkActionReferences(config);
  if (issues.length > 0) throw new ConfigError("site config", issues);
  const a = config.actions ?? {};
  const capabilities = capabilityLookup(config.devices, deps.registry);
  const site = compileDoorSite(config, capabilities);
  const timeoutMs = a.commandTimeoutMs ?? DOOR_DEFAULTS.commandTimeoutMs;

  let alarmActions!: AlarmActions;
  // Door and duress alarms go to the lifecycle and to their own bindings (DOOR_FORCED → camera …).
  const alarms = (actions: readonly AlarmAction[]) => {
    deps.sinks.alarms(actions);
    for (const action of actions) alarmActions.onAlarm(action);
  };
  const sinks: ActionSinks = { ...deps.sinks, alarms };
  const doors = new DoorController({
    site,
    clock,
    send,
    sinks,
    ...(deps.passage && { passage: deps.passage }),
    ...(deps.readBack && { readBack: deps.readBack }),
    ...(log && { log: log.child({ component: "doors" }) }),
  });
  alarmActions = new AlarmActions({ bindings: a.bindings ?? [], clock, send, doors, audit: deps.sinks.audit, capabilityOf: capabilities, commandTimeoutMs: timeoutMs, ...(log && { log }) });
  const duress = new DuressWatch(
    {
      inputs: [...site.inputs.values()].filter((i) => i.kind === "duress"),
      tagEvents: a.duress?.tagEvents ?? [...DURESS_DEFAULTS.tagEvents],
      credentials: new Map((a.duress?.credentials ?? []).map((c) => [c.credential, c.officerId])),
      nearestOfficers: a.duress?.nearestOfficers ?? DURESS_DEFAULTS.nearestOfficers,
    },
    deps.locator ?? noOfficers,
    clock,
    alarms,
  );
  const roomPower = new RoomPower({
    rooms: a.roomPower ?? [],
    clock,
    send,
    audit: deps.sinks.audit,
    detaineesIn: deps.detaineesIn ?? (() => 1),
    capabilityOf: capabilities,
    commandTimeoutMs: timeoutMs,
    ...(log && { log }),
  });
  const heartbeats = new Heartbeats(a.heartbeats ?? [], clock, send, log);

  return {
    doors,
    alarmActions,
    duress,
    roomPower,
    heartbeats,
    onDeviceMessage(deviceId, msg) {
      doors.onDeviceMessage(deviceId, msg);
      duress.onDeviceMessage(deviceId, msg);
    },
    onAlarm: (action) => alarmActions.onAlarm(action),
    onEvent: (e) => roomPower.onEvent(e.roomId === undefined ? { type: e.type, payload: e.payload } : { type: e.type, roomId: e.roomId, payload: e.payload }),
    start() {
      doors.start();
      heartbeats.start();
    },
    async stop() {
      heartbeats.stop();
      roomPower.stop();
      doors.stop();
      await alarmActions.stop();
    },
  };
}
