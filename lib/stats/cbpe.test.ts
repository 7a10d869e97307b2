import { createRandom } from "../random";
import { describe, expect, it } from "vitest";
import { estimateAccuracy, estimatePerformance, estimateRocAuc } from "./cbpe";
import { computePerformance } from "./performance";

// Independent reference for the ROC AUC rows: NannyML's estimate_roc_auc
// (nannyml/performance_estimation/confidence_based/metrics.py @ ba5d2636) run with numpy 1.24 and
// sklearn 1.2 (calibrated and model scores equal):
//   t = p[np.argsort(p)[::-1]]; tps = np.cumsum(t); fps = 1 + np.arange(len(t)) - tps
//   tps, fps = np.round(np.r_[0, tps], 5), np.round(np.r_[0, fps], 5)
//   sklearn.metrics.auc(fps / fps[-1], tps / tps[-1])

describe("estimateRocAuc", () => {
  it.each([
    {
      // Σp = 2.1, Σ(1−p) = 1.9; E[TP] 0, .9, 1.7, 2.0, 2.1; E[FP] 0, .1, .3, 1.0, 1.9
      // area = [.1·(0+.9) + .2·(.9+1.7) + .7·(1.7+2.0) + .9·(2.0+2.1)] / 2 / (1.9·2.1) = 3.445 / 3.99
      scores: [0.9, 0.8, 0.3, 0.1],
      expected: 0.8634085213032581,
    },
    {
      // Ties as one threshold: Σp = 2.6, Σ(1−p) = 3.4; E[TP] 0, 1.4, 2.0, 2.6; E[FP] 0, .6, 1.0, 3.4
      // area = [.6·1.4 + .4·3.4 + 2.4·4.6] / 2 / (2.6·3.4) = 6.62 / 8.84
      scores: [0.7, 0.2, 0.7, 0.6, 0.2, 0.2],
      expected: 0.748868778280543,
    },
    // E[TP] 0, .5, 1; E[FP] 0, .5, 1: the diagonal.
    { scores: [0.5, 0.5], expected: 0.5 },
    // One row: (0, 0) to (1, 1).
    { scores: [0.3], expected: 0.5 },
    {
      // NannyML rounds expected counts to 5 decimals: sorted .5, 2e-7, 1e-7 give E[TP] 0, .5, .5000002 → .5,
      // .5000003 → .5 and E[FP] 0, .5, 1.4999998 → 1.5, 2.4999997 → 2.5; TPR 0, 1, 1, 1; FPR 0, .2, .6, 1;
      // area = .2·(0+1)/2 + .4·1 + .4·1 = 0.9.
      scores: [1e-7, 2e-7, 0.5],
      expected: 0.9,
    },
    {
      // numpy.random.default_rng(7): np.round(rng.beta(2, 3, 40), 2), many ties.
      scores: [
        0.43, 0.29, 0.24, 0.41, 0.42, 0.15, 0.65, 0.55, 0.16, 0.36, 0.67, 0.2, 0.13, 0.41, 0.32, 0.19, 0.7, 0.07, 0.56, 0.67, 0.55, 0.23,
        0.36, 0.44, 0.11, 0.79, 0.5, 0.49, 0.3, 0.52, 0.05, 0.42, 0.77, 0.66, 0.27, 0.44, 0.35, 0.32, 0.46, 0.22,
      ],
      expected: 0.7317366119278819,
    },
    {
      // the same generator, then rng.random(25)
      scores: [
        0.5946848704882786, 0.6592750066090632, 0.3066594908888719, 0.9613508447364569, 0.4658400350611249, 0.6281008548649069,
        0.6352261838997132, 0.18388939650969116, 0.06186541815637414, 0.4115168234979749, 0.7640300884384686, 0.8152217882917717,
        0.729989249002065, 0.113204952525223, 0.9133548615310455, 0.8020365779972838, 0.8776913666495335, 0.5233041529751773,
        0.9156354351007324, 0.04665223795388718, 0.030288833931601977, 0.020215573356146876, 0.2527686779524564, 0.24856977320898288,
        0.18750333435596656,
      ],
      expected: 0.858843200481671,
    },
  ])("NannyML estimate_roc_auc of $scores.length scores = $expected", ({ scores, expected }) => {
    expect(estimateRocAuc(scores)).toBeCloseTo(expected, 12);
  });

  it.each([
    ["no rows", []],
    // Σp = 0: no expected positive (NannyML divides by zero and returns NaN).
    ["all zero", [0, 0, 0]],
    // Σ(1−p) = 0: no expected negative.
    ["all one", [1, 1]],
    // E[TP] total 3e-7 rounds to 0 at 5 decimals, as in NannyML.
    ["rounds to no positive", [1e-7, 2e-7]],
  ])("is null with %s", (_name, scores) => {
    expect(estimateRocAuc(scores as number[])).toBeNull();
  });

  it("rejects values that are not probabilities", () => {
    expect(() => estimateRocAuc([0.2, 1.5])).toThrow("[0, 1]");
    expect(() => estimateAccuracy([Number.NaN], 0.5)).toThrow("[0, 1]");
  });
});

describe("estimated F1 where precision is undefined", () => {
  it("is 0, not null, when nothing is predicted positive but positives are expected (sklearn f1_score: 2TP / (2TP + FP + FN))", () => {
    // threshold .5, scores .1 and .2: nothing predicted positive, E[TP] = E[FP] = 0, E[FN] = .1 + .2 = .3 (by hand).
    // sklearn.metrics.f1_score(y, [0, 0]) for any y with a positive is 0.0 (precision_score alone hits zero_division).
    const estimate = estimatePerformance([0.1, 0.2], 0.5);
    expect(estimate.precision).toBeNull();
    expect(estimate.recall).toBe(0);
    expect(estimate.f1).toBe(0);
  });
  it("is null only for 0/0: nothing predicted positive and no positive expected (sklearn answers zero_division there)", () => {
    expect(estimatePerformance([0, 0], 0.5).f1).toBeNull();
  });
});

describe("estimateAccuracy and estimatePerformance", () => {
  it.each([
    {
      // threshold .5: predicted 1 for .9, .8; 0 for .3, .1
      // E[TP] = .9 + .8 = 1.7, E[FP] = .1 + .2 = .3, E[FN] = .3 + .1 = .4, E[TN] = .7 + .9 = 1.6
      // accuracy 3.3 / 4; precision 1.7 / 2; recall 1.7 / 2.1; f1 = 1.7 / (1.7 + .5·(.3 + .4)) = 1.7 / 2.05
      scores: [0.9, 0.8, 0.3, 0.1],
      threshold: 0.5,
      expected: { accuracy: 0.825, rocAuc: 0.8634085213032581, precision: 0.85, recall: 0.8095238095238095, f1: 0.8292682926829268 },
    },
    {
      // threshold .5 (≥ is positive): E[TP] = .7+.7+.6 = 2.0, E[FP] = 1.0, E[FN] = .6, E[TN] = 2.4
      // accuracy 4.4 / 6; precision 2 / 3; recall 2 / 2.6; f1 = 2 / (2 + .8) = 5 / 7
      scores: [0.7, 0.2, 0.7, 0.6, 0.2, 0.2],
      threshold: 0.5,
      expected: {
        accuracy: 0.7333333333333333,
        rocAuc: 0.748868778280543,
        precision: 0.6666666666666666,
        recall: 0.7692307692307692,
        f1: 0.7142857142857143,
      },
    },
    {
      // A score equal to the threshold is a positive: E[TP] = 1, E[FP] = 1.
      scores: [0.5, 0.5],
      threshold: 0.5,
      expected: { accuracy: 0.5, rocAuc: 0.5, precision: 0.5, recall: 1, f1: 0.6666666666666666 },
    },
  ])("matches the hand computation for $scores", ({ scores, threshold, expected }) => {
    const estimate = estimatePerformance(scores, threshold);
    for (const [key, value] of Object.entries(expected)) expect(estimate[key as keyof typeof expected], key).toBeCloseTo(value, 12);
    expect(estimateAccuracy(scores, threshold)).toBeCloseTo(expected.accuracy, 12);
  });

  it("makes precision null without a predicted positive, but F1 0 (sklearn's f1_score; NannyML returns 0 for both)", () => {
    // threshold .5, one row .3: E[TN] = .7, E[FN] = .3, accuracy .7, recall 0 / .3 = 0, F1 = 2·0 / (0 + 0 + .3) = 0.
    expect(estimatePerformance([0.3], 0.5)).toEqual({ accuracy: 0.7, rocAuc: 0.5, precision: null, recall: 0, f1: 0 });
  });

  it("makes recall, F1 and AUC null when no positive is expected", () => {
    expect(estimatePerformance([0, 0], 0.5)).toEqual({ accuracy: 1, rocAuc: null, precision: null, recall: null, f1: null });
  });

  it("is null without rows", () => {
    expect(estimateAccuracy([], 0.5)).toBeNull();
    expect(estimatePerformance([], 0.5)).toEqual({ accuracy: null, rocAuc: null, precision: null, recall: null, f1: null });
  });
});

describe("CBPE is unbiased for calibrated scores", () => {
  // Labels drawn as Bernoulli(p) make p calibrated by construction, so the expected metrics
  // must sit within sampling error of the realized ones (sd ≈ 0.003 at 20,000 rows).
  it.each([
    { seed: 1, shape: "uniform", draw: (random: () => number) => random() },
    { seed: 2, shape: "skewed towards 0", draw: (random: () => number) => random() ** 3 },
    { seed: 3, shape: "confident", draw: (random: () => number) => (random() < 0.5 ? 0.05 + 0.1 * random() : 0.85 + 0.1 * random()) },
  ])("estimates realized accuracy and AUC within 0.01 ($shape scores)", ({ seed, draw }) => {
    const random = createRandom(seed).uniform;
    const scores = Array.from({ length: 20_000 }, () => draw(random));
    const labels = scores.map((p) => (random() < p ? 1 : 0));
    const realized = computePerformance({ labels, scores, threshold: 0.5 });
    const estimate = estimatePerformance(scores, 0.5);
    expect(Math.abs((estimate.accuracy ?? Number.NaN) - realized.accuracy)).toBeLessThan(0.01);
    expect(Math.abs((estimate.rocAuc ?? Number.NaN) - (realized.rocAuc ?? Number.NaN))).toBeLessThan(0.01);
    expect(Math.abs((estimate.precision ?? Number.NaN) - (realized.precision ?? Number.NaN))).toBeLessThan(0.02);
    expect(Math.abs((estimate.recall ?? Number.NaN) - (realized.recall ?? Number.NaN))).toBeLessThan(0.02);
  });
});
