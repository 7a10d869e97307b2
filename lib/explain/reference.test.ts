import { describe, expect, it } from "vitest";
import { distanceScale, markUnusual, selectBackgroundRows, summarizeReference } from "./reference";

describe("summarizeReference", () => {
  it("matches numpy's percentile (linear) and population std", () => {
    // numpy 2.4: v = np.array([10, 2, 7, 1, 30, 4, 5, 9.]); np.percentile(v, 1) = 1.07,
    // np.percentile(v, 99) = 28.599999999999994, v.mean() = 8.5, v.std() = 8.645808232895291
    const summary = summarizeReference({ income: [10, 2, 7, 1, 30, 4, 5, 9], sex: ["f", "m"] }, ["income", "sex", "absent"]);
    expect(Object.keys(summary)).toEqual(["income"]);
    expect(summary.income.count).toBe(8);
    expect(summary.income.p01).toBeCloseTo(1.07, 12);
    expect(summary.income.p99).toBeCloseTo(28.599999999999994, 12);
    expect(summary.income.mean).toBe(8.5);
    expect(summary.income.std).toBeCloseTo(8.645808232895291, 12);
  });
});

describe("markUnusual", () => {
  const summary = { count: 8, mean: 8.5, std: 8.6, p01: 1.07, p99: 28.6 };
  it.each([
    { value: 1, mark: "below_p01" },
    { value: 1.07, mark: null },
    { value: 28.6, mark: null },
    { value: 29, mark: "above_p99" },
    { value: null, mark: null },
  ])("$value → $mark", ({ value, mark }) => {
    expect(markUnusual(value, summary)).toBe(mark);
  });
  it("has no mark without a reference", () => expect(markUnusual(1e9, undefined)).toBeNull());
});

describe("distanceScale", () => {
  it("is the std, or 1 for a constant feature", () => {
    expect(distanceScale({ count: 3, mean: 1, std: 2.5, p01: 0, p99: 2 })).toBe(2.5);
    expect(distanceScale({ count: 3, mean: 1, std: 0, p01: 1, p99: 1 })).toBe(1);
  });
});

describe("selectBackgroundRows", () => {
  const columns = { a: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], b: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], c: ["x", "y"] };
  it("takes evenly spaced rows, in model-input order", () => {
    expect(selectBackgroundRows(columns, ["b", "a"], 4)).toEqual([
      [10, 0],
      [12, 2],
      [15, 5],
      [17, 7],
    ]);
  });
  it("takes every row when the sample is smaller than asked", () => {
    expect(selectBackgroundRows(columns, ["a"], 100)).toHaveLength(10);
  });
  it("is null when a model input has no numeric column", () => {
    expect(selectBackgroundRows(columns, ["a", "missing"], 4)).toBeNull();
    expect(selectBackgroundRows(columns, ["c"], 2)).toBeNull();
  });
});
