/**
 * The simulated population. A detainee "slot" is one wristband: after a person leaves, the band
 * is unbound and the next arrival wears it (as in a real center), so the tag id stays and the
 * person id changes per visit. Officers keep their tags.
 */
export type SimRole = "detainee" | "officer";

export interface SimTag {
  readonly role: SimRole;
  /** Index within its role, from 0. */
  readonly index: number;
  /** DWM short node id, 4 hex digits: detainee bands 1001…, officer tags 2001…. */
  readonly tagId: string;
}

export interface SimPeople {
  readonly detainees: readonly SimTag[];
  readonly officers: readonly SimTag[];
}

const tagId = (base: number, i: number): string => (base + i + 1).toString(16).padStart(4, "0");

export function createPeople(counts: { detainees: number; officers: number }): SimPeople {
  return {
    detainees: Array.from({ length: counts.detainees }, (_, i) => ({ role: "detainee" as const, index: i, tagId: tagId(0x1000, i) })),
    officers: Array.from({ length: counts.officers }, (_, i) => ({ role: "officer" as const, index: i, tagId: tagId(0x2000, i) })),
  };
}

/** Person id for one visit of a detainee slot, or for an officer. */
export function personId(tag: SimTag, visit = 1): string {
  return tag.role === "officer" ? `officer-${tag.index + 1}` : `detainee-${tag.index + 1}-${visit}`;
}
