import type { TMonitorStatus } from "../types/monitoring";
import { fairnessPanels, featureDriftPanels, latencyPanel, performancePanel } from "./panels";
import { emptyWindowSummary, mergeWindowSummaries, type TWindowLayout, type TWindowSummary } from "./window";
import type { TSketch } from "./sketch";
import { judgeDisparateImpact } from "./panels";
import { judgeWindow, type TComparison, type TWindowVerdict } from "./verdict";

export const MONITOR_RANGES = {
  "24h": { label: "24 hours", ms: 24 * 3_600_000, granularity: "hour" },
  "7d": { label: "7 days", ms: 7 * 86_400_000, granularity: "day" },
  "30d": { label: "30 days", ms: 30 * 86_400_000, granularity: "day" },
} as const;
export type TMonitorRange = keyof typeof MONITOR_RANGES;

/** The window a range starts at: whole hours (or days) so the first column is a full window. */
export function rangeStart(range: TMonitorRange, now: Date): Date {
  const { ms, granularity } = MONITOR_RANGES[range];
  const unit = granularity === "hour" ? 3_600_000 : 86_400_000;
  return new Date(Math.floor((now.getTime() - ms) / unit + 1) * unit);
}

/** A stored monitor result, as the dashboard reads it. */
export type TResultPoint = {
  kind: string;
  feature: string;
  groupName: string;
  statistic: string;
  start: string;
  value: number | null;
  threshold: number | null;
  status: TMonitorStatus;
  details: Record<string, unknown>;
};
type TCell = { start: string; value: number | null; status: TMonitorStatus };

/** A verdict with the figure it judged: the latest complete hour's (what alert rules judge) or the range's. */
export type TVerdict = TWindowVerdict & { value: number | null; lower: number | null; upper: number | null; count: number | null };

/** The rules the dashboard judges with, so its latest-hour badge and the alert on the same window cannot disagree. */
export type TJudgingRule = {
  metric: string;
  feature: string;
  groupName: string;
  comparison: TComparison;
  threshold: number;
  windowGranularity: string;
  enabled: boolean;
};

const DEFAULT_COMPARISON: Record<string, TComparison> = {
  "drift.wasserstein_normed": "gte",
  "drift.jensenshannon": "gte",
  "drift.drifted_share": "gte",
  "fairness.disparate_impact": "lt",
};

/**
 * The latest complete hour's verdict on one stored result, by judgeWindow with the model's enabled
 * hourly rule on the same metric, feature and group (the one the alert job evaluates), or the
 * stored threshold when there is none.
 */
export function judgeLatestHour({
  results,
  rules,
  kind,
  statistic,
  feature = "",
  groupName = "",
}: {
  results: TResultPoint[];
  rules: TJudgingRule[];
  kind: string;
  statistic: string;
  feature?: string;
  groupName?: string;
}): TVerdict | null {
  const metric = `${kind}.${statistic}`;
  const result = results.find(
    (candidate) =>
      candidate.kind === kind && candidate.statistic === statistic && candidate.feature === feature && candidate.groupName === groupName,
  );
  if (!result) return null;
  const volume = results.find((candidate) => candidate.kind === "volume" && candidate.statistic === "predictions");
  const rule = rules.find(
    (candidate) =>
      candidate.enabled &&
      candidate.windowGranularity === "hour" &&
      candidate.metric === metric &&
      candidate.feature === feature &&
      candidate.groupName === groupName,
  );
  const comparison = rule?.comparison ?? DEFAULT_COMPARISON[metric] ?? "gte";
  const threshold = rule?.threshold ?? result.threshold;
  const numberOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);
  const point = {
    value: result.value,
    lower: numberOrNull(result.details.lower),
    upper: numberOrNull(result.details.upper),
    count: numberOrNull(result.details.count) ?? volume?.value ?? null,
  };
  if (threshold === null) return { ...point, status: "unknown", supported: false, reason: "no threshold" };
  return { ...point, ...judgeWindow({ comparison, threshold, point }) };
}

export type TMonitoringDashboard = {
  range: TMonitorRange;
  granularity: "hour" | "day";
  windows: string[];
  rowCount: number;
  heatmap: {
    dataset: TCell[];
    features: { name: string; kind: string; statistic: string; cells: TCell[]; latestHour: TVerdict | null; range: TVerdict }[];
  };
  /** The latest complete hour (the window the alert rules judge), null when nothing is stored for it. */
  latestHour: { start: string; predictions: number | null; dataset: TVerdict | null } | null;
  feature: null | {
    name: string;
    statistic: string;
    threshold: number;
    note: string;
    series: { start: string; value: number | null; lower: number | null; upper: number | null }[];
    histogram: { bin: string; reference: number; current: number }[];
    range: { value: number | null; lower: number | null; upper: number | null; psi: number | null; drifted: boolean };
  };
  predictions: { start: string; meanScore: number | null; meanConfidence: number | null; scoreDistance: number | null }[];
  referenceMeanScore: number | null;
  referenceMeanConfidence: number | null;
  performance: {
    start: string;
    rocAuc: number | null;
    estimatedRocAuc: number | null;
    accuracy: number | null;
    estimatedAccuracy: number | null;
    labelled: number | null;
  }[];
  performanceTotals: ReturnType<typeof performancePanel>;
  fairness: {
    attribute: string;
    disparateImpact: number | null;
    /** The range's ratio with its 95 % interval, judged as the rule judges one window. */
    range: TVerdict;
    latestHour: TVerdict | null;
    referenceDisparateImpact: number | null;
    flags: string[];
    groups: {
      group: string;
      count: number;
      favourableRate: number | null;
      selectionRate: number | null;
      tpr: number | null;
      fpr: number | null;
    }[];
  }[];
  fairnessSeries: Record<string, number | null | string>[];
  latency: { start: string; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null; volume: number | null }[];
  latencyTotals: ReturnType<typeof latencyPanel>;
};

/**
 * Shapes a model version's dashboard: series and heat-map cells from the stored window results,
 * range-wide histograms, fairness bars and totals from the windows' merged summaries.
 */
export function buildDashboard({
  range,
  layout,
  referenceFeatures,
  referenceSorted,
  windows,
  results,
  selectedFeature,
  latestHour = null,
  rules = [],
}: {
  range: TMonitorRange;
  layout: TWindowLayout;
  referenceFeatures: Record<string, TSketch>;
  referenceSorted: Record<string, Float64Array>;
  windows: { start: string; summary: TWindowSummary }[];
  results: TResultPoint[];
  selectedFeature?: string;
  /** Hourly results of the latest complete hour, whatever the range's granularity. */
  latestHour?: { start: string; results: TResultPoint[] } | null;
  rules?: TJudgingRule[];
}): TMonitoringDashboard {
  const starts = [...new Set([...windows.map((window) => window.start), ...results.map((result) => result.start)])].sort();
  const index = new Map<string, TResultPoint>();
  for (const result of results)
    index.set(`${result.kind}|${result.statistic}|${result.feature}|${result.groupName}|${result.start}`, result);
  const at = (kind: string, statistic: string, start: string, feature = "", group = "") =>
    index.get(`${kind}|${statistic}|${feature}|${group}|${start}`);
  // A window stored as "unknown" (too few predictions) is a gap in the lines, not a point: its drift,
  // fairness and estimate figures are noise. Volume and latency are facts at any size.
  const value = (kind: string, statistic: string, start: string, feature = "", group = "") => {
    const point = at(kind, statistic, start, feature, group);
    return point && (point.status !== "unknown" || kind === "volume" || kind === "latency") ? point.value : null;
  };
  const cell = (point: TResultPoint | undefined, start: string): TCell => ({
    start,
    value: point?.value ?? null,
    status: point?.status ?? "unknown",
  });

  const merged = windows.reduce((sum, window) => mergeWindowSummaries(sum, window.summary), emptyWindowSummary(layout));
  const drift = featureDriftPanels({ layout, reference: referenceFeatures, current: merged.features, referenceSorted });
  const statisticOf = (kind: string) => (kind === "numerical" ? "wasserstein_normed" : "jensenshannon");
  const chosen = drift.find((feature) => feature.name === selectedFeature) ?? drift.find((feature) => feature.drifted) ?? drift[0];

  const fairness = fairnessPanels(merged).map((panel) => {
    const latest = [...starts]
      .reverse()
      .map((start) => at("fairness", "disparate_impact", start, "", panel.attribute))
      .find(Boolean);
    return {
      attribute: panel.attribute,
      disparateImpact: panel.disparateImpact,
      range: {
        value: panel.disparateImpact,
        lower: panel.disparateImpactLower,
        upper: panel.disparateImpactUpper,
        count: panel.count,
        ...judgeDisparateImpact(panel),
      },
      latestHour: latestHour
        ? judgeLatestHour({
            results: latestHour.results,
            rules,
            kind: "fairness",
            statistic: "disparate_impact",
            groupName: panel.attribute,
          })
        : null,
      referenceDisparateImpact: (latest?.details.reference as number | null | undefined) ?? null,
      flags: panel.flags,
      groups: panel.groups.map((group) => ({
        group: group.group,
        count: group.count,
        selectionRate: group.selectionRate,
        tpr: group.tpr,
        fpr: group.fpr,
        favourableRate: panel.favourableRates.find((entry) => entry.group === group.group)?.rate ?? null,
      })),
    };
  });
  const firstPrediction = starts.map((start) => at("prediction_drift", "mean_score", start)).find(Boolean);
  const firstConfidence = starts.map((start) => at("prediction_drift", "mean_confidence", start)).find(Boolean);

  return {
    range,
    granularity: MONITOR_RANGES[range].granularity,
    windows: starts,
    rowCount: merged.count,
    heatmap: {
      dataset: starts.map((start) => cell(at("drift", "drifted_share", start), start)),
      features: layout.features.map((feature) => {
        const summary = drift.find((candidate) => candidate.name === feature.name)!;
        return {
          name: feature.name,
          kind: feature.kind,
          statistic: statisticOf(feature.kind),
          cells: starts.map((start) => cell(at("drift", statisticOf(feature.kind), start, feature.name), start)),
          latestHour: latestHour
            ? judgeLatestHour({
                results: latestHour.results,
                rules,
                kind: "drift",
                statistic: statisticOf(feature.kind),
                feature: feature.name,
              })
            : null,
          range: {
            value: summary.statistic,
            lower: summary.lower,
            upper: summary.upper,
            count: summary.count,
            status: summary.status,
            supported: summary.drifted,
            reason: summary.reason,
          },
        };
      }),
    },
    latestHour: latestHour
      ? {
          start: latestHour.start,
          predictions: latestHour.results.find((result) => result.kind === "volume" && result.statistic === "predictions")?.value ?? null,
          dataset: judgeLatestHour({ results: latestHour.results, rules, kind: "drift", statistic: "drifted_share" }),
        }
      : null,
    feature: chosen
      ? {
          name: chosen.name,
          statistic: statisticOf(chosen.kind),
          threshold: chosen.threshold,
          note: chosen.note,
          histogram: chosen.histogram,
          range: { value: chosen.statistic, lower: chosen.lower, upper: chosen.upper, psi: chosen.psi, drifted: chosen.drifted },
          series: starts.map((start) => {
            const point = at("drift", statisticOf(chosen.kind), start, chosen.name);
            if (!point || point.status === "unknown") return { start, value: null, lower: null, upper: null };
            return {
              start,
              value: point.value,
              lower: (point.details.lower as number | null | undefined) ?? null,
              upper: (point.details.upper as number | null | undefined) ?? null,
            };
          }),
        }
      : null,
    predictions: starts.map((start) => ({
      start,
      meanScore: value("prediction_drift", "mean_score", start),
      meanConfidence: value("prediction_drift", "mean_confidence", start),
      scoreDistance: value("prediction_drift", "score_jensenshannon", start),
    })),
    referenceMeanScore: (firstPrediction?.details.reference as number | null | undefined) ?? null,
    referenceMeanConfidence: (firstConfidence?.details.reference as number | null | undefined) ?? null,
    performance: starts.map((start) => ({
      start,
      rocAuc: value("performance", "roc_auc", start),
      estimatedRocAuc: value("performance", "estimated_roc_auc", start),
      accuracy: value("performance", "accuracy", start),
      estimatedAccuracy: value("performance", "estimated_accuracy", start),
      labelled: (at("performance", "roc_auc", start)?.details.labelled as number | undefined) ?? null,
    })),
    performanceTotals: performancePanel(merged),
    fairness,
    fairnessSeries: starts.map((start) => ({
      start,
      ...Object.fromEntries(fairness.map((panel) => [panel.attribute, value("fairness", "disparate_impact", start, "", panel.attribute)])),
    })),
    latency: starts.map((start) => ({
      start,
      p50Ms: value("latency", "p50_ms", start),
      p95Ms: value("latency", "p95_ms", start),
      p99Ms: value("latency", "p99_ms", start),
      volume: value("volume", "predictions", start),
    })),
    latencyTotals: latencyPanel(merged),
  };
}
