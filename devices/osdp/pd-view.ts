import type { DeviceMessage } from "../../src/drivers/contract.js";
import { inputName, outputName } from "./actions.js";
import type { OsdpPdOptions } from "./definition.js";
import type { DecodedReply } from "./replies.js";
import { decodeWiegand } from "./wiegand.js";

/**
 * What one PD's replies mean for the rest of the daemon: inputs (door contact, exit button:
 * true/false) and outputs ("on"/"off") as retained state under `<pd>.<point>`, card reads, keypad digits, tamper and
 * power as events. Only changes are emitted; the first report of each point always is.
 */
export class PdView {
  private readonly known = new Map<string, unknown>();

  constructor(readonly pd: OsdpPdOptions) {}

  /** Current value of every point this PD has reported. */
  snapshot(): Record<string, unknown> {
    return Object.fromEntries(this.known);
  }

  /** Merge values; returns a state message with the ones that changed, or none. */
  set(values: Record<string, unknown>): DeviceMessage[] {
    const changed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      if (this.known.has(k) && this.known.get(k) === v) continue;
      this.known.set(k, v);
      changed[k] = v;
    }
    return Object.keys(changed).length ? [{ type: "state", values: changed }] : [];
  }

  fromReply(reply: DecodedReply): DeviceMessage[] {
    const p = this.pd.name;
    switch (reply.kind) {
      case "istatr": {
        const values: Record<string, boolean> = {};
        reply.inputs.forEach((active, n) => {
          const invert = this.pd.inputs.find((i) => i.number === n)?.invert ?? false;
          values[inputName(this.pd, n)] = active !== invert;
        });
        return this.set(values);
      }
      case "ostatr":
        return this.set(Object.fromEntries(reply.outputs.map((on, n) => [outputName(this.pd, n), on ? "on" : "off"])));
      case "lstatr":
        return this.local({ tamper: reply.tamper, power_failure: reply.powerFailure });
      case "raw":
        return [{ type: "event", name: "card_read", data: this.card(reply.card.reader, reply.card.format, reply.card.bits, reply.card.data) }];
      case "keypad":
        return [{ type: "event", name: "keypad", data: { pd: p, reader: reply.reader, readerId: this.readerId(reply.reader), digits: Buffer.from(reply.digits).toString("latin1") } }];
      case "pdid":
        return this.set({ [`${p}.identity`]: reply.id });
      default:
        return [];
    }
  }

  /** Tamper and power: state, plus an event for each value that differs from the last one. */
  private local(values: { tamper: boolean; power_failure: boolean }): DeviceMessage[] {
    const p = this.pd.name;
    const events: DeviceMessage[] = [];
    for (const [name, active] of Object.entries(values)) {
      if ((this.known.get(`${p}.${name}`) ?? false) !== active) events.push({ type: "event", name, data: { pd: p, value: active ? "active" : "cleared" } });
    }
    return [...this.set({ [`${p}.tamper`]: values.tamper, [`${p}.power_failure`]: values.power_failure }), ...events];
  }

  private readerId(n: number): string | undefined {
    return this.pd.readers.find((r) => r.number === n)?.id;
  }

  private card(reader: number, format: string, bits: number, data: Uint8Array): Record<string, unknown> {
    const w = decodeWiegand(bits, data);
    const base = { pd: this.pd.name, address: this.pd.address, reader, readerId: this.readerId(reader), format, bits, data: Buffer.from(data).toString("hex") };
    return w ? { ...base, value: w.format, wiegand: w.format, facility: w.facility, card: w.card, parityOk: w.parityOk } : { ...base, value: "raw" };
  }
}
