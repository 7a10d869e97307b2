// Confidence-based performance estimation (CBPE, NannyML) for binary classifiers: with
// calibrated probabilities p, row i is a positive with probability p_i, so every
// confusion-matrix cell has an expected value computable without labels.
// Reference: NannyML nannyml/performance_estimation/confidence_based/metrics.py
// (commit ba5d2636dd8c7561729587d6bbdfdc99e21bf92d): estimate_roc_auc, estimate_precision,
// estimate_recall, estimate_f1, accuracy estimate. Where NannyML returns NaN or 0 for an
// empty denominator, this module returns null (undefined is not zero).

export type TEstimatedPerformance = {
  accuracy: number | null;
  rocAuc: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
};

function assertProbabilities(scores: number[]): void {
  for (const score of scores) {
    if (!(score >= 0 && score <= 1)) throw new Error(`CBPE needs calibrated probabilities in [0, 1], got ${score}`);
  }
}

// numpy.round(x, 5): rint(x · 1e5) / 1e5, halves to even.
function roundLikeNumpy(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  const fraction = scaled - floor;
  const rounded = fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  return rounded / scale;
}

type TExpectedConfusion = { tp: number; fp: number; fn: number; tn: number };

// A score at or above the threshold is a positive prediction, as in computePerformance.
function expectedConfusion(scores: number[], threshold: number): TExpectedConfusion {
  const cells = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const p of scores) {
    if (p >= threshold) {
      cells.tp += p;
      cells.fp += 1 - p;
    } else {
      cells.fn += p;
      cells.tn += 1 - p;
    }
  }
  return cells;
}

/** CBPE accuracy: mean over rows of p when predicted positive, 1 − p otherwise; null without rows. */
export function estimateAccuracy(scores: number[], threshold: number): number | null {
  if (scores.length === 0) return null;
  assertProbabilities(scores);
  const { tp, tn } = expectedConfusion(scores, threshold);
  return (tp + tn) / scores.length;
}

/**
 * CBPE ROC AUC as NannyML's estimate_roc_auc: scores sorted descending, expected counts
 * E[TP] = cumsum p and E[FP] = cumsum (1 − p) from a (0, 0) start, rounded to 5 decimals as
 * NannyML does, TPR = E[TP] / Σp, FPR = E[FP] / Σ(1 − p), area by the trapezoid rule
 * (sklearn.metrics.auc). Tied scores form one threshold; NannyML walks them row by row, but
 * rows with equal p add equal steps, so their points are collinear and the area is the same.
 * Null without rows, or when Σp or Σ(1 − p) rounds to 0 (no expected positive or negative).
 */
export function estimateRocAuc(scores: number[]): number | null {
  if (scores.length === 0) return null;
  assertProbabilities(scores);
  const sorted = [...scores].sort((a, b) => b - a);
  const truePositives = [0];
  const falsePositives = [0];
  let cumulativeP = 0;
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[start]) end += 1;
    for (let k = start; k <= end; k += 1) cumulativeP += sorted[k];
    // NannyML: fps = 1 + arange(n) − tps, i.e. rows so far minus expected positives so far.
    truePositives.push(roundLikeNumpy(cumulativeP, 5));
    falsePositives.push(roundLikeNumpy(end + 1 - cumulativeP, 5));
    start = end + 1;
  }
  const totalPositive = truePositives[truePositives.length - 1];
  const totalNegative = falsePositives[falsePositives.length - 1];
  if (totalPositive <= 0 || totalNegative <= 0) return null;
  let area = 0;
  for (let k = 1; k < truePositives.length; k += 1) {
    const width = (falsePositives[k] - falsePositives[k - 1]) / totalNegative;
    area += (width * (truePositives[k] + truePositives[k - 1])) / (2 * totalPositive);
  }
  return area;
}

/** CBPE estimates from the expected confusion matrix (NannyML's estimate_* functions); null where a denominator is 0. */
export function estimatePerformance(scores: number[], threshold: number): TEstimatedPerformance {
  if (scores.length === 0) return { accuracy: null, rocAuc: null, precision: null, recall: null, f1: null };
  assertProbabilities(scores);
  const { tp, fp, fn, tn } = expectedConfusion(scores, threshold);
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  // NannyML's estimate_f1 is TP / (TP + ½(FP + FN)) = 2TP / (2TP + FP + FN), sklearn's f1_score: defined (0) whenever there
  // are expected positives or predicted positives, even when precision is not (nothing predicted positive); null only for 0/0.
  const f1 = tp + fp + fn > 0 ? tp / (tp + 0.5 * (fp + fn)) : null;
  return { accuracy: (tp + tn) / scores.length, rocAuc: estimateRocAuc(scores), precision, recall, f1 };
}
