// The CLI's statistics output: the JSON objects of the monitoring issue (exactly its keys, null where
// a value is undefined) and aligned tables for people.
import type { TDriftReport, TFeatureDrift } from "@/lib/stats/drift";
import type { TFairnessReport } from "@/lib/stats/fairness";
import type { TPerformance } from "@/lib/stats/performance";

/** A feature in the drift JSON: the report's own shape (`reason` only where statistic or pValue is null). */
type TDriftFeatureJson = TFeatureDrift;
export type TDriftJson = { features: TDriftFeatureJson[]; driftedShare: number; datasetDrift: boolean };
export type TFairnessJson = {
  groups: { group: string; count: number; selectionRate: number | null; tpr: number | null; fpr: number | null; accuracy: number | null }[];
  demographicParityDifference: number | null;
  demographicParityRatio: number | null;
  equalizedOddsDifference: number | null;
  equalOpportunityDifference: number | null;
  disparateImpactRatio: number | null;
};
export type TPerformanceJson = { [K in keyof TPerformance]: number | null };

/** JSON has no NaN or ∞: a value without a finite definition is null. */
const finiteOrNull = (value: number | null | undefined): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

/** The drift JSON: per feature name, kind, test, statistic, pValue, threshold, drifted (+ reason for a null), then the verdict. */
export function toDriftJson(report: TDriftReport): TDriftJson {
  return {
    features: report.features.map((feature) => {
      const statistic = finiteOrNull(feature.statistic);
      const pValue = finiteOrNull(feature.pValue);
      const out: TDriftFeatureJson = {
        name: feature.name,
        kind: feature.kind,
        test: feature.test,
        statistic,
        pValue,
        threshold: feature.threshold,
        drifted: feature.drifted,
      };
      if (feature.reason !== undefined && (statistic === null || pValue === null)) out.reason = feature.reason;
      return out;
    }),
    driftedShare: report.driftedShare,
    datasetDrift: report.datasetDrift,
  };
}

/** The fairness JSON: the per-group table and the five summary metrics, without the flags. */
export function toFairnessJson(report: TFairnessReport): TFairnessJson {
  return {
    groups: report.groups.map((group) => ({
      group: group.group,
      count: group.count,
      selectionRate: finiteOrNull(group.selectionRate),
      tpr: finiteOrNull(group.tpr),
      fpr: finiteOrNull(group.fpr),
      accuracy: finiteOrNull(group.accuracy),
    })),
    demographicParityDifference: finiteOrNull(report.demographicParityDifference),
    demographicParityRatio: finiteOrNull(report.demographicParityRatio),
    equalizedOddsDifference: finiteOrNull(report.equalizedOddsDifference),
    equalOpportunityDifference: finiteOrNull(report.equalOpportunityDifference),
    disparateImpactRatio: finiteOrNull(report.disparateImpactRatio),
  };
}

/** The performance JSON, keys in the order. */
export function toPerformanceJson(performance: TPerformance): TPerformanceJson {
  return {
    rocAuc: finiteOrNull(performance.rocAuc),
    averagePrecision: finiteOrNull(performance.averagePrecision),
    brier: finiteOrNull(performance.brier),
    logLoss: finiteOrNull(performance.logLoss),
    accuracy: finiteOrNull(performance.accuracy),
    precision: finiteOrNull(performance.precision),
    recall: finiteOrNull(performance.recall),
    f1: finiteOrNull(performance.f1),
    ece: finiteOrNull(performance.ece),
  };
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/** Four significant digits; exponent form below 0.001 so a tiny p-value stays visible; "-" for null. */
export function formatStatistic(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "-";
  if (value === 0 || (Number.isInteger(value) && Math.abs(value) < 1e6)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 0.001 && magnitude < 1e6) return String(Number(value.toPrecision(4)));
  return value.toExponential(3);
}

const formatShare = (value: number) => `${(value * 100).toFixed(1)}%`;

/** Columns padded to their widest cell; numeric columns (right: true) aligned right. */
export function formatTable(header: string[], rows: string[][], right: boolean[] = []): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (right[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatDriftReport(report: TDriftReport, datasetShare = 0.5): string {
  const rows = report.features.map((feature) => [
    feature.name,
    feature.kind,
    feature.test,
    formatStatistic(feature.statistic),
    formatStatistic(feature.pValue),
    formatStatistic(feature.threshold),
    feature.drifted ? "DRIFT" : "no",
  ]);
  const lines = [
    formatTable(["FEATURE", "KIND", "TEST", "STATISTIC", "P-VALUE", "THRESHOLD", "DRIFTED"], rows, [
      false,
      false,
      false,
      true,
      true,
      true,
      false,
    ]),
  ];
  const notes = report.features.filter((feature) => feature.reason !== undefined).map((feature) => `  ${feature.name}: ${feature.reason}`);
  if (notes.length > 0) lines.push("", "Notes:", ...notes);
  const drifted = report.features.filter((feature) => feature.drifted).length;
  lines.push(
    "",
    `Dataset drift: ${report.datasetDrift ? "YES" : "no"} (${drifted} of ${report.features.length} features drifted, ${formatShare(report.driftedShare)}; the dataset drifts from ${formatShare(datasetShare)})`,
  );
  return lines.join("\n");
}

export function formatFairnessReport(report: TFairnessReport, input: { group: string; privileged?: string }): string {
  const rows = report.groups.map((group) => [
    group.group + (group.group === input.privileged ? " (privileged)" : ""),
    String(group.count),
    formatStatistic(group.selectionRate),
    formatStatistic(group.tpr),
    formatStatistic(group.fpr),
    formatStatistic(group.accuracy),
  ]);
  const summary: [string, number | null][] = [
    ["demographic parity difference", report.demographicParityDifference],
    ["demographic parity ratio", report.demographicParityRatio],
    ["equalized odds difference", report.equalizedOddsDifference],
    ["equal opportunity difference", report.equalOpportunityDifference],
    ["disparate impact ratio", report.disparateImpactRatio],
  ];
  const lines = [
    formatTable([input.group.toUpperCase(), "COUNT", "SELECTION", "TPR", "FPR", "ACCURACY"], rows, [false, true, true, true, true, true]),
    "",
    formatTable(
      ["METRIC", "VALUE"],
      summary.map(([name, value]) => [name, formatStatistic(value)]),
      [false, true],
    ),
  ];
  if (report.flags.length > 0) lines.push("", "Notes:", ...report.flags.map((flag) => `  ${flag}`));
  return lines.join("\n");
}

const PERFORMANCE_LABELS: [keyof TPerformance, string][] = [
  ["rocAuc", "ROC AUC"],
  ["averagePrecision", "average precision"],
  ["brier", "Brier score"],
  ["logLoss", "log loss"],
  ["accuracy", "accuracy"],
  ["precision", "precision"],
  ["recall", "recall"],
  ["f1", "F1"],
  ["ece", "ECE (10 bins)"],
];

export function formatPerformanceReport(performance: TPerformance, input: { rows: number; threshold: number }): string {
  const rows = PERFORMANCE_LABELS.map(([key, label]) => [label, formatStatistic(performance[key])]);
  const notes: string[] = [];
  if (performance.precision === null)
    notes.push(`  precision undefined: no score reaches the threshold ${input.threshold} (F1 = 2TP / (2TP + FP + FN) is 0)`);
  const lines = [formatTable(["METRIC", "VALUE"], rows, [false, true]), "", `${input.rows} rows; a score ≥ ${input.threshold} predicts 1.`];
  if (notes.length > 0) lines.push("", "Notes:", ...notes);
  return lines.join("\n");
}
