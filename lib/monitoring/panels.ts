import { fairnessFromCounts, type TFairnessReport } from "../stats/fairness";
import {
  jensenShannonFromCounts,
  psiFromSketches,
  sketchStd,
  wassersteinBounds,
  type TCategoricalSketch,
  type TNumericSketch,
  type TSketch,
} from "./sketch";
import type { TMonitorStatus } from "../types/monitoring";
import { LATENCY_EDGES_MS, type TWindowLayout, type TWindowSummary } from "./window";
import { judgeWindow, ratioOfProportionsInterval } from "./verdict";

/** One feature's drift over a range of windows, computed from sketches. */
export type TFeatureDriftPanel = {
  name: string;
  kind: "numerical" | "categorical";
  test: "wasserstein" | "jensenshannon" | "ks" | "chisquare_free";
  statistic: number | null;
  /** Bounds of an approximate statistic; equal to it when the statistic is exact from the sketches. */
  lower: number | null;
  upper: number | null;
  psi: number | null;
  threshold: number;
  /** The verdict of judgeWindow: drifted only when the breach is supported (enough rows, bound past the threshold). */
  drifted: boolean;
  status: TMonitorStatus;
  reason: string;
  /** Predictions behind the current side. */
  count: number;
  note: string;
  /** Shares of reference and current per bin or category, for the histograms. */
  histogram: { bin: string; reference: number; current: number }[];
};

const DISTANCE_THRESHOLD = 0.1;

/**
 * Drift of each feature over sketches, with Evidently's choice for large references (> 1,000
 * rows): normed Wasserstein for numerical features, Jensen–Shannon for categorical ones, drift at
 * ≥ 0.1. For small references (where Evidently uses KS and chi-square p-values) the panel still
 * reports a distance — the exact tests need raw rows, which the CLI keeps.
 */
export function featureDriftPanels({
  layout,
  reference,
  current,
  referenceSorted,
  thresholds = {},
}: {
  layout: TWindowLayout;
  reference: Record<string, TSketch>;
  current: Record<string, TSketch>;
  /** Sorted reference values per numerical feature (for PSI's exact edges). */
  referenceSorted: Record<string, Float64Array>;
  thresholds?: Record<string, number>;
}): TFeatureDriftPanel[] {
  return layout.features.map((feature) => {
    const threshold = thresholds[feature.name] ?? DISTANCE_THRESHOLD;
    if (feature.kind === "categorical") {
      const ref = reference[feature.name] as TCategoricalSketch;
      const cur = current[feature.name] as TCategoricalSketch | undefined;
      const statistic = cur ? jensenShannonFromCounts(ref.counts, cur.counts) : null;
      const categories = [...new Set([...Object.keys(ref.counts), ...Object.keys(cur?.counts ?? {})])].sort();
      const count = cur?.count ?? 0;
      const verdict = judgeWindow({ comparison: "gte", threshold, point: { value: statistic, lower: statistic, upper: statistic, count } });
      return {
        name: feature.name,
        kind: "categorical",
        test: "jensenshannon",
        statistic,
        lower: statistic,
        upper: statistic,
        psi: null,
        threshold,
        drifted: verdict.status === "breach",
        status: verdict.status,
        reason: verdict.reason,
        count,
        note: "Jensen–Shannon distance over category shares (exact)",
        histogram: categories.map((category) => ({
          bin: category,
          reference: share(ref.counts[category], ref.count),
          current: share(cur?.counts[category], cur?.count ?? 0),
        })),
      };
    }
    const ref = reference[feature.name] as TNumericSketch;
    const cur = current[feature.name] as TNumericSketch | undefined;
    const distance = cur && cur.count > 0 ? wassersteinBounds(ref, cur, feature.edges) : null;
    const std = sketchStd(ref);
    const psi =
      cur && cur.count > 0
        ? psiFromSketches({
            reference: ref,
            current: cur,
            edges: feature.edges,
            referenceValuesSorted: referenceSorted[feature.name] ?? new Float64Array(),
          })
        : null;
    const histogram = ref.counts.map((count, bin) => ({
      bin: binLabel(feature.edges, bin),
      reference: share(count, ref.count),
      current: share(cur?.counts[bin], cur?.count ?? 0),
    }));
    if (distance === null) {
      return {
        name: feature.name,
        kind: "numerical",
        test: "wasserstein",
        statistic: null,
        lower: null,
        upper: null,
        psi,
        threshold,
        drifted: false,
        status: "unknown",
        reason: "no data in this window",
        count: 0,
        note: "no data in this range",
        histogram,
      };
    }
    if (std === 0) {
      // Normed Wasserstein is undefined over a constant reference: any spread is drift.
      const drifted = (cur?.min ?? 0) !== ref.min || (cur?.max ?? 0) !== ref.max;
      return {
        name: feature.name,
        kind: "numerical",
        test: "wasserstein",
        statistic: null,
        lower: null,
        upper: null,
        psi,
        threshold,
        drifted,
        status: drifted ? "breach" : "ok",
        reason: drifted ? "values outside the constant reference" : "as constant as the reference",
        count: cur?.count ?? 0,
        note: "undefined: the reference is constant",
        histogram,
      };
    }
    const statistic = distance.estimate / std;
    const bounds = { lower: distance.lower / std, upper: distance.upper / std };
    const count = cur?.count ?? 0;
    const verdict = judgeWindow({ comparison: "gte", threshold, point: { value: statistic, ...bounds, count } });
    return {
      name: feature.name,
      kind: "numerical",
      test: "wasserstein",
      statistic,
      ...bounds,
      psi,
      threshold,
      drifted: verdict.status === "breach",
      status: verdict.status,
      reason: verdict.reason,
      count,
      note: "normed Wasserstein from binned data (values spread evenly within each of ≤ 100 reference-quantile bins); the bounds hold for any spread",
      histogram,
    };
  });
}

const share = (count: number | undefined, total: number) => (total > 0 ? (count ?? 0) / total : 0);

function binLabel(edges: number[], bin: number): string {
  const format = (value: number) => Number(value.toPrecision(3)).toString();
  if (bin === 0) return `< ${format(edges[0])}`;
  if (bin === edges.length) return `≥ ${format(edges[edges.length - 1])}`;
  return `${format(edges[bin - 1])}–${format(edges[bin])}`;
}

/**
 * Breach at the threshold, else ok. No "warning" band below it: a 600-row hour of undrifted
 * demo traffic already reaches three quarters of Evidently's 0.1 by sampling noise alone.
 */
export function statusOfDistance(value: number | null, threshold: number): TMonitorStatus {
  if (value === null) return "unknown";
  return value >= threshold ? "breach" : "ok";
}

/** The dataset verdict: drift when at least half of the features drift (Evidently's default share). */
export function datasetDrift(features: TFeatureDriftPanel[], share = 0.5) {
  const known = features.filter((feature) => feature.status !== "unknown");
  const drifted = known.filter((feature) => feature.drifted).length;
  const driftedShare = known.length ? drifted / known.length : null;
  const status: TMonitorStatus = driftedShare === null ? "unknown" : driftedShare >= share ? "breach" : drifted > 0 ? "warning" : "ok";
  return { driftedShare, datasetDrift: driftedShare !== null && driftedShare >= share, status };
}

export type TPerformancePanel = {
  labelled: number;
  realized: {
    accuracy: number | null;
    precision: number | null;
    recall: number | null;
    f1: number | null;
    brier: number | null;
    logLoss: number | null;
    ece: number | null;
    /** From scores binned to 0.01: ties within a bin count half, so the bound is ± half the within-bin pairs. */
    rocAuc: number | null;
    rocAucBound: number | null;
    averagePrecision: number | null;
  };
  estimated: { accuracy: number | null; rocAuc: number | null; precision: number | null; recall: number | null; f1: number | null };
  meanScore: number | null;
  meanConfidence: number | null;
};

/**
 * Realized performance from the labelled rows (exact for everything but the ranking metrics, which
 * come from 100 score bins) and the label-free estimate (NannyML's CBPE) from every row's calibrated probability.
 */
export function performancePanel(summary: TWindowSummary): TPerformancePanel {
  const l = summary.labelled;
  const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);
  const precision = ratio(l.tp, l.tp + l.fp);
  const recall = ratio(l.tp, l.tp + l.fn);
  const auc = binnedAuc(l.positives, l.negatives);
  const e = summary.scores.expected;
  const estimatedPrecision = ratio(e.tp, e.tp + e.fp);
  const estimatedRecall = ratio(e.tp, e.tp + e.fn);
  const expectedPositives = summary.scores.sums;
  const expectedNegatives = summary.scores.counts.map((count, bin) => count - summary.scores.sums[bin]);
  const scoreSum = summary.scores.sums.reduce((sum, value) => sum + value, 0);
  return {
    labelled: l.count,
    realized: {
      accuracy: ratio(l.tp + l.tn, l.count),
      precision,
      recall,
      f1: f1(l),
      brier: ratio(l.brierSum, l.count),
      logLoss: ratio(l.logLossSum, l.count),
      ece:
        l.count > 0
          ? l.calibration.counts.reduce(
              (sum, count, bin) =>
                count === 0
                  ? sum
                  : sum + (count / l.count) * Math.abs(l.calibration.labelSums[bin] / count - l.calibration.scoreSums[bin] / count),
              0,
            )
          : null,
      rocAuc: auc?.value ?? null,
      rocAucBound: auc?.bound ?? null,
      averagePrecision: binnedAveragePrecision(l.positives, l.negatives),
    },
    estimated: {
      accuracy: ratio(e.tp + e.tn, summary.count),
      rocAuc: binnedAuc(expectedPositives, expectedNegatives)?.value ?? null,
      precision: estimatedPrecision,
      recall: estimatedRecall,
      f1: f1(e),
    },
    meanScore: ratio(scoreSum, summary.count),
    meanConfidence: ratio(summary.scores.confidenceSum, summary.count),
  };
}

/** sklearn's f1_score, 2TP / (2TP + FP + FN): 0 with no predicted positive, null only when TP + FP + FN = 0. */
function f1({ tp, fp, fn }: { tp: number; fp: number; fn: number }): number | null {
  return tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null;
}

/** Mann–Whitney AUC over binned scores (pairs in the same bin count half), with the largest possible error. */
export function binnedAuc(positives: number[], negatives: number[]): { value: number; bound: number } | null {
  const p = positives.reduce((sum, value) => sum + value, 0);
  const n = negatives.reduce((sum, value) => sum + value, 0);
  if (p <= 0 || n <= 0) return null;
  let below = 0;
  let wins = 0;
  let ties = 0;
  positives.forEach((positive, bin) => {
    wins += positive * below;
    ties += positive * negatives[bin];
    below += negatives[bin];
  });
  return { value: (wins + ties / 2) / (p * n), bound: ties / 2 / (p * n) };
}

/** Average precision with each score bin as one threshold (ties grouped, as sklearn groups equal scores). */
function binnedAveragePrecision(positives: number[], negatives: number[]): number | null {
  const total = positives.reduce((sum, value) => sum + value, 0);
  const all = total + negatives.reduce((sum, value) => sum + value, 0);
  if (total === 0 || total === all) return null;
  let truePositives = 0;
  let seen = 0;
  let previousRecall = 0;
  let sum = 0;
  for (let bin = positives.length - 1; bin >= 0; bin -= 1) {
    if (positives[bin] + negatives[bin] === 0) continue;
    truePositives += positives[bin];
    seen += positives[bin] + negatives[bin];
    const recall = truePositives / total;
    sum += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
  }
  return sum;
}

export type TFairnessPanel = TFairnessReport & {
  attribute: string;
  /** Share of each group given the favourable outcome (the negative label, e.g. "repay" → approve). */
  favourableRates: { group: string; rate: number | null }[];
  /** Lowest favourable rate ÷ highest (the four-fifths rule's ratio); null with fewer than two groups. */
  disparateImpact: number | null;
  /** 95 % interval of that ratio (Katz log method over the two groups' counts); null when undefined. */
  disparateImpactLower: number | null;
  disparateImpactUpper: number | null;
  /** Predictions in the window. */
  count: number;
};

export function fairnessPanels(summary: TWindowSummary): TFairnessPanel[] {
  return Object.entries(summary.groups).map(([attribute, counts]) => {
    const favourableRates = counts.map((group) => ({
      group: group.group,
      rate: group.count > 0 ? (group.count - group.predictedPositive) / group.count : null,
    }));
    const rated = counts.filter((group) => group.count > 0);
    const favourable = (group: (typeof counts)[number]) => (group.count - group.predictedPositive) / group.count;
    const lowest = rated.reduce<(typeof counts)[number] | null>(
      (best, group) => (best && favourable(best) <= favourable(group) ? best : group),
      null,
    );
    const highest = rated.reduce<(typeof counts)[number] | null>(
      (best, group) => (best && favourable(best) >= favourable(group) ? best : group),
      null,
    );
    const disparateImpact = rated.length >= 2 && highest && favourable(highest) > 0 ? favourable(lowest!) / favourable(highest) : null;
    const interval =
      disparateImpact !== null && lowest && highest
        ? ratioOfProportionsInterval({
            x1: lowest.count - lowest.predictedPositive,
            n1: lowest.count,
            x2: highest.count - highest.predictedPositive,
            n2: highest.count,
          })
        : null;
    return {
      attribute,
      ...fairnessFromCounts(counts),
      favourableRates,
      disparateImpact,
      disparateImpactLower: interval?.lower ?? null,
      disparateImpactUpper: interval?.upper ?? null,
      count: summary.count,
    };
  });
}

/**
 * The four-fifths rule on one window: breach only when the whole 95 % interval of the ratio is below
 * 0.8 (and the window has enough predictions); a point estimate below 0.8 alone is a warning.
 */
export function judgeDisparateImpact(
  panel: Pick<TFairnessPanel, "disparateImpact" | "disparateImpactLower" | "disparateImpactUpper" | "count">,
) {
  return judgeWindow({
    comparison: "lt",
    threshold: FOUR_FIFTHS,
    point: { value: panel.disparateImpact, lower: panel.disparateImpactLower, upper: panel.disparateImpactUpper, count: panel.count },
  });
}

export const FOUR_FIFTHS = 0.8;

/** Latency quantiles read off the log buckets: the upper edge of the bucket holding the quantile (≤ 10 % high). */
export function latencyPanel(summary: TWindowSummary) {
  const total = summary.latency.counts.reduce((sum, value) => sum + value, 0);
  const quantile = (q: number) => {
    if (total === 0) return null;
    let cumulative = 0;
    for (let bin = 0; bin < summary.latency.counts.length; bin += 1) {
      cumulative += summary.latency.counts[bin];
      if (cumulative >= q * total) return LATENCY_EDGES_MS[Math.min(bin, LATENCY_EDGES_MS.length - 1)];
    }
    return LATENCY_EDGES_MS[LATENCY_EDGES_MS.length - 1];
  };
  return {
    count: total,
    meanMs: total ? summary.latency.sum / total : null,
    p50Ms: quantile(0.5),
    p95Ms: quantile(0.95),
    p99Ms: quantile(0.99),
  };
}
