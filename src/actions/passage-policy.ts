/**
 * Who may pass which door. Custody implements this (escorted, assigned room, exit approved …);
 * the door controller asks it before it unlocks a door for a person and records the answer in
 * the audit trail. It is synchronous: custody state is in memory, and the actuation path never
 * waits on I/O to decide.
 */
export interface PassageVerdict {
  readonly allowed: boolean;
  /** Why, as codes custody defines (e.g. "ESCORTED", "EXIT_NOT_APPROVED", "NOT_ASSIGNED_ROOM"). */
  readonly reasonCodes: readonly string[];
}

export interface PassagePolicy {
  mayPass(personId: string, doorId: string, fromZone: string, toZone: string, now: number): PassageVerdict;
}

/** Until custody is wired in, nobody passes on a person's behalf: default-deny. */
export const denyAllPassages: PassagePolicy = {
  mayPass: () => ({ allowed: false, reasonCodes: ["CUSTODY_UNAVAILABLE"] }),
};
