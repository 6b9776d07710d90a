import type { Component } from "../core/lifecycle.js";
import { DeviceMessageNormalizer } from "../drivers/normalizer.js";
import { DriverSupervisor } from "../drivers/supervisor.js";
import { startDeviceSimulators, type RunningDeviceSimulators } from "../sim/device-simulators.js";
import { startSimulator, type RunningSimulator } from "../sim/simulator.js";
import type { Wiring } from "./wiring.js";

/**
 * Drivers and where their messages go: observations to presence, door and panel inputs to the
 * actions, domain events to the pipeline, device state to the local broker.
 */
export function driversComponent(w: Wiring): Component {
  const normalizer = new DeviceMessageNormalizer(`${w.topicScope.base}/${w.topicScope.gatewayId}`);
  // While the daemon stops, drivers report their devices offline: true, but not a door fault.
  // The door engine keeps its last state instead of raising DOOR_OFFLINE for our own shutdown.
  let stopping = false;
  return {
    name: "drivers",
    start: async () => {
      w.supervisor = new DriverSupervisor({
        registry: w.registry,
        clock: w.clock,
        log: w.log,
        acquire: (device) => w.pool.acquire(device.id, device.transport),
        storeFor: (deviceId) => w.kv.namespace(`device:${deviceId}`),
        onMessage: (deviceId, def, msg) => {
          const out = normalizer.normalize(deviceId, def, msg, w.clock.now());
          if (out.observation) w.presence.ingest(out.observation.observation, out.observation.receivedAt, out.observation.source);
          // The device's own events first, so a DOOR_STATE a device change causes follows it in seq.
          if (out.events.length > 0) w.pipeline.record(out.events);
          if (!stopping) w.actions.onDeviceMessage(deviceId, msg);
          w.pipeline.publishLocal(out.local);
        },
      });
      await w.supervisor.startAll(w.config.devices);
    },
    stop: () => {
      stopping = true;
      return w.supervisor.stopAll(Math.max(500, w.config.shutdownTimeoutMs / 2));
    },
  };
}

/** Doors are read back from their sensors once drivers run, before anything is commanded. */
export function doorsComponent(w: Wiring): Component {
  return {
    name: "doors",
    start: async () => w.actions.start(),
    stop: async () => {},
  };
}

/** Simulated serial devices on `sim:` paths: attached before drivers open them, detached after. */
export function deviceSimulatorsComponent(w: Wiring): Component {
  let sims: RunningDeviceSimulators | null = null;
  return {
    name: "device-simulators",
    start: async () => {
      sims = await startDeviceSimulators(w.config, w.log.child({ component: "device-simulators" }));
    },
    stop: async () => {
      await sims?.stop();
    },
  };
}

/** The demo's people walking the custody flow, published like a real RTLS gateway. */
export function simulatorComponent(w: Wiring, wire: (sim: RunningSimulator) => void): Component {
  let sim: RunningSimulator | null = null;
  return {
    name: "simulator",
    start: async () => {
      if (!w.config.simulation.enabled) return;
      sim = await startSimulator({ config: w.config, brokerUrl: w.localBrokerUrl, log: w.log.child({ component: "simulator" }) });
      wire(sim);
    },
    stop: async () => {
      await sim?.stop();
    },
  };
}
