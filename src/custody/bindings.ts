import type { TagBinding, TagBindings } from "../presence/bindings.js";
import type { CustodyReader } from "./state.js";

/**
 * Presence's view of who wears a tag, read live from custody state: a bind or unbind command
 * is visible to the next observation without any copying. R02 (one tag, one person, one
 * session) is enforced when binding (prechecks.ts `checkBind`), so a tag maps to one person.
 */
export class CustodyTagBindings implements TagBindings {
  constructor(private readonly state: Pick<CustodyReader, "binding">) {}

  lookup(tagId: string): TagBinding | undefined {
    const b = this.state.binding(tagId);
    if (!b) return undefined;
    return { personId: b.personId, role: b.role, ...(b.sessionId !== undefined && { sessionId: b.sessionId }) };
  }
}
