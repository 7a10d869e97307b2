import { describe, expect, it } from "vitest";
import { computeGlobalImportance, evenlySpaced, importanceRowCount } from "./global-importance";
import type { TBatchPredictor } from "./shapley";

/** p(x) = w·x + b evaluated in float64: a model linear in probability. */
const linear =
  (weights: number[], bias: number): TBatchPredictor =>
  async (rows, rowCount, width) =>
    Float64Array.from({ length: rowCount }, (_, row) => weights.reduce((sum, w, j) => sum + w * rows[row * width + j], bias));

describe("global importance", () => {
  it("equals mean |w_i (x_i − mean_B b_i)| for a model linear in probability (linear SHAP, Lundberg & Lee 2017)", async () => {
    const weights = [0.1, -0.3, 0.05];
    const rows = [
      [1, 0, 2],
      [0.5, 1, -1],
      [-1, 0.25, 0],
      [2, -0.5, 1],
    ];
    const background = [
      [0, 0, 0],
      [1, 1, 1],
    ];
    // mean_B = (0.5, 0.5, 0.5); by hand: feature 0 |0.1·(0.5, 0, −1.5, 1.5)| → 0.0875, feature 1 |−0.3·(−0.5, 0.5, −0.25, −1)| → 0.16875,
    // feature 2 |0.05·(1.5, −1.5, −0.5, 0.5)| → 0.05.
    const result = await computeGlobalImportance({ features: ["a", "b", "c"], rows, background, predict: linear(weights, 0.4) });
    expect(result.features.map((entry) => entry.feature)).toEqual(["a", "b", "c"]);
    [0.0875, 0.16875, 0.05].forEach((expected, index) => expect(result.features[index].meanAbsShapley).toBeCloseTo(expected, 12));
    expect([result.method, result.rows, result.backgroundRows, result.scale]).toEqual(["exact", 4, 2, "probability"]);
    expect(result.modelRows).toBe(4 * 2 ** 3 * 2); // 2^d coalitions × B background rows per explained row
  });

  it("refuses an empty sample rather than reporting zeros", async () => {
    await expect(computeGlobalImportance({ features: ["a"], rows: [], background: [[0]], predict: linear([1], 0) })).rejects.toThrow(
      "no rows to explain",
    );
  });

  it.each([
    // [available, width, background, expected]: exact costs 2^d × B per row, sampling 32 × (d + 1) × B; budget 1.5 M model rows.
    [120, 3, 50, 120], // 400 per row: every row
    [2000, 3, 50, 500], // capped at 500 rows
    [2000, 9, 50, 58], // ⌊1.5 M / 25,600⌋
    [2000, 30, 50, 30], // sampling: ⌊1.5 M / 49,600⌋
    [2000, 12, 50, 20], // 204,800 per row would give 7: never below 20
    [10, 12, 50, 10], // nor above the rows there are
  ])("explains %i available rows of width %i against %i background rows as %i rows", (available, width, backgroundRows, expected) => {
    expect(importanceRowCount({ available, width, backgroundRows, maxRows: 500 })).toBe(expected);
  });

  it("spaces a sample evenly over the rows, ⌊k·n/count⌋", () => {
    expect(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0, 2, 5, 7]);
    expect(evenlySpaced([0, 1, 2], 5)).toEqual([0, 1, 2]);
  });
});
