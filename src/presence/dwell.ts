import { subjectKey, type SubjectRef } from "./bindings.js";

export interface DwellRow {
  readonly subjectKey: string;
  readonly zoneId: string;
  readonly totalMs: number;
}

/**
 * Completed time per subject (person, or unbound tag) per zone, summed over visits. The open
 * visit is added by whoever asks (it depends on "now"); areas are the sum of their rooms.
 */
export class DwellLedger {
  private readonly totals = new Map<string, Map<string, number>>();

  constructor(rows: Iterable<DwellRow> = []) {
    for (const r of rows) this.zonesOf(r.subjectKey).set(r.zoneId, r.totalMs);
  }

  /** The row a finished visit would produce, without recording it (recorded by `apply` once durable). */
  preview(subject: SubjectRef, zoneId: string, ms: number): DwellRow {
    const key = subjectKey(subject);
    return { subjectKey: key, zoneId, totalMs: (this.totals.get(key)?.get(zoneId) ?? 0) + ms };
  }

  apply(row: DwellRow): void {
    this.zonesOf(row.subjectKey).set(row.zoneId, row.totalMs);
  }

  total(subject: SubjectRef, zoneIds: readonly string[]): number {
    const zones = this.totals.get(subjectKey(subject));
    if (!zones) return 0;
    let sum = 0;
    for (const z of zoneIds) sum += zones.get(z) ?? 0;
    return sum;
  }

  /** Everything recorded for one subject, e.g. at the end of a custody session. */
  forget(subject: SubjectRef): void {
    this.totals.delete(subjectKey(subject));
  }

  private zonesOf(key: string): Map<string, number> {
    let zones = this.totals.get(key);
    if (!zones) this.totals.set(key, (zones = new Map()));
    return zones;
  }
}
