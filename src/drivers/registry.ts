import type { DriverDefinition } from "./contract.js";

/**
 * The set of drivers the daemon knows. Definitions are plain data plus a factory, so the
 * registry is just a map; tests build their own with `DriverRegistry.of(...)`.
 */
export class DriverRegistry {
  private readonly byId = new Map<string, DriverDefinition<any>>();

  static of(...defs: DriverDefinition<any>[]): DriverRegistry {
    const r = new DriverRegistry();
    for (const d of defs) r.add(d);
    return r;
  }

  add(def: DriverDefinition<any>): void {
    if (this.byId.has(def.id)) throw new Error(`driver id "${def.id}" registered twice`);
    this.byId.set(def.id, def);
  }

  get(id: string): DriverDefinition<any> | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }

  all(): DriverDefinition<any>[] {
    return [...this.byId.values()];
  }
}
