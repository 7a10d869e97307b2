import { describe, expect, it } from "vitest";
import { disparateImpactOfFavourable, driftedFeatureShare } from "./evidence";

describe("disparateImpactOfFavourable", () => {
  it("is the lowest favourable rate over the highest", () => {
    // Group a: 3 of 4 favourable (0.75); group b: 1 of 2 (0.5) → 0.5 / 0.75 = 2/3.
    expect(
      disparateImpactOfFavourable({ favourable: [true, true, true, false, true, false], groups: ["a", "a", "a", "a", "b", "b"] }),
    ).toBeCloseTo(2 / 3, 12);
  });
  it("is null with one group or no favourable outcome", () => {
    expect(disparateImpactOfFavourable({ favourable: [true, false], groups: ["a", "a"] })).toBeNull();
    expect(disparateImpactOfFavourable({ favourable: [false, false], groups: ["a", "b"] })).toBeNull();
  });
});

describe("driftedFeatureShare", () => {
  it("counts features past the PSI line", () => {
    const reference = Array.from({ length: 200 }, (_, index) => [index, index % 10]);
    const current = Array.from({ length: 200 }, (_, index) => [index + 150, index % 10]);
    const result = driftedFeatureShare({ reference, current })!;
    expect(result.psi[1]).toBeCloseTo(0, 12);
    expect(result.psi[0]).toBeGreaterThan(1);
    expect(result.share).toBe(0.5);
  });
  it("is null without current traffic", () => expect(driftedFeatureShare({ reference: [[1]], current: [] })).toBeNull());
});
