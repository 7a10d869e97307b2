import { describe, expect, it } from "vitest";
import { populationStabilityIndex, quantileLinear } from "./psi";

describe("quantileLinear", () => {
  it.each([
    // numpy.quantile([1, 2, 3, 4], q) -> 1.3, 2.5, 3.7 (default method='linear')
    [[1, 2, 3, 4], 0.1, 1.3],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.9, 3.7],
    [[5], 0.3, 5],
  ])("numpy.quantile(%j, %d) = %d", (values, q, expected) => {
    expect(quantileLinear(values, q)).toBeCloseTo(expected, 12);
  });
});

describe("populationStabilityIndex", () => {
  const reference = Array.from({ length: 100 }, (_, index) => index);
  it("is 0 for identical samples", () => expect(populationStabilityIndex(reference, reference)).toBeCloseTo(0, 12));
  it("matches a hand computation for a shifted sample", () => {
    // Edges are numpy.quantile(range(100), [.1,…,.9]) = 9.9, 19.8, …, 89.1; reference shares are all 0.1.
    // Current = 50 values below 9.9 and 50 at ≥ 89.1: shares 0.5, 0.0001 ×8, 0.5.
    const current = [...Array(50).fill(0), ...Array(50).fill(99)];
    const expected = 2 * (0.5 - 0.1) * Math.log(0.5 / 0.1) + 8 * (0.0001 - 0.1) * Math.log(0.0001 / 0.1);
    expect(populationStabilityIndex(reference, current)).toBeCloseTo(expected, 10);
  });
  it("puts a value equal to an edge in the upper bin", () => {
    // Reference 0..9: edges 0.9, 1.8, …, 8.1, reference shares 0.1 each.
    // Current: five 0s (bin 0) and five values exactly at the edge 0.9, which belong to bin 1.
    // Upper-bin rule: shares 0.5, 0.5, then 0.0001 ×8. (Lower-bin rule would give 1.0 in bin 0.)
    const ref = Array.from({ length: 10 }, (_, index) => index);
    const expected = 2 * (0.5 - 0.1) * Math.log(0.5 / 0.1) + 8 * (0.0001 - 0.1) * Math.log(0.0001 / 0.1);
    expect(populationStabilityIndex(ref, [...Array(5).fill(0), ...Array(5).fill(0.9)])).toBeCloseTo(expected, 10);
  });
  it("is null without data", () => expect(populationStabilityIndex([], [1])).toBeNull());
});
