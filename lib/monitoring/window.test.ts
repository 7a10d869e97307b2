import { describe, expect, it } from "vitest";
import { computePerformance } from "../stats/performance";
import { countByGroup } from "../stats/fairness";
import { binnedAuc, datasetDrift, fairnessPanels, featureDriftPanels, latencyPanel, performancePanel } from "./panels";
import { buildWindowLayout, mergeWindowSummaries, sketchReferenceFeatures, summarizeWindow, type TWindowRow } from "./window";
import type { TInputSchema } from "../registry/input-schema";

const schema: TInputSchema = {
  features: [
    { name: "income", type: "numeric", sensitive: false, modelInput: true },
    { name: "debt", type: "numeric", sensitive: false, modelInput: true },
    { name: "sex", type: "categorical", allowedValues: ["f", "m"], sensitive: true, modelInput: false },
  ],
};
const profileRows = 1200;
const profile = {
  rowCount: profileRows,
  sampleRows: profileRows,
  columns: {
    income: Array.from({ length: profileRows }, (_, i) => ((i * 7919) % 1000) / 10),
    debt: Array.from({ length: profileRows }, (_, i) => ((i * 31) % 100) / 100),
    sex: Array.from({ length: profileRows }, (_, i) => (i % 2 ? "f" : "m")),
  },
  labels: null,
};
const layout = buildWindowLayout({ schema, profile, threshold: 0.3 });

function rows(count: number, shift: number): TWindowRow[] {
  return Array.from({ length: count }, (_, i) => {
    const probability = ((i * 37) % 100) / 100 + 0.004;
    return {
      features: [((i * 104729) % 1000) / 10 + shift, ((i * 17) % 100) / 100],
      attributes: { sex: i % 2 ? "f" : "m" },
      probability,
      confidence: Math.max(probability, 1 - probability),
      latencyMs: 1 + (i % 10),
      label: i % 4 === 0 ? null : ((i * 13) % 7) / 10 + probability > 0.8 ? 1 : 0,
    };
  });
}

describe("window summaries", () => {
  const all = rows(900, 0);
  const whole = summarizeWindow(layout, all);
  const merged = mergeWindowSummaries(summarizeWindow(layout, all.slice(0, 400)), summarizeWindow(layout, all.slice(400)));

  it("merge to the summary of all rows", () => {
    expect(merged.count).toBe(whole.count);
    for (const [name, sketch] of Object.entries(whole.features)) {
      const { sum, sumSquares, ...exact } = sketch as Record<string, unknown>;
      const other = merged.features[name] as Record<string, unknown>;
      expect({ ...other, sum: undefined, sumSquares: undefined }).toEqual({ ...exact, sum: undefined, sumSquares: undefined });
      if (typeof sum === "number") expect(other.sum as number).toBeCloseTo(sum, 6);
      if (typeof sumSquares === "number") expect(other.sumSquares as number).toBeCloseTo(sumSquares, 6);
    }
    expect(merged.labelled.positives).toEqual(whole.labelled.positives);
    expect(merged.groups).toEqual(whole.groups);
    expect(merged.labelled.brierSum).toBeCloseTo(whole.labelled.brierSum, 9);
  });

  it("give the threshold metrics, losses and ECE exactly as over the raw rows", () => {
    const labelled = all.filter((row) => row.label !== null);
    const exact = computePerformance({
      labels: labelled.map((row) => row.label!),
      scores: labelled.map((row) => row.probability),
      threshold: 0.3,
    });
    const panel = performancePanel(merged).realized;
    for (const key of ["accuracy", "precision", "recall", "f1", "brier", "logLoss", "ece"] as const)
      expect(panel[key]).toBeCloseTo(exact[key]!, 10);
    // Scores sit inside their 0.01 bins without two labels sharing a score, so binning changes no pair's order except ties.
    expect(Math.abs(panel.rocAuc! - exact.rocAuc!)).toBeLessThanOrEqual(panel.rocAucBound! + 1e-12);
  });

  it("count fairness groups as countByGroup does", () => {
    expect(whole.groups.sex).toEqual(
      countByGroup(all.map((row) => ({ group: String(row.attributes.sex), predicted: row.probability >= 0.3 ? 1 : 0, label: row.label }))),
    );
    const [panel] = fairnessPanels(whole);
    expect(panel.attribute).toBe("sex");
    const rates = panel.favourableRates.map((entry) => entry.rate!);
    expect(panel.disparateImpact).toBeCloseTo(Math.min(...rates) / Math.max(...rates), 12);
  });

  it("reads latency quantiles within one 10 % bucket", () => {
    const latency = latencyPanel(whole);
    // Latencies are 1…10 ms evenly: p50 is 5 ms, p99 10 ms; the bucket edge is at most 10 % above.
    expect(latency.p50Ms!).toBeGreaterThanOrEqual(5);
    expect(latency.p50Ms!).toBeLessThanOrEqual(5.5);
    expect(latency.p99Ms!).toBeGreaterThanOrEqual(10);
    expect(latency.p99Ms!).toBeLessThanOrEqual(11);
  });
});

describe("feature drift panels", () => {
  const reference = sketchReferenceFeatures(layout, profile);
  const referenceSorted = {
    income: Float64Array.from(profile.columns.income).sort(),
    debt: Float64Array.from(profile.columns.debt).sort(),
  };
  it("see no drift in data like the reference and drift in a shifted feature", () => {
    const calm = featureDriftPanels({ layout, reference, current: summarizeWindow(layout, rows(1000, 0)).features, referenceSorted });
    expect(calm.map((feature) => feature.drifted)).toEqual([false, false, false]);
    const shifted = featureDriftPanels({ layout, reference, current: summarizeWindow(layout, rows(1000, 30)).features, referenceSorted });
    const income = shifted.find((feature) => feature.name === "income")!;
    // Shifting a uniform 0–100 sample by 30 moves it by W ≈ 30 over σ = 28.9: normed W ≈ 1.04.
    expect(income.statistic!).toBeGreaterThan(0.9);
    expect(income.lower!).toBeLessThanOrEqual(income.statistic!);
    expect(income.upper!).toBeGreaterThanOrEqual(income.statistic!);
    expect(income.status).toBe("breach");
    expect(datasetDrift(shifted)).toMatchObject({ driftedShare: 1 / 3, datasetDrift: false, status: "warning" });
  });
  it("says 'unknown' for a feature with no data rather than 'ok'", () => {
    const empty = featureDriftPanels({ layout, reference, current: summarizeWindow(layout, []).features, referenceSorted });
    expect(empty.find((feature) => feature.name === "income")!.status).toBe("unknown");
  });
});

describe("binnedAuc", () => {
  it("matches scikit-learn when every bin holds one class", () => {
    // sklearn 1.2.1: roc_auc_score([0, 0, 1, 1], [0.105, 0.305, 0.205, 0.905]) -> 0.75
    const positives = new Array(100).fill(0);
    const negatives = new Array(100).fill(0);
    negatives[10] = 1;
    negatives[30] = 1;
    positives[20] = 1;
    positives[90] = 1;
    expect(binnedAuc(positives, negatives)).toEqual({ value: 0.75, bound: 0 });
  });
  it("is null with one class", () => expect(binnedAuc([1, 2], [0, 0])).toBeNull());
});
