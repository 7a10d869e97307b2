/** Classification metrics as scikit-learn computes them (roc_auc_score, average_precision_score, brier_score_loss, log_loss). */
export type TPerformance = {
  rocAuc: number | null;
  averagePrecision: number | null;
  brier: number;
  logLoss: number;
  accuracy: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  ece: number;
};

/** ROC AUC as the Mann–Whitney U statistic with average ranks for ties (= sklearn roc_auc_score); null with one class. */
export function rocAuc(labels: number[], scores: number[]): number | null {
  const positives = labels.filter((label) => label === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = scores.map((score, index) => ({ score, index })).sort((a, b) => a.score - b.score);
  let rankSumPositive = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].score === order[start].score) end += 1;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) if (labels[order[k].index] === 1) rankSumPositive += averageRank;
    start = end + 1;
  }
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision Σ (R_n − R_{n−1}) P_n over distinct score thresholds (= sklearn
 * average_precision_score): 1 when every label is positive (precision is 1 everywhere), null with
 * no positive (recall is undefined; sklearn warns and returns 0).
 */
export function averagePrecision(labels: number[], scores: number[]): number | null {
  const positives = labels.filter((label) => label === 1).length;
  if (positives === 0) return null;
  if (positives === labels.length) return 1;
  const order = scores.map((score, index) => ({ score, label: labels[index] })).sort((a, b) => b.score - a.score);
  let truePositives = 0;
  let seen = 0;
  let previousRecall = 0;
  let sum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].score === order[start].score) end += 1;
    for (let k = start; k <= end; k += 1) truePositives += order[k].label;
    seen = end + 1;
    const recall = truePositives / positives;
    sum += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
    start = end + 1;
  }
  return sum;
}

/** Expected calibration error with 10 equal-width bins [0, 0.1), …, [0.9, 1.0] (the last bin closed). */
export function expectedCalibrationError(labels: number[], scores: number[], bins = 10): number {
  const counts = new Array(bins).fill(0);
  const labelSums = new Array(bins).fill(0);
  const scoreSums = new Array(bins).fill(0);
  scores.forEach((score, index) => {
    const bin = Math.min(bins - 1, Math.floor(score * bins));
    counts[bin] += 1;
    labelSums[bin] += labels[index];
    scoreSums[bin] += score;
  });
  return counts.reduce(
    (sum, count, bin) => (count === 0 ? sum : sum + (count / scores.length) * Math.abs(labelSums[bin] / count - scoreSums[bin] / count)),
    0,
  );
}

/** Every metric at once; a score at or above the threshold is a positive prediction. */
export function computePerformance({ labels, scores, threshold }: { labels: number[]; scores: number[]; threshold: number }): TPerformance {
  const count = labels.length;
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0,
    brier = 0,
    logLoss = 0;
  // sklearn 1.2's log_loss (eps='auto') clips probabilities to [ε, 1 − ε] with ε the float64 machine epsilon.
  const epsilon = Number.EPSILON;
  scores.forEach((score, index) => {
    const label = labels[index];
    const predicted = score >= threshold ? 1 : 0;
    if (predicted === 1 && label === 1) tp += 1;
    else if (predicted === 1) fp += 1;
    else if (label === 1) fn += 1;
    else tn += 1;
    brier += (score - label) ** 2;
    const clipped = Math.min(1 - epsilon, Math.max(epsilon, score));
    logLoss -= label * Math.log(clipped) + (1 - label) * Math.log(1 - clipped);
  });
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  // sklearn's f1_score is 2TP / (2TP + FP + FN), defined (0) even when precision is not, e.g. with no
  // predicted positive; only with TP + FP + FN = 0 is it 0/0 (sklearn warns, zero_division) and null here.
  const f1 = tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null;
  return {
    rocAuc: rocAuc(labels, scores),
    averagePrecision: averagePrecision(labels, scores),
    brier: brier / count,
    logLoss: logLoss / count,
    accuracy: (tp + tn) / count,
    precision,
    recall,
    f1,
    ece: expectedCalibrationError(labels, scores),
  };
}
