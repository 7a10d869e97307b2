import { describe, expect, it } from "vitest";
import { createRandom } from "@/lib/random";
import { explainWithShapley, type TBatchPredictor } from "./shapley";

/** A predictor from a plain function of one row, counting the rows it is asked for. */
function predictorOf(f: (row: Float32Array) => number) {
  const calls: number[] = [];
  const predict: TBatchPredictor = async (rows, rowCount, width) => {
    calls.push(rowCount);
    const out = new Float64Array(rowCount);
    for (let index = 0; index < rowCount; index += 1) out[index] = f(rows.subarray(index * width, (index + 1) * width));
    return out;
  };
  return { predict, calls };
}

const names = (width: number) => Array.from({ length: width }, (_, index) => `f${index}`);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

// A non-additive model: a logistic over main effects and two interactions, so Shapley values are not read off the weights.
const weights = [0.8, -0.5, 0.3, 1.1, -0.7, 0.4, 0.2, -0.3];
const interacting = (row: Float32Array) =>
  sigmoid(
    -0.4 +
      weights.reduce((sum, weight, index) => sum + weight * (row[index] ?? 0), 0) +
      0.6 * row[0] * row[1] -
      0.5 * row[2] * (row[3] ?? 0),
  );

function gaussianRows(count: number, width: number, seed: number): number[][] {
  const random = createRandom(seed);
  // Rounded to float32 so the model sees exactly the numbers the expected values use.
  return Array.from({ length: count }, () => Array.from({ length: width }, () => Math.fround(random.normal())));
}

describe("explainWithShapley", () => {
  // Lundberg & Lee 2017 ("A Unified Approach to Interpreting Model Predictions", NeurIPS), Linear SHAP:
  // for f(x) = w·x + c with independent (interventional) features, φ_i = w_i (x_i − E[x_i]),
  // here with E taken over the background rows.
  it.each([
    { mode: "exact", width: 4, exactMaxFeatures: 12 },
    { mode: "sampling", width: 14, exactMaxFeatures: 12 },
  ])("a linear model gets φ_i = w_i (x_i − mean of background_i) ($mode, d = $width)", async ({ width, exactMaxFeatures, mode }) => {
    const w = Array.from({ length: width }, (_, index) => (index % 2 === 0 ? 1 : -1) * (0.25 + index * 0.5));
    const c = 0.75;
    const x = Array.from({ length: width }, (_, index) => index - 2.5);
    const background = gaussianRows(20, width, 7);
    const { predict } = predictorOf((row) => c + w.reduce((sum, weight, index) => sum + weight * row[index], 0));
    const result = await explainWithShapley({
      features: names(width),
      x,
      background,
      predict,
      options: { exactMaxFeatures, permutations: 16 },
    });
    expect(result.method).toBe(mode);
    const means = w.map((_, index) => background.reduce((sum, row) => sum + row[index], 0) / background.length);
    result.contributions.forEach((contribution, index) => {
      expect(contribution.contribution).toBeCloseTo(w[index] * (x[index] - means[index]), 9);
      // An additive model has the same marginal contribution in every permutation: no sampling error.
      if (mode === "sampling") expect(contribution.standardError).toBeCloseTo(0, 9);
    });
    expect(result.baseValue).toBeCloseTo(c + w.reduce((sum, weight, index) => sum + weight * means[index], 0), 9);
  });

  it("a product x1·x2 matches the hand-computed values", async () => {
    // x = (2, 3), background {(0, 0), (1, 1)}: v(∅) = E[b1 b2] = 0.5, v({1}) = 2·E[b2] = 1, v({2}) = 3·E[b1] = 1.5, v({1,2}) = 6.
    // φ1 = ½[(v1 − v∅) + (v12 − v2)] = ½[0.5 + 4.5] = 2.5; φ2 = ½[(v2 − v∅) + (v12 − v1)] = ½[1 + 5] = 3.
    const { predict } = predictorOf((row) => row[0] * row[1]);
    const result = await explainWithShapley({
      features: ["x1", "x2"],
      x: [2, 3],
      background: [
        [0, 0],
        [1, 1],
      ],
      predict,
    });
    expect(result).toMatchObject({ method: "exact", baseValue: 0.5, prediction: 6, backgroundRows: 2, permutations: null, modelRows: 8 });
    expect(result.contributions.map((contribution) => contribution.contribution)).toEqual([2.5, 3]);
    expect(result.contributions.map((contribution) => contribution.value)).toEqual([2, 3]);
  });

  it("is efficient: Σφ = f(x) − mean background prediction, exact and sampled", async () => {
    const background = gaussianRows(25, 8, 11);
    const x = [1.5, -0.5, 2, 0.25, -1, 0.5, 3, -2];
    const { predict } = predictorOf(interacting);
    const directPrediction = interacting(Float32Array.from(x));
    const directBase = background.reduce((sum, row) => sum + interacting(Float32Array.from(row)), 0) / background.length;
    for (const exactMaxFeatures of [12, 0]) {
      const result = await explainWithShapley({
        features: names(8),
        x,
        background,
        predict,
        options: { exactMaxFeatures, permutations: 40 },
      });
      const total = result.contributions.reduce((sum, contribution) => sum + contribution.contribution, 0);
      expect(result.prediction).toBeCloseTo(directPrediction, 12);
      expect(result.baseValue).toBeCloseTo(directBase, 12);
      expect(Math.abs(total - (result.prediction - result.baseValue))).toBeLessThan(1e-12);
      expect(result.efficiencyGap).toBeLessThan(1e-12);
    }
  });

  it("evaluates 2^d × B rows in batches no larger than asked", async () => {
    const { predict, calls } = predictorOf(interacting);
    const result = await explainWithShapley({
      features: names(6),
      x: [1, 2, 3, 4, 5, 6],
      background: gaussianRows(10, 6, 3),
      predict,
      options: { maxRowsPerCall: 100 },
    });
    expect(result.modelRows).toBe(64 * 10);
    expect(calls.every((rows) => rows <= 100)).toBe(true);
    expect(calls.reduce((sum, rows) => sum + rows, 0)).toBe(640);
  });

  it("the sampling estimate lies within 3 standard errors of the exact values (d = 6 forced to sampling)", async () => {
    const background = gaussianRows(30, 6, 5);
    const x = [1.2, -0.8, 1.5, 0.9, -1.4, 2.1];
    const { predict } = predictorOf(interacting);
    const exact = await explainWithShapley({ features: names(6), x, background, predict });
    const sampled = await explainWithShapley({
      features: names(6),
      x,
      background,
      predict,
      options: { exactMaxFeatures: 0, permutations: 200, seed: 42 },
    });
    expect(exact.method).toBe("exact");
    expect(sampled).toMatchObject({ method: "sampling", permutations: 200 });
    sampled.contributions.forEach((contribution, index) => {
      expect(contribution.standardError).toBeGreaterThan(0);
      expect(Math.abs(contribution.contribution - exact.contributions[index].contribution)).toBeLessThanOrEqual(
        3 * contribution.standardError!,
      );
    });
    // A fixed seed gives the same estimate every time.
    const again = await explainWithShapley({
      features: names(6),
      x,
      background,
      predict,
      options: { exactMaxFeatures: 0, permutations: 200, seed: 42 },
    });
    expect(again.contributions).toEqual(sampled.contributions);
  });

  it("refuses mismatched widths and an empty background", async () => {
    const { predict } = predictorOf(() => 0);
    await expect(explainWithShapley({ features: ["a", "b"], x: [1], background: [[0, 0]], predict })).rejects.toThrow(
      /x has 1 values for 2 features/,
    );
    await expect(explainWithShapley({ features: ["a"], x: [1], background: [], predict })).rejects.toThrow(/background is empty/);
    await expect(explainWithShapley({ features: ["a", "b"], x: [1, 2], background: [[0]], predict })).rejects.toThrow(/background row 0/);
  });
});
