import { describe, expect, it } from "vitest";
import { averagePrecision, computePerformance, expectedCalibrationError, rocAuc } from "./performance";

// Ten scored rows with ties (three at 0.4), reproduced in Python for the expected values:
const labels = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0];
const scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.05, 0.95, 0.6, 0.7];

describe("computePerformance", () => {
  it("matches scikit-learn 1.2.1 at threshold 0.4 (a score at the threshold is positive)", () => {
    const result = computePerformance({ labels, scores, threshold: 0.4 });
    // sklearn.metrics on (y, s), predictions p = [s >= 0.4]:
    expect(result.rocAuc).toBeCloseTo(0.76, 12); // roc_auc_score(y, s)
    expect(result.averagePrecision).toBeCloseTo(0.7892857142857144, 12); // average_precision_score(y, s)
    expect(result.brier).toBeCloseTo(0.18075000000000002, 12); // brier_score_loss(y, s)
    expect(result.logLoss).toBeCloseTo(0.5133653187743878, 12); // log_loss(y, s)
    expect(result.accuracy).toBeCloseTo(0.6, 12); // accuracy_score(y, p)
    expect(result.precision).toBeCloseTo(0.5714285714285714, 12); // precision_score(y, p)
    expect(result.recall).toBeCloseTo(0.8, 12); // recall_score(y, p)
    expect(result.f1).toBeCloseTo(0.6666666666666666, 12); // f1_score(y, p)
  });

  it("clips log loss as scikit-learn 1.2 does (eps = float64 machine epsilon)", () => {
    // sklearn 1.2.1: log_loss([1, 0], [1.0, 0.0]) -> 2.2204460492503136e-16; log_loss([1, 0], [0.0, 1.0]) -> 36.04365338911715
    expect(computePerformance({ labels: [1, 0], scores: [1, 0], threshold: 0.5 }).logLoss).toBeCloseTo(2.2204460492503136e-16, 20);
    expect(computePerformance({ labels: [1, 0], scores: [0, 1], threshold: 0.5 }).logLoss).toBeCloseTo(36.04365338911715, 10);
  });

  it("leaves precision null with no predicted positive, and F1 = 2TP / (2TP + FP + FN) = 0 as scikit-learn gives", () => {
    // No score reaches the threshold: TP = FP = 0, FN = 2. sklearn 1.2: precision_score warns (zero_division);
    // f1_score is 2TP / (2TP + FP + FN) = 0 / 2 = 0 (its docs' formula; by hand), recall_score = 0.
    const result = computePerformance({ labels: [1, 0, 1], scores: [0.1, 0.2, 0.3], threshold: 0.9 });
    expect(result.precision).toBeNull();
    expect(result.f1).toBe(0);
    expect(result.recall).toBe(0);
  });

  it("gives F1 = 0 with predicted positives but no true positive, and null only when TP + FP + FN = 0", () => {
    // Every score predicts 1, no label is 1: TP = 0, FP = 2, FN = 0 → 2·0 / (0 + 2 + 0) = 0 (by hand; sklearn's f1_score → 0.0).
    const none = computePerformance({ labels: [0, 0], scores: [0.9, 0.8], threshold: 0.5 });
    expect(none.f1).toBe(0);
    expect(none.recall).toBeNull();
    // No positive label and no predicted positive: 0/0, which sklearn answers with zero_division (a warning and 0.0).
    expect(computePerformance({ labels: [0, 0], scores: [0.1, 0.2], threshold: 0.5 }).f1).toBeNull();
  });

  it("F1 equals 2TP / (2TP + FP + FN) where precision and recall are defined", () => {
    // threshold 0.4 on the rows above: TP = 4, FP = 3, FN = 1 → 8 / 12 (by hand) = sklearn's 0.6666666666666666.
    expect(computePerformance({ labels, scores, threshold: 0.4 }).f1).toBeCloseTo(8 / 12, 15);
  });
});

describe("ranking metrics with one class", () => {
  it("ROC AUC is undefined (sklearn raises)", () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.5, 0.9])).toBeNull();
    expect(rocAuc([0, 0], [0.2, 0.5])).toBeNull();
  });
  it("average precision is 1 with only positives and null with none", () => {
    // sklearn 1.2.1: average_precision_score([1, 1, 1], [0.2, 0.5, 0.9]) -> 1.0; with [0, 0, 0] it warns (recall undefined).
    expect(averagePrecision([1, 1, 1], [0.2, 0.5, 0.9])).toBe(1);
    expect(averagePrecision([0, 0, 0], [0.2, 0.5, 0.9])).toBeNull();
  });
  it("ROC AUC of tied scores is one half", () => {
    // sklearn 1.2.1: roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) -> 0.5
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });
});

describe("expectedCalibrationError", () => {
  it("follows the issue's definition with 10 equal-width bins", () => {
    // Bins floor(10·p): 0:{.05→0} 1:{.1→0} 3:{.35→1} 4:{.4→0,.4→0,.4→1} 6:{.6→1} 7:{.7→0} 8:{.8→1} 9:{.95→1}.
    // Σ n_b/N·|ȳ_b − p̄_b| = (0.05 + 0.1 + 0.65 + 3·|1/3 − 0.4| + 0.4 + 0.7 + 0.2 + 0.05) / 10 = 0.235
    expect(expectedCalibrationError(labels, scores)).toBeCloseTo(0.235, 12);
  });
  it("puts a score of exactly 1 in the last bin", () => {
    expect(expectedCalibrationError([1], [1])).toBe(0);
  });
});
