import type { PersonRole } from "../core/envelope.js";
import type { CustodySession, Person } from "./model.js";

/** A tag worn by a person (R02: one tag, one person, one session). */
export interface BindingRecord {
  readonly tagId: string;
  readonly personId: string;
  readonly role: PersonRole;
  readonly sessionId?: string;
  readonly boundAt: number;
  readonly by: string;
}

/** What one command changes: whole new records (the model is immutable), applied at once. */
export interface Change {
  readonly persons?: readonly Person[];
  readonly sessions?: readonly CustodySession[];
  readonly bind?: readonly BindingRecord[];
  /** Tag ids to unbind. */
  readonly unbind?: readonly string[];
}

/** Read access to custody state for the pure operations and the views. */
export interface CustodyReader {
  person(personId: string): Person | undefined;
  session(sessionId: string): CustodySession | undefined;
  openSession(personId: string): CustodySession | undefined;
  openSessions(): readonly CustodySession[];
  /** Open sessions assigned to the holding room. */
  heldIn(roomId: string): readonly CustodySession[];
  /** Open sessions with an open interrogation in the room. */
  interrogatedIn(roomId: string): readonly CustodySession[];
  binding(tagId: string): BindingRecord | undefined;
  tagsOf(personId: string): readonly string[];
  /** Most recent exited session of the same person, by person id or id number (R31). */
  previousSessionOf(person: Person): CustodySession | undefined;
}

/**
 * The live custody state in memory, indexed for the questions rules and pre-checks ask. Only
 * `apply` changes it, after the change has been committed to SQLite.
 */
export class CustodyState implements CustodyReader {
  private readonly persons = new Map<string, Person>();
  private readonly sessions = new Map<string, CustodySession>();
  private readonly openByPerson = new Map<string, string>();
  private readonly bindings = new Map<string, BindingRecord>();

  apply(change: Change): void {
    for (const p of change.persons ?? []) this.persons.set(p.personId, p);
    for (const s of change.sessions ?? []) {
      this.sessions.set(s.sessionId, s);
      if (s.state === "exited") {
        if (this.openByPerson.get(s.personId) === s.sessionId) this.openByPerson.delete(s.personId);
      } else this.openByPerson.set(s.personId, s.sessionId);
    }
    for (const tagId of change.unbind ?? []) this.bindings.delete(tagId);
    for (const b of change.bind ?? []) this.bindings.set(b.tagId, b);
  }

  /** Forget exited sessions that ended before `before` (they stay in SQLite). */
  prune(before: number): number {
    let n = 0;
    for (const [id, s] of this.sessions) {
      if (s.state === "exited" && (s.exit?.at ?? 0) < before) {
        this.sessions.delete(id);
        n++;
      }
    }
    return n;
  }

  person(personId: string): Person | undefined {
    return this.persons.get(personId);
  }

  session(sessionId: string): CustodySession | undefined {
    return this.sessions.get(sessionId);
  }

  openSession(personId: string): CustodySession | undefined {
    const id = this.openByPerson.get(personId);
    return id === undefined ? undefined : this.sessions.get(id);
  }

  openSessions(): readonly CustodySession[] {
    return [...this.openByPerson.values()].map((id) => this.sessions.get(id)!).filter(Boolean);
  }

  heldIn(roomId: string): readonly CustodySession[] {
    return this.openSessions().filter((s) => s.holdingRoomId === roomId);
  }

  interrogatedIn(roomId: string): readonly CustodySession[] {
    return this.openSessions().filter((s) => s.interrogations.some((i) => i.roomId === roomId && i.endedAt === undefined));
  }

  binding(tagId: string): BindingRecord | undefined {
    return this.bindings.get(tagId);
  }

  bindingsAll(): readonly BindingRecord[] {
    return [...this.bindings.values()];
  }

  tagsOf(personId: string): readonly string[] {
    return [...this.bindings.values()].filter((b) => b.personId === personId).map((b) => b.tagId);
  }

  previousSessionOf(person: Person): CustodySession | undefined {
    let best: CustodySession | undefined;
    for (const s of this.sessions.values()) {
      if (s.state !== "exited" || !s.exit) continue;
      const other = this.persons.get(s.personId);
      const same = s.personId === person.personId || (person.idNumber !== undefined && other?.idNumber === person.idNumber);
      if (same && (!best || s.exit.at > best.exit!.at)) best = s;
    }
    return best;
  }
}
