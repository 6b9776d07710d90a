import { it } from "vitest";
import { harness, T0, testSite, brief } from "./fixtures.js";
import { buildWalk } from "./walks.js";
const CASE = JSON.parse(process.env.CASE!);
const TAG = Number(process.env.TAG ?? 0);
it("dbg", () => {
  const site = testSite({ offlineTimeoutS: 5, onlineSamples: 3, bleWindowS: 1.5, bleMarginM: 1, ...(process.env.REORDER ? { reorderWindowS: 1 } : {}) });
  const w = buildWalk(site, `tag-${TAG}`, CASE.plans[TAG], CASE.seed + TAG, { t0: T0, offlineTimeoutMs: 5000, maxIntervalMs: 800 });
  const h = harness(site);
  console.log(JSON.stringify(w.moves.map(m => [m.to, m.startedAt - T0, m.inferred])), w.gaps);
  for (const d of w.deliveries) {
    const o = d.observation as any;
    const before = h.drafts.length;
    h.engine.ingest(d.observation, d.receivedAt);
    const s = h.engine.state(`tag-${TAG}`)!;
    const vote = o.kind === "coordinates" ? site.plan.zoneAt(o.x, o.y, o.floor ?? 1) : o.kind === "reader" ? site.readers.get(o.readerId)?.zoneId : site.bleNodes.get(o.nodeId) + ":" + o.distance.toFixed(2);
    console.log(d.receivedAt - T0, o.deviceTime !== undefined ? o.deviceTime - T0 : "-", vote, "| zone", s.zoneId, "cand", s.candidate ? [s.candidate.zoneId, s.candidate.count, s.candidate.misses, s.candidate.firstAt - T0] : null, "gap", s.gap, h.drafts.slice(before).map(brief).join(", "));
  }
});
