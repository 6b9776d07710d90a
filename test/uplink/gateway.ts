import { basename } from "node:path";
import type { TempStore } from "../store/temp-store.js";
import { Uplink, type UplinkOptions } from "../../src/uplink/uplink.js";

export const SITE = "site-a";
export const GATEWAY = "gw-1";

/** An Uplink over a test store, tuned for tests (fast reconnect and keepalive). */
export function gatewayUplink(store: TempStore, url: string, over: Partial<UplinkOptions> = {}): Uplink {
  return new Uplink({
    url,
    // One MQTT session per store: a session left by another test must not deliver its acks here.
    clientId: `edc-${SITE}-${GATEWAY}-${basename(store.dir)}`,
    site: SITE,
    gatewayId: GATEWAY,
    centralHostId: "central",
    sessionExpiryS: 300,
    db: store.db,
    outbox: store.outbox,
    audit: store.audit,
    keepaliveS: 5,
    connectTimeoutMs: 3000,
    reconnectMinMs: 100,
    reconnectMaxMs: 500,
    tickMs: 100,
    ...over,
  });
}
