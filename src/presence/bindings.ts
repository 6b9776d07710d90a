import type { PersonRole } from "../core/envelope.js";

/** Who wears a tag right now. Custody owns the bindings; presence only asks. */
export interface TagBinding {
  readonly personId: string;
  readonly role: PersonRole;
  readonly sessionId?: string;
}

export interface TagBindings {
  /** Undefined for an unbound tag: presence still tracks it (R01 flags it in the secure area). */
  lookup(tagId: string): TagBinding | undefined;
}

/** In-memory bindings for tests, the bench and the demo simulator. */
export class MemoryTagBindings implements TagBindings {
  private readonly byTag = new Map<string, TagBinding>();

  constructor(initial: Iterable<readonly [string, TagBinding]> = []) {
    for (const [tagId, b] of initial) this.byTag.set(tagId, b);
  }

  bind(tagId: string, binding: TagBinding): void {
    this.byTag.set(tagId, binding);
  }

  unbind(tagId: string): void {
    this.byTag.delete(tagId);
  }

  lookup(tagId: string): TagBinding | undefined {
    return this.byTag.get(tagId);
  }
}

/** How presence names whoever wears a tag: the person when bound, else the tag itself. */
export interface SubjectRef {
  readonly kind: "person" | "tag";
  readonly id: string;
}

export function subjectOf(tagId: string, binding: TagBinding | undefined): SubjectRef {
  return binding ? { kind: "person", id: binding.personId } : { kind: "tag", id: tagId };
}

export function subjectKey(s: SubjectRef): string {
  return `${s.kind}:${s.id}`;
}
