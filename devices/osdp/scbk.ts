import { FatalDriverError } from "../../src/core/errors.js";
import { resolveSecret } from "../../src/config/secrets.js";
import type { OsdpPdOptions } from "./definition.js";

/**
 * The PD's secure channel base key as 16 bytes, from the literal hex or the `{ env }` /
 * `{ file }` reference in its options (device options are not part of the config's own
 * secret resolution, so the driver resolves them at start). Null when none is configured.
 */
export function resolveScbk(pd: Pick<OsdpPdOptions, "name" | "scbk">): Uint8Array | null {
  if (pd.scbk === undefined) return null;
  const r = resolveSecret(pd.scbk, `pds.${pd.name}.scbk`);
  if (!r.ok) throw new FatalDriverError(`SCBK of PD ${pd.name}: ${r.issue.message}`);
  const hex = r.value.replace(/[\s:]/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new FatalDriverError(`SCBK of PD ${pd.name} is not 32 hex digits`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}
