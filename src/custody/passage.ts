import type { PassagePolicy, PassageVerdict } from "../actions/passage-policy.js";
import type { CustodyView, PresenceView } from "../rules/view.js";

/**
 * Custody's answer to "may this person pass this door now" (issue 5 §4). Staff and other
 * non-detainees pass. A detainee passes only
 * - into their assigned holding or interrogation room, or back out of it, while escorted, or
 * - anywhere inside the secure area while an officer is in the same room (escorted), except out
 *   of the area: the area exit needs an exit record or an approved temporary exit.
 * Decided from in-memory state only: the actuation path never waits on I/O.
 */
export class CustodyPassagePolicy implements PassagePolicy {
  constructor(
    private readonly custody: CustodyView,
    private readonly presence: PresenceView,
    /** Zones whose entry means leaving the secure area (outside, perimeter, exit rooms). */
    private readonly isAreaExit: (zoneId: string) => boolean,
  ) {}

  mayPass(personId: string, _doorId: string, fromZone: string, toZone: string, _now: number): PassageVerdict {
    const person = this.custody.person(personId);
    if (!person) return deny("UNKNOWN_PERSON");
    if (person.role !== "detainee") return allow("NOT_IN_CUSTODY");
    const session = this.custody.openSession(personId);
    if (!session) return deny("NO_OPEN_SESSION");

    if (this.isAreaExit(toZone)) {
      if (session.state === "temp_exit" || (session.tempExit !== undefined && session.tempExit.returnedAt === undefined)) return allow("TEMP_EXIT_APPROVED");
      if (session.exit) return allow("EXIT_RECORDED");
      return deny("EXIT_NOT_APPROVED");
    }
    const escorted = this.officerWith(fromZone);
    if (!escorted) return deny("NOT_ESCORTED");
    const assigned = [session.holdingRoomId, session.assignedInterrogationRoomId].filter((r): r is string => r !== undefined);
    if (this.isRestrictedRoom(toZone) && !assigned.includes(toZone)) return deny("NOT_ASSIGNED_ROOM");
    return allow("ESCORTED");
  }

  private officerWith(zoneId: string): boolean {
    return this.presence.occupants(zoneId).some((o) => o.role === "officer");
  }

  /** Holding and interrogation rooms are entered only when assigned; other rooms follow the flow. */
  private isRestrictedRoom(zoneId: string): boolean {
    const type = this.presence.room(zoneId)?.type;
    return type !== undefined && ["holding", "holding_juvenile", "interrogation", "interrogation_juvenile", "interview"].includes(type);
  }
}

const allow = (code: string): PassageVerdict => ({ allowed: true, reasonCodes: [code] });
const deny = (code: string): PassageVerdict => ({ allowed: false, reasonCodes: [code] });
