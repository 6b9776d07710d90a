import type { Component } from "../core/lifecycle.js";
import type { Wiring } from "./wiring.js";

/** How often the daemon logs what it receives, so an operator sees it is alive and fed. */
const ACTIVITY_LOG_MS = 5000;

export function activityComponent(w: Wiring): Component {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: "activity",
    start: async () => {
      let last = { observations: 0, events: 0 };
      timer = w.every(ACTIVITY_LOG_MS, () => {
        const now = { observations: w.presence.stats().observations, events: w.pipeline.stats.events };
        if (now.observations !== last.observations || now.events !== last.events) {
          w.log.info(
            {
              observations: now.observations - last.observations,
              events: now.events - last.events,
              tags: w.presence.tagIds().length,
              openAlarms: w.rules.openAlarms().length,
              seconds: ACTIVITY_LOG_MS / 1000,
            },
            "activity",
          );
        }
        last = now;
      });
    },
    stop: async () => {
      if (timer) w.clear(timer);
    },
  };
}
