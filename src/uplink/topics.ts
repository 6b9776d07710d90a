/**
 * Upstream topic layout (PRIOR-ART.md §8.2, docs/topics.md). Everything of one gateway lives
 * under `edc/v1/<site>/<gw>/`, so one broker ACL pattern per gateway covers it; the central
 * host's state lives under `edc/v1/host/<hostId>/state`.
 */
export const TOPIC_ROOT = "edc/v1";

export type InboundTopic = { kind: "ack" } | { kind: "hostState" } | { kind: "command"; name: string } | { kind: "other" };

export class UplinkTopics {
  readonly base: string;
  readonly state: string;
  readonly birth: string;
  readonly ack: string;
  readonly commandFilter: string;
  readonly hostState: string;

  constructor(site: string, gatewayId: string, centralHostId: string) {
    this.base = `${TOPIC_ROOT}/${site}/${gatewayId}`;
    this.state = `${this.base}/state`;
    this.birth = `${this.base}/birth`;
    this.ack = `${this.base}/ack`;
    this.commandFilter = `${this.base}/cmd/+`;
    this.hostState = `${TOPIC_ROOT}/host/${centralHostId}/state`;
  }

  event(category: string): string {
    return `${this.base}/evt/${category}`;
  }

  command(name: string): string {
    return `${this.base}/cmd/${name}`;
  }

  commandResponse(name: string): string {
    return `${this.base}/cmd/${name}/response`;
  }

  classify(topic: string): InboundTopic {
    if (topic === this.ack) return { kind: "ack" };
    if (topic === this.hostState) return { kind: "hostState" };
    const prefix = `${this.base}/cmd/`;
    if (topic.startsWith(prefix)) {
      const name = topic.slice(prefix.length);
      if (name.length > 0 && !name.includes("/")) return { kind: "command", name };
    }
    return { kind: "other" };
  }
}
