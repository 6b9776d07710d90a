import { startApiServer, type ApiServer } from "../api/index.js";
import type { Component } from "../core/lifecycle.js";
import type { Wiring } from "./wiring.js";

/**
 * The local operator API (docs/api.md), off unless `api.enabled`. It starts last: it reads and
 * commands every other part, and a request must never reach an engine that is not there yet.
 * Sets `w.apiUrl` to the bound address (port 0 in the config picks a free port).
 */
export function apiComponent(w: Wiring): Component {
  let server: ApiServer | undefined;
  return {
    name: "api",
    start: async () => {
      if (!w.config.api.enabled) return;
      server = await startApiServer(w);
      w.apiUrl = server.url;
    },
    stop: async () => {
      await server?.close();
      server = undefined;
    },
  };
}
