import type { TInputSchema } from "../registry/input-schema";
import type { TReferenceProfile } from "../registry/reference-data";
import { countByGroup, mergeGroupCounts, type TGroupCounts } from "../stats/fairness";
import {
  addNumeric,
  emptyNumericSketch,
  mergeSketches,
  numericEdges,
  sketchCategorical,
  sketchNumeric,
  type TCategoricalSketch,
  type TNumericSketch,
  type TSketch,
} from "./sketch";

/**
 * How a version's windows are summarised: one entry per feature (model inputs by tensor index,
 * context attributes by name) with its bin edges, fixed at the version's reference data so every
 * window of that version can be merged with every other.
 */
type TFeatureLayout =
  | { name: string; kind: "numerical"; source: "input" | "attribute"; index: number; edges: number[]; sensitive: boolean }
  | { name: string; kind: "categorical"; source: "attribute"; sensitive: boolean };
export type TWindowLayout = { features: TFeatureLayout[]; threshold: number; referenceRows: number };

export function buildWindowLayout({
  schema,
  profile,
  threshold,
}: {
  schema: TInputSchema;
  profile: TReferenceProfile;
  threshold: number;
}): TWindowLayout {
  let inputIndex = 0;
  const features = schema.features.map((feature): TFeatureLayout => {
    const index = feature.modelInput ? inputIndex++ : -1;
    const values = profile.columns[feature.name] ?? [];
    if (feature.type === "categorical" || (!feature.modelInput && feature.type === "boolean")) {
      return { name: feature.name, kind: "categorical", source: "attribute", sensitive: feature.sensitive };
    }
    return {
      name: feature.name,
      kind: "numerical",
      source: feature.modelInput ? "input" : "attribute",
      index,
      edges: numericEdges(values.map(Number)),
      sensitive: feature.sensitive,
    };
  });
  return { features, threshold, referenceRows: profile.rowCount };
}

/** Fixed, log-spaced latency buckets (ratio 1.1 from 0.05 ms): a quantile read off them is within 10 %. */
export const LATENCY_EDGES_MS = Array.from({ length: 150 }, (_, index) => 0.05 * 1.1 ** index);
const SCORE_BINS = 100;
const CALIBRATION_BINS = 10;

/** What a window keeps: everything a drift, performance, fairness or latency panel needs, all of it additive. */
export type TWindowSummary = {
  count: number;
  features: Record<string, TSketch>;
  /** Probabilities of every row in 100 equal-width bins, with the sum of the probabilities per bin (for the label-free estimate). */
  scores: { counts: number[]; sums: number[]; confidenceSum: number; expected: { tp: number; fp: number; tn: number; fn: number } };
  /** Rows with a known outcome: confusion at the threshold, loss sums, scores per true class and calibration bins. */
  labelled: {
    count: number;
    tp: number;
    fp: number;
    tn: number;
    fn: number;
    brierSum: number;
    logLossSum: number;
    positives: number[];
    negatives: number[];
    calibration: { counts: number[]; labelSums: number[]; scoreSums: number[] };
  };
  /** Confusion counts per group of each sensitive attribute (predicted = the positive label). */
  groups: Record<string, TGroupCounts[]>;
  latency: { counts: number[]; sum: number };
};

export type TWindowRow = {
  features: ArrayLike<number>;
  attributes: Record<string, string | number | boolean>;
  probability: number;
  confidence: number;
  latencyMs: number;
  /** 1 / 0 when the outcome is known, null before it arrives. */
  label: 0 | 1 | null;
};

export function emptyWindowSummary(layout: TWindowLayout): TWindowSummary {
  return {
    count: 0,
    features: Object.fromEntries(
      layout.features.map((feature) => [
        feature.name,
        feature.kind === "numerical" ? emptyNumericSketch(feature.edges) : sketchCategorical([]),
      ]),
    ),
    scores: {
      counts: new Array(SCORE_BINS).fill(0),
      sums: new Array(SCORE_BINS).fill(0),
      confidenceSum: 0,
      expected: { tp: 0, fp: 0, tn: 0, fn: 0 },
    },
    labelled: {
      count: 0,
      tp: 0,
      fp: 0,
      tn: 0,
      fn: 0,
      brierSum: 0,
      logLossSum: 0,
      positives: new Array(SCORE_BINS).fill(0),
      negatives: new Array(SCORE_BINS).fill(0),
      calibration: {
        counts: new Array(CALIBRATION_BINS).fill(0),
        labelSums: new Array(CALIBRATION_BINS).fill(0),
        scoreSums: new Array(CALIBRATION_BINS).fill(0),
      },
    },
    groups: Object.fromEntries(layout.features.filter((feature) => feature.sensitive).map((feature) => [feature.name, []])),
    latency: { counts: new Array(LATENCY_EDGES_MS.length + 1).fill(0), sum: 0 },
  };
}

const scoreBin = (probability: number, bins: number) => Math.min(bins - 1, Math.max(0, Math.floor(probability * bins)));
// sklearn 1.2's log_loss (eps='auto') clips probabilities to [ε, 1 − ε], ε = float64 machine epsilon.
const LOG_LOSS_EPSILON = Number.EPSILON;

/** Summarises one window's predictions (with their outcomes where known). */
export function summarizeWindow(layout: TWindowLayout, rows: TWindowRow[]): TWindowSummary {
  const summary = emptyWindowSummary(layout);
  summary.count = rows.length;
  for (const feature of layout.features) {
    if (feature.kind === "numerical") {
      const sketch = summary.features[feature.name] as TNumericSketch;
      for (const row of rows) {
        const value = feature.source === "input" ? row.features[feature.index] : Number(row.attributes[feature.name]);
        if (Number.isFinite(value)) addNumeric(sketch, feature.edges, value);
      }
    } else {
      summary.features[feature.name] = sketchCategorical(
        rows.filter((row) => row.attributes[feature.name] !== undefined).map((row) => row.attributes[feature.name]),
      );
    }
  }
  const { scores, labelled } = summary;
  for (const row of rows) {
    const p = row.probability;
    const predicted = p >= layout.threshold;
    const bin = scoreBin(p, SCORE_BINS);
    scores.counts[bin] += 1;
    scores.sums[bin] += p;
    scores.confidenceSum += row.confidence;
    // The label-free estimate's expected confusion matrix: a calibrated p is P(label = 1).
    if (predicted) {
      scores.expected.tp += p;
      scores.expected.fp += 1 - p;
    } else {
      scores.expected.fn += p;
      scores.expected.tn += 1 - p;
    }
    summary.latency.counts[latencyBin(row.latencyMs)] += 1;
    summary.latency.sum += row.latencyMs;
    if (row.label === null) continue;
    labelled.count += 1;
    if (predicted && row.label === 1) labelled.tp += 1;
    else if (predicted) labelled.fp += 1;
    else if (row.label === 1) labelled.fn += 1;
    else labelled.tn += 1;
    labelled.brierSum += (p - row.label) ** 2;
    const clipped = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p));
    labelled.logLossSum -= row.label * Math.log(clipped) + (1 - row.label) * Math.log(1 - clipped);
    (row.label === 1 ? labelled.positives : labelled.negatives)[bin] += 1;
    const calibrationBin = scoreBin(p, CALIBRATION_BINS);
    labelled.calibration.counts[calibrationBin] += 1;
    labelled.calibration.labelSums[calibrationBin] += row.label;
    labelled.calibration.scoreSums[calibrationBin] += p;
  }
  for (const attribute of Object.keys(summary.groups)) {
    summary.groups[attribute] = countByGroup(
      rows
        .filter((row) => row.attributes[attribute] !== undefined)
        .map((row) => ({
          group: String(row.attributes[attribute]),
          predicted: row.probability >= layout.threshold ? 1 : 0,
          label: row.label,
        })),
    );
  }
  return summary;
}

function latencyBin(latencyMs: number): number {
  let bin = 0;
  while (bin < LATENCY_EDGES_MS.length && latencyMs >= LATENCY_EDGES_MS[bin]) bin += 1;
  return bin;
}

const addArrays = (a: number[], b: number[]) => a.map((value, index) => value + b[index]);

/** The summary of two windows together; merging is associative, so any range of windows folds into one. */
export function mergeWindowSummaries(a: TWindowSummary, b: TWindowSummary): TWindowSummary {
  const features: Record<string, TSketch> = { ...a.features };
  for (const [name, sketch] of Object.entries(b.features)) features[name] = features[name] ? mergeSketches(features[name], sketch) : sketch;
  const groups: Record<string, TGroupCounts[]> = { ...a.groups };
  for (const [attribute, counts] of Object.entries(b.groups)) groups[attribute] = mergeGroupCounts(groups[attribute] ?? [], counts);
  const la = a.labelled;
  const lb = b.labelled;
  return {
    count: a.count + b.count,
    features,
    scores: {
      counts: addArrays(a.scores.counts, b.scores.counts),
      sums: addArrays(a.scores.sums, b.scores.sums),
      confidenceSum: a.scores.confidenceSum + b.scores.confidenceSum,
      expected: {
        tp: a.scores.expected.tp + b.scores.expected.tp,
        fp: a.scores.expected.fp + b.scores.expected.fp,
        tn: a.scores.expected.tn + b.scores.expected.tn,
        fn: a.scores.expected.fn + b.scores.expected.fn,
      },
    },
    labelled: {
      count: la.count + lb.count,
      tp: la.tp + lb.tp,
      fp: la.fp + lb.fp,
      tn: la.tn + lb.tn,
      fn: la.fn + lb.fn,
      brierSum: la.brierSum + lb.brierSum,
      logLossSum: la.logLossSum + lb.logLossSum,
      positives: addArrays(la.positives, lb.positives),
      negatives: addArrays(la.negatives, lb.negatives),
      calibration: {
        counts: addArrays(la.calibration.counts, lb.calibration.counts),
        labelSums: addArrays(la.calibration.labelSums, lb.calibration.labelSums),
        scoreSums: addArrays(la.calibration.scoreSums, lb.calibration.scoreSums),
      },
    },
    groups,
    latency: { counts: addArrays(a.latency.counts, b.latency.counts), sum: a.latency.sum + b.latency.sum },
  };
}

/** The reference data summarised in the same layout, so panels compare like with like. */
export function sketchReferenceFeatures(layout: TWindowLayout, profile: TReferenceProfile): Record<string, TSketch> {
  return Object.fromEntries(
    layout.features.map((feature) => {
      const values = profile.columns[feature.name] ?? [];
      const sketch: TNumericSketch | TCategoricalSketch =
        feature.kind === "numerical" ? sketchNumeric(values.map(Number), feature.edges) : sketchCategorical(values);
      return [feature.name, sketch];
    }),
  );
}

/** The reference sample as window rows (scored by the version's own model), so it summarises like any window. */
export function referenceWindowRows({
  schema,
  profile,
  scores,
}: {
  schema: TInputSchema;
  profile: TReferenceProfile;
  scores: number[];
}): TWindowRow[] {
  const inputs = schema.features.filter((feature) => feature.modelInput);
  // Categorical model inputs (string tensors) are summarised by name from the attributes, as served predictions keep them.
  const context = schema.features.filter((feature) => !feature.modelInput || feature.type === "categorical");
  return scores.map((probability, index) => ({
    features: inputs.map((feature) => Number(profile.columns[feature.name]?.[index])),
    attributes: Object.fromEntries(
      context.filter((feature) => profile.columns[feature.name]).map((feature) => [feature.name, profile.columns[feature.name][index]]),
    ),
    probability,
    confidence: Math.max(probability, 1 - probability),
    latencyMs: 0,
    label: profile.labels ? profile.labels[index] : null,
  }));
}
