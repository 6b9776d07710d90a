import { Subject, type Subject as SubjectT } from "../core/envelope.js";
import type { EventFactory } from "../core/events.js";
import type { AuditRecord } from "./audit-chain.js";
import type { Outbox } from "./outbox.js";

export type { AuditRecord } from "./audit-chain.js";

export interface AuditInput {
  /** Who: "operator:<id>", "central:<user>", "rule:<ruleId>", "engine:<name>". */
  actor: string;
  /** What, dotted: "door.unlock", "command.bind-tag", "override.grant". */
  action: string;
  /** On what, as "<kind>:<id>" (door:d-12, person:p-7) when there is one. */
  target?: string;
  reason?: string;
  data?: Record<string, unknown>;
}

/**
 * The tamper-evident audit log. `record` is synchronous and cheap: the record joins the next
 * group commit of the outbox together with an AUDIT_RECORD event that carries it to the central
 * system, so it never stalls the caller on a disk flush, and both are accepted or neither is.
 * Locally it lands in the `audit` table with its own hash chain and is never deleted by acks.
 */
export class AuditLog {
  constructor(
    private readonly outbox: Outbox,
    private readonly factory: EventFactory,
  ) {}

  record(input: AuditInput): AuditRecord {
    const id = this.outbox.audit.nextId();
    const fields = {
      actor: input.actor,
      action: input.action,
      ...(input.target !== undefined && { target: input.target }),
      ...(input.reason !== undefined && { reason: input.reason }),
      ...(input.data !== undefined && { data: input.data }),
    };
    const subject = subjectOf(input.target);
    const event = this.factory.make({
      type: "AUDIT_RECORD",
      category: "audit",
      source: { origin: input.actor },
      subjects: subject ? [subject] : [],
      payload: { auditId: id, ...fields },
    });
    const record: AuditRecord = { id, ts: event.receivedAt, seq: event.seq, eventId: event.eventId, ...fields };
    this.outbox.append(event, record);
    return record;
  }
}

function subjectOf(target: string | undefined): SubjectT | undefined {
  if (!target) return undefined;
  const i = target.indexOf(":");
  if (i <= 0) return undefined;
  const parsed = Subject.safeParse({ kind: target.slice(0, i), id: target.slice(i + 1) });
  return parsed.success ? parsed.data : undefined;
}
