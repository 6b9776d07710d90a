import { Access } from "../drivers/contract.js";
import type { DriverRegistry } from "../drivers/registry.js";

function accessText(access: number): string {
  return [access & Access.STATE ? "state" : "", access & Access.SET ? "set" : "", access & Access.GET ? "get" : ""].filter(Boolean).join("/");
}

/** Lists every driver with identity, transport and what it can do (for integrators and installers). */
export function printDrivers(registry: DriverRegistry, out: NodeJS.WritableStream): void {
  for (const def of registry.all().sort((a, b) => a.id.localeCompare(b.id))) {
    out.write(`${def.id}  ${def.vendor} ${def.model} v${def.version}  transport=${def.transport} protocol=${def.protocol}\n  ${def.description}\n`);
    let caps: readonly { kind: string; name: string; access?: number }[] = [];
    try {
      caps = def.capabilities(def.optionsSchema.parse({}));
    } catch {
      // Options without defaults: capabilities depend on configuration.
    }
    for (const c of caps) out.write(`    - ${c.name} (${c.kind}${c.access !== undefined ? `, ${accessText(c.access)}` : ""})\n`);
  }
}
