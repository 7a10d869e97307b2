import { describe, expect, it } from "vitest";
import { populationStabilityIndex } from "../stats/psi";
import {
  binOf,
  jensenShannonFromCounts,
  ksBounds,
  mergeSketches,
  numericEdges,
  psiFromSketches,
  sketchCategorical,
  sketchNumeric,
  sketchStd,
  wassersteinBounds,
} from "./sketch";

// Deterministic samples, reproduced in Python for the expected values below:
//   ref = [(i*7919 % 1000)/10 for i in range(2000)]; cur = [((i*104729) % 1000)/10*1.1 + 5 for i in range(1500)]
const reference = Array.from({ length: 2000 }, (_, i) => ((i * 7919) % 1000) / 10);
const current = Array.from({ length: 1500 }, (_, i) => (((i * 104729) % 1000) / 10) * 1.1 + 5);
const edges = numericEdges(reference);
const refSketch = sketchNumeric(reference, edges);
const curSketch = sketchNumeric(current, edges);

describe("numeric sketches", () => {
  it("puts a value on an edge in the upper bin", () => {
    expect(binOf([1, 2, 3], 0.5)).toBe(0);
    expect(binOf([1, 2, 3], 1)).toBe(1);
    expect(binOf([1, 2, 3], 3)).toBe(3);
  });
  it("collapses equal quantile edges", () => {
    expect(numericEdges([5, 5, 5, 5])).toEqual([5]);
    expect(numericEdges([])).toEqual([]);
  });
  it("gives PSI exactly as over the raw samples (the decile edges are sketch edges)", () => {
    const sorted = Float64Array.from(reference).sort();
    expect(psiFromSketches({ reference: refSketch, current: curSketch, edges, referenceValuesSorted: sorted })).toBeCloseTo(
      populationStabilityIndex(reference, current)!,
      12,
    );
  });
  it("bounds KS D around scipy's value", () => {
    // scipy 1.10.1: ks_2samp(ref, cur).statistic -> 0.13633333333333333
    const bounds = ksBounds(refSketch, curSketch, edges)!;
    expect(bounds.lower).toBeLessThanOrEqual(0.13633333333333333 + 1e-12);
    expect(bounds.upper).toBeGreaterThanOrEqual(0.13633333333333333 - 1e-12);
    expect(bounds.upper - bounds.lower).toBeLessThan(0.03);
  });
  it("bounds the Wasserstein distance around scipy's value, with the estimate close", () => {
    // scipy 1.10.1: wasserstein_distance(ref, cur) -> 9.92166666666667; numpy: ref.std() -> 28.86749902572095
    const bounds = wassersteinBounds(refSketch, curSketch, edges)!;
    expect(bounds.lower).toBeLessThanOrEqual(9.92166666666667);
    expect(bounds.upper).toBeGreaterThanOrEqual(9.92166666666667);
    expect(Math.abs(bounds.estimate - 9.92166666666667) / 9.92166666666667).toBeLessThan(0.02);
    expect(sketchStd(refSketch)).toBeCloseTo(28.86749902572095, 9);
  });
  it("finds no distance between a sample and itself", () => {
    expect(wassersteinBounds(refSketch, refSketch, edges)!.estimate).toBe(0);
    expect(ksBounds(refSketch, refSketch, edges)!.lower).toBe(0);
  });
  it("merges to the sketch of the concatenation", () => {
    const merged = mergeSketches(sketchNumeric(current.slice(0, 700), edges), sketchNumeric(current.slice(700), edges));
    expect(merged.counts).toEqual(curSketch.counts);
    expect([merged.count, merged.min, merged.max]).toEqual([curSketch.count, curSketch.min, curSketch.max]);
    expect(merged.sum).toBeCloseTo(curSketch.sum, 6);
  });
});

describe("categorical sketches", () => {
  it("count categories and merge", () => {
    const merged = mergeSketches(sketchCategorical(["a", "b"]), sketchCategorical(["b", "c"]));
    expect(merged).toEqual({ kind: "categorical", counts: { a: 1, b: 2, c: 1 }, count: 4 });
  });
  it.each([
    // scipy 1.10.1: jensenshannon([0.5, 0.5, 0], [0, 0.5, 0.5]) -> 0.5887050112577373
    [{ a: 5, b: 5 }, { b: 3, c: 3 }, 0.5887050112577373],
    // scipy 1.10.1: jensenshannon([0.25, 0.75], [0.5, 0.5]) -> 0.1839077909404743
    [{ a: 1, b: 3 }, { a: 2, b: 2 }, 0.1839077909404743],
    [{ a: 4 }, { a: 9 }, 0],
  ])("Jensen–Shannon distance of %j and %j is %d", (ref, cur, expected) => {
    expect(jensenShannonFromCounts(ref, cur)).toBeCloseTo(expected, 12);
  });
});
