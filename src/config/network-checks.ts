import type { ConfigIssue } from "../core/errors.js";
import { field, num, text } from "./raw.js";

const MQTT_SCHEMES = new Set(["mqtt:", "mqtts:", "ws:", "wss:", "tcp:", "tls:", "ssl:"]);
const TLS_SCHEMES = new Set(["mqtts:", "wss:", "tls:", "ssl:"]);

/**
 * Settings that are each valid alone but useless together: an external broker without a URL,
 * an enabled uplink without a target, TLS files with a plain-text URL, two listeners on one port.
 */
export function checkNetwork(doc: unknown): ConfigIssue[] {
  return [...checkLocalBroker(doc), ...checkUplink(doc), ...checkPortClash(doc)];
}

function checkLocalBroker(doc: unknown): ConfigIssue[] {
  const broker = field(doc, "localBroker");
  const url = text(field(broker, "url"));
  if (field(broker, "mode") === "external" && url === undefined) {
    return [{ path: "localBroker.url", message: "mode external needs url (e.g. mqtt://127.0.0.1:1883)" }];
  }
  return url === undefined ? [] : checkUrl(url, "localBroker.url");
}

function checkUplink(doc: unknown): ConfigIssue[] {
  const uplink = field(doc, "uplink");
  const url = text(field(uplink, "url"));
  const tls = field(uplink, "tls");
  const issues: ConfigIssue[] = [];
  if (field(uplink, "enabled") === true) {
    if (url === undefined) issues.push({ path: "uplink.url", message: "enabled uplink needs url (e.g. mqtts://central.example:8883)" });
    if (field(uplink, "site") === undefined) issues.push({ path: "uplink.site", message: "enabled uplink needs site (this center's id at central)" });
  }
  if (url !== undefined) {
    const urlIssues = checkUrl(url, "uplink.url");
    issues.push(...urlIssues);
    if (urlIssues.length === 0 && tls !== undefined && !TLS_SCHEMES.has(new URL(url).protocol)) {
      issues.push({ path: "uplink.tls", message: `tls is set but url "${url}" is not encrypted; use mqtts:// (or wss://)` });
    }
  }
  const hasCert = field(tls, "cert") !== undefined;
  const hasKey = field(tls, "key") !== undefined;
  if (hasCert !== hasKey) {
    issues.push({
      path: hasCert ? "uplink.tls.key" : "uplink.tls.cert",
      message: "mutual TLS needs both cert and key",
    });
  }
  return issues;
}

function checkUrl(url: string, path: string): ConfigIssue[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ path, message: `"${url}" is not a URL (expected e.g. mqtt://host:1883)` }];
  }
  if (!MQTT_SCHEMES.has(parsed.protocol)) {
    return [{ path, message: `"${url}" is not an MQTT URL; use mqtt://, mqtts://, ws:// or wss://` }];
  }
  return [];
}

/** The embedded broker and the local API both listen on this box: they cannot share a port. */
function checkPortClash(doc: unknown): ConfigIssue[] {
  const broker = field(doc, "localBroker");
  const api = field(doc, "api");
  if (field(api, "enabled") !== true || (field(broker, "mode") ?? "embedded") !== "embedded") return [];
  const brokerPort = num(field(broker, "port")) ?? 1883;
  const apiPort = num(field(api, "port")) ?? 8080;
  if (brokerPort !== apiPort || brokerPort === 0) return [];
  const brokerHost = text(field(broker, "host")) ?? "127.0.0.1";
  const apiHost = text(field(api, "host")) ?? "127.0.0.1";
  const wildcard = (h: string) => h === "0.0.0.0" || h === "::";
  if (brokerHost !== apiHost && !wildcard(brokerHost) && !wildcard(apiHost)) return [];
  return [{ path: "api.port", message: `port ${apiPort} is already used by the embedded localBroker` }];
}
