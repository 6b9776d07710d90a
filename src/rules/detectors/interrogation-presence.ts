import type { EventDraft } from "../../core/envelope.js";
import { detector, str, unchanged, type RuleEvent } from "../detector.js";
import { inArea, openInterrogation } from "../people.js";
import type { RuleView } from "../view.js";

interface Presence {
  readonly roomId: string;
  readonly since: number;
  readonly sessionId: string;
}

/** Detainees inside their interrogation room, by person id. */
type State = Readonly<Record<string, Presence>>;

/**
 * R23 interrogation bookkeeping: INTERROGATION_PRESENCE_STARTED/ENDED when a detainee enters or
 * leaves the assigned (or open-session) interrogation room. Explicit start and end come from the
 * operator or recorder; room power and signage timing is src/actions/room-power.ts.
 */
export const interrogationPresence = detector<State>({
  id: "interrogation-presence",
  ruleIds: ["R23"],
  events: ["ZONE_ENTER"],
  tick: false,
  initial: () => ({}),
  step(state, input, view) {
    if (input.kind !== "event") return unchanged(state);
    const events: EventDraft[] = [];
    const next = move(state, input.event, view, events);
    return next === state ? unchanged(state) : { state: next, actions: [], events };
  },
});

function move(present: State, e: RuleEvent, view: RuleView, events: EventDraft[]): State {
  const personId = e.personId ?? str(e.payload.personId);
  if (personId === undefined) return present;
  const now = e.receivedAt;
  const was = present[personId];
  const to = str(e.payload.toZoneId);
  if (was && to !== was.roomId) {
    events.push(bookkeeping("INTERROGATION_PRESENCE_ENDED", personId, was.sessionId, was.roomId, now, { dwellMs: now - was.since }));
    const { [personId]: _, ...rest } = present;
    present = rest;
  }
  const session = inArea(view, personId);
  if (to === undefined || !session || was?.roomId === to) return present;
  const it = openInterrogation(session);
  if (to !== session.assignedInterrogationRoomId && to !== it?.roomId) return present;
  events.push(bookkeeping("INTERROGATION_PRESENCE_STARTED", personId, session.sessionId, to, now, it ? { interrogationId: it.interrogationId } : {}));
  return { ...present, [personId]: { roomId: to, since: now, sessionId: session.sessionId } };
}

function bookkeeping(type: string, personId: string, sessionId: string, roomId: string, at: number, extra: Record<string, unknown>): EventDraft {
  return {
    type,
    category: "location",
    receivedAt: at,
    source: { origin: "rule:R23" },
    subjects: [{ kind: "person", id: personId, role: "detainee" }],
    personId,
    role: "detainee",
    sessionId,
    roomId,
    payload: { personId, sessionId, roomId, ...extra },
  };
}
