/**
 * Gate metrics written out from their definitions, independently of lib/stats, for tests that
 * check the validation gates of foreign models against them.
 */

/** ROC AUC by the Mann–Whitney U definition (scikit-learn roc_auc_score): the share of (positive, negative) pairs ranked right, ties ½. */
export function mannWhitneyAuc(labels: number[], scores: number[]): number {
  let right = 0;
  let pairs = 0;
  labels.forEach((positive, i) => {
    if (positive !== 1) return;
    labels.forEach((negative, j) => {
      if (negative !== 0) return;
      pairs += 1;
      right += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return right / pairs;
}

/** Expected calibration error, 10 equal-width bins (the last closed): Σ n_b / N · |mean(y_b) − mean(p_b)| (Naeini et al. 2015). */
export function expectedCalibrationError(labels: number[], scores: number[]): number {
  const bins = Array.from({ length: 10 }, () => ({ count: 0, labels: 0, scores: 0 }));
  scores.forEach((score, index) => {
    const bin = bins[Math.min(9, Math.floor(score * 10))];
    bin.count += 1;
    bin.labels += labels[index];
    bin.scores += score;
  });
  return bins.reduce(
    (sum, bin) => (bin.count ? sum + (bin.count / scores.length) * Math.abs(bin.labels / bin.count - bin.scores / bin.count) : sum),
    0,
  );
}
