import { jensenShannonFromCounts } from "./sketch";
import {
  datasetDrift,
  fairnessPanels,
  featureDriftPanels,
  latencyPanel,
  FOUR_FIFTHS,
  judgeDisparateImpact,
  performancePanel,
  statusOfDistance,
} from "./panels";
import type { TMonitorStatus } from "../types/monitoring";
import type { TWindowLayout, TWindowSummary } from "./window";

export type TWindowStatistic = {
  kind: "drift" | "prediction_drift" | "fairness" | "performance" | "latency" | "volume";
  feature?: string;
  groupName?: string;
  statistic: string;
  value: number | null;
  threshold: number | null;
  status: TMonitorStatus;
  details?: Record<string, unknown>;
};

/**
 * Below this many rows a window's drift and fairness figures are noise (normed Wasserstein
 * between undrifted demo samples of 60 rows reaches 0.2, twice the threshold): stored as "unknown".
 */
const MIN_WINDOW_ROWS = 200;

/**
 * Every statistic of one window against the version's reference (itself summarised by the same
 * model on its reference sample): per-feature drift and the dataset verdict, prediction drift and
 * mean confidence, realized and estimated performance, fairness per sensitive attribute, latency, volume.
 */
export function windowStatistics({
  layout,
  reference,
  current,
  referenceSorted,
}: {
  layout: TWindowLayout;
  reference: TWindowSummary;
  current: TWindowSummary;
  referenceSorted: Record<string, Float64Array>;
}): TWindowStatistic[] {
  const enough = current.count >= MIN_WINDOW_ROWS;
  const gate = (status: TMonitorStatus): TMonitorStatus => (enough ? status : "unknown");
  const out: TWindowStatistic[] = [{ kind: "volume", statistic: "predictions", value: current.count, threshold: null, status: "ok" }];

  const features = featureDriftPanels({ layout, reference: reference.features, current: current.features, referenceSorted });
  for (const feature of features) {
    out.push({
      kind: "drift",
      feature: feature.name,
      statistic: feature.test === "wasserstein" ? "wasserstein_normed" : "jensenshannon",
      value: feature.statistic,
      threshold: feature.threshold,
      status: gate(feature.status),
      details: {
        lower: feature.lower,
        upper: feature.upper,
        count: feature.count,
        reason: feature.reason,
        psi: feature.psi,
        note: feature.note,
        drifted: feature.drifted,
      },
    });
  }
  const verdict = datasetDrift(features);
  out.push({
    kind: "drift",
    statistic: "drifted_share",
    value: verdict.driftedShare,
    threshold: 0.5,
    status: gate(verdict.status),
    details: { datasetDrift: verdict.datasetDrift },
  });

  const scoreDrift = jensenShannonFromCounts(
    Object.fromEntries(reference.scores.counts.map((count, bin) => [bin, count])),
    Object.fromEntries(current.scores.counts.map((count, bin) => [bin, count])),
  );
  out.push({
    kind: "prediction_drift",
    statistic: "score_jensenshannon",
    value: scoreDrift,
    threshold: 0.1,
    status: gate(statusOfDistance(scoreDrift, 0.1)),
    details: { note: "Jensen–Shannon distance between score histograms (100 bins) of this window and the reference" },
  });
  const performance = performancePanel(current);
  const referencePerformance = performancePanel(reference);
  out.push({
    kind: "prediction_drift",
    statistic: "mean_score",
    value: performance.meanScore,
    threshold: null,
    status: "ok",
    details: { reference: referencePerformance.meanScore },
  });
  out.push({
    kind: "prediction_drift",
    statistic: "mean_confidence",
    value: performance.meanConfidence,
    threshold: null,
    status: "ok",
    details: { reference: referencePerformance.meanConfidence },
  });

  // Realized performance is judged against the reference's own figure: a drop of 0.05 warns, 0.1 breaches.
  const judge = (value: number | null, baseline: number | null): TMonitorStatus => {
    if (value === null || baseline === null) return "unknown";
    if (value <= baseline - 0.1) return "breach";
    return value <= baseline - 0.05 ? "warning" : "ok";
  };
  for (const metric of ["rocAuc", "accuracy"] as const) {
    const name = metric === "rocAuc" ? "roc_auc" : "accuracy";
    const baseline = referencePerformance.realized[metric];
    out.push({
      kind: "performance",
      statistic: name,
      value: performance.realized[metric],
      threshold: baseline === null ? null : baseline - 0.1,
      status: judge(performance.realized[metric], baseline),
      details: {
        labelled: performance.labelled,
        reference: baseline,
        ...(metric === "rocAuc" ? { bound: performance.realized.rocAucBound } : {}),
      },
    });
    out.push({
      kind: "performance",
      statistic: `estimated_${name}`,
      value: performance.estimated[metric],
      threshold: baseline === null ? null : baseline - 0.1,
      status: gate(judge(performance.estimated[metric], baseline)),
      details: { method: "CBPE", reference: baseline },
    });
  }
  for (const metric of ["precision", "recall", "f1", "brier", "logLoss", "ece"] as const) {
    out.push({
      kind: "performance",
      statistic: metric === "logLoss" ? "log_loss" : metric,
      value: performance.realized[metric],
      threshold: null,
      status: performance.realized[metric] === null ? "unknown" : "ok",
      details: { labelled: performance.labelled },
    });
  }

  const referenceFairness = new Map(fairnessPanels(reference).map((panel) => [panel.attribute, panel]));
  for (const panel of fairnessPanels(current)) {
    const before = referenceFairness.get(panel.attribute);
    const verdict = judgeDisparateImpact(panel);
    out.push({
      kind: "fairness",
      groupName: panel.attribute,
      statistic: "disparate_impact",
      value: panel.disparateImpact,
      threshold: FOUR_FIFTHS,
      status: gate(verdict.status),
      details: {
        lower: panel.disparateImpactLower,
        upper: panel.disparateImpactUpper,
        count: panel.count,
        reason: verdict.reason,
        reference: before?.disparateImpact ?? null,
        demographicParityDifference: panel.demographicParityDifference,
        equalizedOddsDifference: panel.equalizedOddsDifference,
        flags: panel.flags,
      },
    });
    for (const group of panel.groups) {
      const favourable = panel.favourableRates.find((entry) => entry.group === group.group)?.rate ?? null;
      const groupName = `${panel.attribute}=${group.group}`;
      out.push({
        kind: "fairness",
        groupName,
        statistic: "favourable_rate",
        value: favourable,
        threshold: null,
        status: "ok",
        details: { count: group.count },
      });
      out.push({
        kind: "fairness",
        groupName,
        statistic: "share",
        value: current.count ? group.count / current.count : null,
        threshold: null,
        status: "ok",
      });
      out.push({
        kind: "fairness",
        groupName,
        statistic: "tpr",
        value: group.tpr,
        threshold: null,
        status: group.tpr === null ? "unknown" : "ok",
        details: { flags: group.flags },
      });
      out.push({
        kind: "fairness",
        groupName,
        statistic: "fpr",
        value: group.fpr,
        threshold: null,
        status: group.fpr === null ? "unknown" : "ok",
        details: { flags: group.flags },
      });
    }
  }

  const latency = latencyPanel(current);
  for (const [statistic, value] of [
    ["p50_ms", latency.p50Ms],
    ["p95_ms", latency.p95Ms],
    ["p99_ms", latency.p99Ms],
  ] as const) {
    out.push({
      kind: "latency",
      statistic,
      value,
      threshold: null,
      status: value === null ? "unknown" : "ok",
      details: { note: "upper edge of a 10 % log bucket" },
    });
  }
  return out;
}
