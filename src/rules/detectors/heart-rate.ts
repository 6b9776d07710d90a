import { dedupKey, detector, num, SEVERITY, str, unchanged, type RuleEvent } from "../detector.js";
import { personOfTag } from "../people.js";
import { personParams } from "../person-params.js";
import type { RuleView } from "../view.js";

interface Run {
  readonly from: number;
  readonly count: number;
  readonly bpm: readonly number[];
  readonly raised: boolean;
}

/** Current out-of-range run per person. */
type Runs = Readonly<Record<string, Run>>;

const KEEP = 10;

/**
 * R20 heart rate (心率异常): a detainee's samples outside the range (60–100 bpm, or the person's
 * own range from a medical note) for N consecutive samples or for a duration, whichever first.
 * Samples come as HEART_RATE_SAMPLE {personId|tagId, bpm} or a DEVICE_EVENT carrying
 * {tagId, heartRate|bpm}. An in-range sample ends the run and clears the alarm.
 */
export const heartRate = detector<Runs>({
  id: "heart-rate",
  ruleIds: ["R20"],
  events: ["HEART_RATE_SAMPLE", "DEVICE_EVENT", "PERSON_EXITED"],
  tick: false,
  initial: () => ({}),
  step(state, input, view, params) {
    if (input.kind !== "event") return unchanged(state);
    const e = input.event;
    if (e.type === "PERSON_EXITED") return endRun(state, e.personId ?? str(e.payload.personId), "person exited");
    const sample = sampleOf(e, view);
    if (!sample) return unchanged(state);
    const { personId, bpm } = sample;
    const { params: p, override } = personParams(view, personId, "R20", params.R20);
    if (bpm >= p.min && bpm <= p.max) return endRun(state, personId, `back in range (${bpm} bpm)`);
    const prev = state[personId];
    const run: Run = { from: prev?.from ?? e.receivedAt, count: (prev?.count ?? 0) + 1, bpm: [...(prev?.bpm ?? []), bpm].slice(-KEEP), raised: prev?.raised ?? false };
    const due = !run.raised && (run.count >= p.samples || e.receivedAt - run.from >= p.durationS * 1000);
    if (!due) return { state: { ...state, [personId]: run }, actions: [] };
    const zoneId = view.presence.roomOf({ personId });
    return {
      state: { ...state, [personId]: { ...run, raised: true } },
      actions: [
        {
          kind: "raise",
          type: "HEART_RATE_ABNORMAL",
          ruleId: "R20",
          severity: SEVERITY.high,
          dedupKey: dedupKey("HEART_RATE_ABNORMAL", personId),
          ...(zoneId !== undefined ? { zoneId } : {}),
          subjects: [personId],
          message: `${personId}: heart rate ${bpm} bpm outside ${p.min}–${p.max}`,
          params: override ? { ...p, personOverride: override } : p,
          data: { bpm: run.bpm, range: [p.min, p.max], zoneId },
        },
      ],
    };
  },
});

function sampleOf(e: RuleEvent, view: RuleView): { personId: string; bpm: number } | undefined {
  const bpm = num(e.payload.bpm) ?? num(e.payload.heartRate);
  if (bpm === undefined) return undefined;
  const tagId = str(e.payload.tagId);
  const own = e.personId ?? str(e.payload.personId);
  const personId = own ?? (tagId !== undefined ? personOfTag(view, tagId) : undefined);
  if (personId === undefined || !view.custody.openSession(personId) || view.custody.person(personId)?.role !== "detainee") return undefined;
  return { personId, bpm };
}

function endRun(state: Runs, personId: string | undefined, reason: string) {
  const run = personId === undefined ? undefined : state[personId];
  if (!run) return unchanged(state);
  const { [personId!]: _, ...rest } = state;
  return { state: rest, actions: run.raised ? [{ kind: "clear" as const, dedupKey: dedupKey("HEART_RATE_ABNORMAL", personId!), reason }] : [] };
}
