/**
 * Payloads as Frigate documents them (docs/docs/integrations/mqtt.md): the `frigate/events`
 * update example (comments dropped), the same object as new and end, and the `frigate/reviews`
 * example. Camera names are the documented ones; tests map them to rooms.
 */
const side = (patch: Record<string, unknown>) => ({
  id: "1607123955.475377-mxklsc",
  camera: "front_door",
  frame_time: 1607123961.837752,
  snapshot: { frame_time: 1607123965.975463, box: [415, 489, 528, 700], area: 12728, region: [260, 446, 660, 846], score: 0.77546, attributes: [] },
  label: "person",
  sub_label: null,
  top_score: 0.958984375,
  false_positive: false,
  start_time: 1607123955.475377,
  end_time: null,
  score: 0.7890625,
  box: [424, 500, 536, 712],
  area: 23744,
  ratio: 2.113207,
  region: [264, 450, 667, 853],
  current_zones: ["driveway"],
  entered_zones: ["yard", "driveway"],
  thumbnail: null,
  has_snapshot: false,
  has_clip: false,
  active: true,
  stationary: false,
  motionless_count: 0,
  position_changes: 2,
  attributes: { face: 0.64 },
  current_attributes: [],
  current_estimated_speed: 0.71,
  average_estimated_speed: 14.3,
  velocity_angle: 180,
  recognized_license_plate: "ABC12345",
  recognized_license_plate_score: 0.933451,
  ...patch,
});

const after = side({
  frame_time: 1607123962.082975,
  sub_label: ["John Smith", 0.79],
  score: 0.87890625,
  box: [432, 496, 544, 854],
  area: 40096,
  ratio: 1.251397,
  region: [218, 440, 693, 915],
  current_zones: ["yard", "driveway"],
  attributes: { face: 0.86 },
  current_attributes: [{ label: "face", box: [442, 506, 534, 524], score: 0.86 }],
  current_estimated_speed: 0.77,
  average_estimated_speed: 14.31,
});

export const EVENT_UPDATE = JSON.stringify({ type: "update", before: side({}), after });
export const EVENT_NEW = JSON.stringify({ type: "new", before: side({}), after: side({}) });
export const EVENT_END = JSON.stringify({ type: "end", before: after, after: { ...after, end_time: 1607123970.5, has_clip: true } });
/** Older Frigate (0.12) objects: sub_label as a plain string, no `active`, no speeds. */
export const EVENT_NEW_012 = JSON.stringify({
  type: "new",
  before: null,
  after: { id: "1700000000.1-abc123", camera: "front_door", label: "person", sub_label: "Bob", top_score: 0.9, false_positive: false, start_time: 1700000000.1, end_time: null, score: 0.9, current_zones: [], entered_zones: [], has_clip: false, has_snapshot: true, stationary: false },
});

const review = (severity: string, subLabels: string[], zones: string[]) => ({
  id: "1718987129.308396-fqk5ka",
  camera: "front_cam",
  start_time: 1718987129.308396,
  end_time: null,
  severity,
  thumb_path: "/media/frigate/clips/review/thumb-front_cam-1718987129.308396-fqk5ka.webp",
  data: {
    detections: ["1718987128.947436-g92ztx", "1718987148.879516-d7oq7r", "1718987126.934663-q5ywpt"],
    objects: ["person", "car"],
    sub_labels: subLabels,
    zones,
    audio: [],
  },
});

export const REVIEW_UPDATE = JSON.stringify({ type: "update", before: review("detection", [], []), after: review("alert", ["Bob"], ["front_yard"]) });
