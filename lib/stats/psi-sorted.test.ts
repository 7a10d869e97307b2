import { describe, expect, it } from "vitest";
import { createRandom } from "@/lib/random";
import { populationStabilityIndex } from "./psi";
import { populationStabilityIndexSorted } from "./psi-sorted";

const sorted = (values: number[]) => Float64Array.from(values).sort();

describe("populationStabilityIndexSorted", () => {
  it("is populationStabilityIndex to the bit on random data with ties, values on the edges and collapsed edges", () => {
    const { uniform } = createRandom(11);
    const cases: [number[], number[]][] = [
      [Array.from({ length: 5000 }, () => uniform() * 10), Array.from({ length: 3000 }, () => uniform() * 11 - 0.5)],
      // Few distinct values: edges collapse and many values sit exactly on an edge.
      [
        Array.from({ length: 2000 }, () => Math.floor(uniform() * 4)),
        Array.from({ length: 1500 }, () => Math.floor(uniform() * 5) - 0.5 * (uniform() < 0.1 ? 1 : 0)),
      ],
      [Array.from({ length: 999 }, (_, i) => (i % 7 === 0 ? -0 : i % 3)), [0, -0, 1, 2, 3, 2, 1]],
      [[5], [5, 6]],
    ];
    for (const [reference, current] of cases) {
      expect(
        Object.is(populationStabilityIndexSorted(sorted(reference), sorted(current)), populationStabilityIndex(reference, current)),
      ).toBe(true);
    }
  });

  it("is null for an empty side", () => {
    expect(populationStabilityIndexSorted(Float64Array.of(), Float64Array.of(1))).toBeNull();
  });
});
