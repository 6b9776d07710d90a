import type { EventCategory, EventDraft, Subject } from "../core/envelope.js";
import type { CustodySession, Person } from "./model.js";

/** Who issued a command: an operator at the local console/API, or the central system (its user). */
export interface Actor {
  readonly kind: "operator" | "central";
  readonly id: string;
}

/** "operator:<id>" / "central:<id>": the envelope's `source.origin` and the audit actor. */
export const actorRef = (by: Actor): string => `${by.kind}:${by.id}`;

export interface DraftOptions {
  readonly session?: CustodySession | undefined;
  readonly roomId?: string;
  readonly category?: EventCategory;
  readonly tagIds?: readonly string[];
  /** The command id: every event of one command shares it. */
  readonly correlationId: string;
  readonly by: Actor;
}

/**
 * A lifecycle event (DOMAIN.md §8.2) about one person: subjects, person/session/case fields of
 * the envelope filled from the custody record, the command id as correlation id.
 */
export function personDraft(type: string, person: Person, payload: Record<string, unknown>, o: DraftOptions): EventDraft {
  const subjects: Subject[] = [{ kind: "person", id: person.personId, role: person.role }, ...(o.tagIds ?? []).map((id): Subject => ({ kind: "tag", id }))];
  const caseNo = person.caseNos[0] ?? person.incidentNos[0];
  return {
    type,
    category: o.category ?? "lifecycle",
    source: { origin: actorRef(o.by) },
    subjects,
    personId: person.personId,
    role: person.role,
    ...(o.session && { sessionId: o.session.sessionId }),
    ...(caseNo !== undefined && { caseNo }),
    ...(o.roomId !== undefined && { roomId: o.roomId }),
    correlationId: o.correlationId,
    payload: { by: o.by.id, ...payload },
  };
}

/** A lifecycle event about a room rather than a person (PATROL_PUNCH). */
export function roomDraft(type: string, roomId: string, payload: Record<string, unknown>, o: Pick<DraftOptions, "by" | "correlationId">): EventDraft {
  return {
    type,
    category: "lifecycle",
    source: { origin: actorRef(o.by) },
    subjects: [{ kind: "zone", id: roomId }],
    roomId,
    correlationId: o.correlationId,
    payload: { by: o.by.id, ...payload },
  };
}
