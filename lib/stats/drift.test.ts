import { describe, expect, it } from "vitest";
import {
  chiSquareTest,
  detectDrift,
  featureDriftPrepared,
  jensenShannonCategorical,
  jensenShannonNumerical,
  ksTwoSample,
  normedWasserstein,
  numericalTestSorts,
  sturgesEdges,
  wassersteinDistance,
  type TColumn,
  type TDriftOptions,
} from "./drift";

// Expected values were printed by scipy 1.10.1 / numpy 1.24.2 (Debian python3-scipy) with the call
// named beside each table: repr() of the float64 result, pasted unchanged.
//
// Deterministic data that Python rebuilds bit for bit:
//   lattice(n, step, modulus, scale, shift) = [((i * step) % modulus) / scale + shift for i in range(n)]
//   letters(n, step, modulus)               = ["abcdefghij"[(i * step) % modulus] for i in range(n)]
const lattice = (n: number, step: number, modulus: number, scale: number, shift = 0) =>
  Array.from({ length: n }, (_, i) => ((i * step) % modulus) / scale + shift);
const letters = (n: number, step: number, modulus: number) => Array.from({ length: n }, (_, i) => "abcdefghij"[(i * step) % modulus]);

/** |actual − expected| ≤ tolerance · |expected|, or ≤ tolerance absolutely for an expected 0. */
function expectRelative(actual: number | null, expected: number, tolerance = 1e-10) {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), expected === 0 ? 1 : 0));
}

describe("ksTwoSample", () => {
  // scipy.stats.ks_2samp(reference, current) -> KstestResult(statistic, pvalue); method='auto' takes the
  // exact path while max(n1, n2) ≤ 10000, else kstwo.sf(D, round(n1·n2 / (n1 + n2))).
  it.each([
    ["disjoint", [1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 1.0, 0.007936507936507936, "exact"],
    ["ties", [1, 1, 2, 2, 3, 3, 3], [2, 3, 3, 4, 4, 5], 0.5, 0.3327505827505828, "exact"],
    ["identical", [0.5, 1.5, 2.5], [0.5, 1.5, 2.5], 0.0, 1.0, "exact"],
    ["one value each", [1], [2], 1.0, 1.0, "exact"],
    [
      "unequal sizes",
      [0.1, 0.4, 0.7, 1.3, 2.2, 2.9, 3.5, 4.1],
      [1.1, 1.9, 2.6, 3.3, 3.8, 4.4, 5.0, 5.6, 6.1, 6.9, 7.2],
      0.5454545454545454,
      0.08150088645444682,
      "exact",
    ],
    // lattice(20, 7, 23, 1) vs lattice(20, 5, 29, 1, 3): n1 = n2, _compute_prob_outside_square
    ["equal sizes", lattice(20, 7, 23, 1), lattice(20, 5, 29, 1, 3), 0.3, 0.33559098126008213, "exact"],
    // lattice(3000, 7919, 10007, 100) vs lattice(5000, 6007, 10009, 100, 1.5): _compute_outer_prob_inside_method
    [
      "3000 vs 5000",
      lattice(3000, 7919, 10007, 100),
      lattice(5000, 6007, 10009, 100, 1.5),
      0.015666666666666666,
      0.7412415271196066,
      "exact",
    ],
    // lattice(4000, 7919, 10007, 100) vs lattice(4000, 6007, 10009, 100, 3)
    ["4000 vs 4000", lattice(4000, 7919, 10007, 100), lattice(4000, 6007, 10009, 100, 3), 0.03025, 0.05144610855237875, "exact"],
    // lattice(50, 37, 101, 1) vs lattice(20000, 7919, 10007, 100): kstwo with n = 50 (Durbin matrix)
    ["50 vs 20000", lattice(50, 37, 101, 1), lattice(20000, 7919, 10007, 100), 0.03005000000000002, 0.9999999990892252, "asymp"],
    // lattice(2000, 13, 2003, 20) vs lattice(12000, 7919, 10007, 100, 2): kstwo with n = 1714 (Pelz–Good)
    ["2000 vs 12000", lattice(2000, 13, 2003, 20), lattice(12000, 7919, 10007, 100, 2), 0.02124999999999999, 0.41553985421790174, "asymp"],
    // lattice(12000, 7919, 10007, 100) vs lattice(12000, 6007, 10009, 100, 0.5): kstwo with n = 6000
    [
      "12000 vs 12000",
      lattice(12000, 7919, 10007, 100),
      lattice(12000, 6007, 10009, 100, 0.5),
      0.005166666666666764,
      0.9969483826832974,
      "asymp",
    ],
  ] as const)("%s", (_, reference, current, statistic, pValue, method) => {
    const result = ksTwoSample([...reference], [...current]);
    expect(result.method).toBe(method);
    expectRelative(result.statistic, statistic, 1e-14);
    expectRelative(result.pValue, pValue);
  });

  it("is symmetric in its samples", () => {
    const a = ksTwoSample([0.1, 0.4, 0.7], [0.2, 0.3, 0.9, 1.1]);
    const b = ksTwoSample([0.2, 0.3, 0.9, 1.1], [0.1, 0.4, 0.7]);
    expect(b).toEqual(a);
  });

  it("rejects empty or non-finite samples", () => {
    expect(() => ksTwoSample([], [1])).toThrow(/reference is empty/);
    expect(() => ksTwoSample([1], [Number.NaN])).toThrow(/non-finite/);
  });
});

describe("wassersteinDistance and normedWasserstein", () => {
  it.each([
    // scipy.stats.wasserstein_distance([0, 1, 3], [5, 6, 8]) -> 5.0 (scipy's own docstring example)
    ["shifted", [0, 1, 3], [5, 6, 8], 5.0],
    // scipy.stats.wasserstein_distance([1, 2, 4, 7], [2, 3, 3, 9]) -> 1.25
    ["ties", [1, 2, 4, 7], [2, 3, 3, 9], 1.25],
    // scipy.stats.wasserstein_distance(lattice(1500, 7919, 10007, 100), lattice(1200, 6007, 10009, 100, 1.5))
    ["lattice", lattice(1500, 7919, 10007, 100), lattice(1200, 6007, 10009, 100, 1.5), 1.0392666666666663],
    ["identical", [3, 1, 2], [1, 2, 3], 0],
  ])("W(%s)", (_, reference, current, expected) => expectRelative(wassersteinDistance(reference, current), expected, 1e-12));

  it.each([
    // wasserstein_distance([1, 2, 4, 7], [2, 3, 3, 9]) / numpy.std([1, 2, 4, 7]) -> 0.545544725589981
    ["ties", [1, 2, 4, 7], [2, 3, 3, 9], 0.545544725589981],
    // wasserstein_distance(a, b) / numpy.std(a) with a = lattice(1500, 7919, 10007, 100), b = lattice(1200, 6007, 10009, 100, 1.5)
    ["lattice", lattice(1500, 7919, 10007, 100), lattice(1200, 6007, 10009, 100, 1.5), 0.03597676787387695],
  ])("normed W(%s)", (_, reference, current, expected) => expectRelative(normedWasserstein(reference, current), expected, 1e-12));

  it("is undefined, not zero or infinite, over a constant reference", () => {
    expect(normedWasserstein([2, 2, 2], [2, 3])).toBeNull();
  });
});

describe("sturgesEdges", () => {
  it.each([
    // numpy.histogram_bin_edges(list(range(1, 11)), bins='sturges') -> [1.0, 2.8, 4.6, 6.4, 8.2, 10.0]
    ["1..10", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1.0, 2.8, 4.6, 6.4, 8.2, 10.0]],
    // numpy.histogram_bin_edges([3, 3, 3], bins='sturges') -> [2.5, 3.5]
    ["zero range", [3, 3, 3], [2.5, 3.5]],
    // numpy.histogram_bin_edges([-1.5, 0.25, 7.1, 2.2, -3.3, 9.9, 4.4], bins='sturges')
    ["mixed signs", [-1.5, 0.25, 7.1, 2.2, -3.3, 9.9, 4.4], [-3.3, 0.0, 3.3, 6.599999999999999, 9.9]],
    // numpy.histogram_bin_edges([0.1, 0.7], bins='sturges') -> [0.1, 0.4, 0.7]
    ["two values", [0.1, 0.7], [0.1, 0.4, 0.7]],
    // numpy.histogram_bin_edges([0.0] * 63 + [2.1], bins='sturges'): log2(64) + 1 = 7, but numpy counts
    // ceil(2.1 / (2.1 / 7)) = 8 bins -> [0.0, 0.2625, 0.525, 0.7875000000000001, 1.05, 1.3125, 1.5750000000000002, 1.8375000000000001, 2.1]
    [
      "numpy's rounded bin count",
      [...Array<number>(63).fill(0), 2.1],
      [0.0, 0.2625, 0.525, 0.7875000000000001, 1.05, 1.3125, 1.5750000000000002, 1.8375000000000001, 2.1],
    ],
  ])("%s", (_, values, expected) => expect(sturgesEdges(values)).toEqual(expected));
});

describe("jensenShannonNumerical", () => {
  // e = numpy.histogram_bin_edges(ref + cur, bins='sturges');
  // scipy.spatial.distance.jensenshannon(numpy.histogram(ref, e)[0] / len(ref), numpy.histogram(cur, e)[0] / len(cur))
  it.each([
    ["small", [0, 1, 2, 3, 4], [2, 3, 4, 5, 6], 0.5265537695468319],
    ["lattice", lattice(1500, 7919, 10007, 100), lattice(1200, 6007, 10009, 100, 1.5), 0.024857417068828404],
    ["value on an inner edge", [...Array<number>(31).fill(0), 2.1], [...Array<number>(31).fill(0), 1.3], 0.14717625281443433],
    ["identical", [1, 2, 3], [1, 2, 3], 0.0],
  ])("%s", (_, reference, current, expected) => expectRelative(jensenShannonNumerical(reference, current), expected, 1e-12));
});

describe("jensenShannonCategorical", () => {
  // scipy.spatial.distance.jensenshannon(ref shares, cur shares) over the union of categories
  it.each([
    // jensenshannon([1/4, 2/4, 1/4, 0], [2/4, 1/4, 0, 1/4]) -> 0.46450140402245893 (also scipy's docstring value)
    ["overlapping", ["a", "b", "b", "c"], ["a", "a", "b", "d"], 0.46450140402245893],
    // jensenshannon([.5, .5, 0, 0], [0, 0, .5, .5]) -> 0.8325546111576977 = √ln 2
    ["disjoint", ["a", "b"], ["c", "d"], 0.8325546111576977],
    ["identical", ["a", "b", "a"], ["b", "a", "a"], 0.0],
    // letters(900, 1, 5) vs letters(700, 1, 4)
    ["lettered", letters(900, 1, 5), letters(700, 1, 4), 0.2736453208486386],
  ])("%s", (_, reference, current, expected) => expectRelative(jensenShannonCategorical(reference, current), expected, 1e-12));
});

describe("chiSquareTest", () => {
  const repeat = (counts: Record<string, number>) =>
    Object.entries(counts).flatMap(([category, count]) => Array<string>(count).fill(category));

  it.each([
    // scipy.stats.chisquare([25, 45, 30], [30.0, 50.0, 20.0]) -> (6.333333333333334, 0.0421438435092764)
    ["three categories", repeat({ a: 30, b: 50, c: 20 }), repeat({ a: 25, b: 45, c: 30 }), 6.333333333333334, 0.0421438435092764],
    // a reference category absent from current: scipy.stats.chisquare([12, 8, 0], [8.0, 8.0, 4.0]) -> (6.0, 0.04978706836786395)
    ["category gone from current", repeat({ a: 10, b: 10, c: 5 }), repeat({ a: 12, b: 8 }), 6.0, 0.04978706836786395],
    // letters(900, 1, 5) vs letters(700, 1, 4): scipy.stats.chisquare([175]*4 + [0], [140.0]*5) -> (175.0, 8.834380573553759e-37)
    ["tiny p-value", letters(900, 1, 5), letters(700, 1, 4), 175.0, 8.834380573553759e-37],
  ])("%s", (_, reference, current, statistic, pValue) => {
    const result = chiSquareTest(reference, current);
    expectRelative(result.statistic, statistic, 1e-12);
    expectRelative(result.pValue, pValue);
    expect(result.reason).toBeUndefined();
  });

  it("is undefined, with a reason, when current has a category the reference never had", () => {
    // scipy.stats.chisquare([1, 0, 1], [1.0, 1.0, 0.0]) -> (inf, 0.0): division by a zero expectation.
    const result = chiSquareTest(["a", "b"], ["a", "z"]);
    expect(result.statistic).toBeNull();
    expect(result.pValue).toBeNull();
    expect(result.reason).toMatch(/1 category absent from the reference \("z"\)/);
  });

  it("has no p-value for a single category", () => {
    // scipy.stats.chisquare([1], [1.0]) -> (0.0, nan): chi2 with 0 degrees of freedom.
    const result = chiSquareTest(["x", "x"], ["x"]);
    expect(result.statistic).toBe(0);
    expect(result.pValue).toBeNull();
    expect(result.reason).toMatch(/single category/);
  });
});

describe("detectDrift", () => {
  // reference ≤ 1000 rows, numerical, 1725 distinct values -> KS
  const income: TColumn = {
    name: "income",
    kind: "numerical",
    reference: lattice(1000, 7919, 10007, 100),
    current: lattice(800, 6007, 10009, 100, 3),
  };
  // reference ≤ 1000 rows, 4 distinct values -> chi-square over the values as categories
  const rooms: TColumn = { name: "rooms", kind: "numerical", reference: lattice(600, 1, 4, 1), current: lattice(500, 1, 3, 1) };
  // reference ≤ 1000 rows, categorical -> chi-square
  const segment: TColumn = { name: "segment", kind: "categorical", reference: letters(900, 1, 5), current: letters(700, 1, 4) };
  // reference 1001 rows, numerical -> normed Wasserstein
  const balance: TColumn = {
    name: "balance",
    kind: "numerical",
    reference: lattice(1001, 7919, 10007, 100),
    current: lattice(1500, 6007, 10009, 100, 5),
  };
  // reference > 1000 rows, categorical -> Jensen–Shannon
  const region: TColumn = { name: "region", kind: "categorical", reference: letters(1500, 1, 5), current: letters(2000, 1, 4) };

  it.each([
    // scipy.stats.ks_2samp(lattice(1000, 7919, 10007, 100), lattice(800, 6007, 10009, 100, 3)) -> (0.044, 0.3459841393638434)
    [income, "ks", 0.044, 0.3459841393638434, 0.05, false],
    // scipy.stats.chisquare over {0, 1, 2, 3}: f_obs [167, 167, 166, 0], f_exp [125.0] * 4 -> (166.672, 6.654096117016844e-36)
    [rooms, "chisquare", 166.672, 6.654096117016844e-36, 0.05, true],
    // scipy.stats.chisquare([175]*4 + [0], [140.0]*5) -> (175.0, 8.834380573553759e-37)
    [segment, "chisquare", 175.0, 8.834380573553759e-37, 0.05, true],
    // wasserstein_distance(lattice(1001, 7919, 10007, 100), lattice(1500, 6007, 10009, 100, 5)) / numpy.std(reference) -> 0.1258714439029149
    [balance, "wasserstein", 0.1258714439029149, null, 0.1, true],
    // jensenshannon(letters(1500, 1, 5) shares, letters(2000, 1, 4) shares) -> 0.2736453208486386
    [region, "jensenshannon", 0.2736453208486386, null, 0.1, true],
  ] as const)("chooses Evidently's default test for %#", (column, test, statistic, pValue, threshold, drifted) => {
    const [feature] = detectDrift([column]).features;
    expect(feature).toMatchObject({ name: column.name, kind: column.kind, test, threshold, drifted });
    expectRelative(feature.statistic, statistic, 1e-12);
    if (pValue === null) expect(feature.pValue).toBeNull();
    else expectRelative(feature.pValue, pValue);
  });

  it.each([
    // scipy.stats.ks_2samp(lattice(1001, 7919, 10007, 100), lattice(1500, 6007, 10009, 100, 5)) -> (0.05054945054945055, 0.08905841508251242)
    [balance, "ks", 0.05054945054945055, 0.08905841508251242, false],
    // PSI of psi.ts's definition, in numpy: edges = numpy.unique(numpy.quantile(ref, [.1, …, .9])),
    // shares = max(bincount(searchsorted(edges, v, 'right')) / n, 1e-4), Σ (cur − ref) · ln(cur / ref) -> 0.010097307334815496
    [income, "psi", 0.010097307334815496, null, false],
    // jensenshannon of numpy.histogram shares on numpy.histogram_bin_edges(ref + cur, 'sturges') -> 0.18449277265960085
    [income, "jensenshannon", 0.18449277265960085, null, true],
    // wasserstein_distance(ref, cur) / numpy.std(ref) -> 0.0650323616957797
    [income, "wasserstein", 0.0650323616957797, null, false],
    // jensenshannon(letters(900, 1, 5) shares, letters(700, 1, 4) shares) -> 0.2736453208486386
    [segment, "jensenshannon", 0.2736453208486386, null, true],
  ] as const)("runs a forced test (%#)", (column, test, statistic, pValue, drifted) => {
    const [feature] = detectDrift([column], { tests: { [column.name]: test } }).features;
    expect(feature).toMatchObject({ test, drifted });
    expectRelative(feature.statistic, statistic, 1e-12);
    if (pValue === null) expect(feature.pValue).toBeNull();
    else expectRelative(feature.pValue, pValue);
  });

  it("switches to distances above 1000 reference rows", () => {
    const at1000 = detectDrift([{ ...balance, reference: lattice(1000, 7919, 10007, 100) }]).features[0];
    expect(at1000.test).toBe("ks");
    expect(detectDrift([balance]).features[0].test).toBe("wasserstein");
  });

  it("counts distinct values over reference and current together", () => {
    // 3 values in the reference, 3 more in current: 6 > 5, so KS rather than chi-square.
    const column: TColumn = { name: "level", kind: "numerical", reference: lattice(30, 1, 3, 1), current: lattice(30, 1, 3, 1, 3) };
    expect(detectDrift([column]).features[0].test).toBe("ks");
    expect(detectDrift([{ ...column, current: lattice(30, 1, 3, 1, 2) }]).features[0].test).toBe("chisquare");
  });

  it("applies per-feature thresholds and reports the one used", () => {
    // income's KS p-value 0.346 is below a 0.5 threshold.
    const [feature] = detectDrift([income], { thresholds: { income: 0.5 } }).features;
    expect(feature).toMatchObject({ test: "ks", threshold: 0.5, drifted: true });
    const [psi] = detectDrift([income], { tests: { income: "psi" }, thresholds: { income: 0.01 } }).features;
    expect(psi).toMatchObject({ threshold: 0.01, drifted: true });
  });

  it("treats a new category as drift with an undefined statistic", () => {
    const column: TColumn = { name: "channel", kind: "categorical", reference: letters(50, 1, 3), current: letters(40, 1, 4) };
    const [feature] = detectDrift([column]).features;
    expect(feature).toMatchObject({ test: "chisquare", statistic: null, pValue: null, drifted: true });
    expect(feature.reason).toMatch(/absent from the reference \("d"\)/);
    // A forced chi-square on a continuous column meets the same case: current values the reference never had.
    expect(detectDrift([income], { tests: { income: "chisquare" } }).features[0]).toMatchObject({ statistic: null, drifted: true });
  });

  it("does not call a single shared category drift", () => {
    const [feature] = detectDrift([{ name: "country", kind: "categorical", reference: ["NL", "NL"], current: ["NL"] }]).features;
    expect(feature).toMatchObject({ statistic: 0, pValue: null, drifted: false });
    expect(feature.reason).toMatch(/single category/);
  });

  it("leaves normed Wasserstein undefined over a constant reference, drifted only if current moves", () => {
    const constant = Array<number>(1200).fill(7);
    const moved = detectDrift([{ name: "version", kind: "numerical", reference: constant, current: [7, 7, 7, 8] }]).features[0];
    expect(moved).toMatchObject({ test: "wasserstein", statistic: null, pValue: null, drifted: true });
    expect(moved.reason).toMatch(/constant/);
    const still = detectDrift([{ name: "version", kind: "numerical", reference: constant, current: [7, 7] }]).features[0];
    expect(still).toMatchObject({ statistic: null, drifted: false });
  });

  it("drops missing values as Evidently does, and accepts numeric strings", () => {
    const clean = detectDrift([income]).features[0];
    const messy: TColumn = {
      ...income,
      reference: [...income.reference, Number.NaN, "", "  "],
      current: [...income.current.map(String), Number.POSITIVE_INFINITY],
    };
    expect(detectDrift([messy]).features[0]).toEqual(clean);
  });

  it("names the column when it cannot test it", () => {
    expect(() => detectDrift([{ ...income, current: [] }])).toThrow(/Column "income": current data is empty/);
    expect(() => detectDrift([{ ...income, reference: [Number.NaN, ""] }])).toThrow(/Column "income": reference data is empty/);
    expect(() => detectDrift([{ ...income, current: ["12", "n/a"] }])).toThrow(/Column "income".*"n\/a"/);
    expect(() => detectDrift([segment], { tests: { segment: "ks" } })).toThrow(/Column "segment": the ks test needs a numerical column/);
  });

  it("gives the dataset verdict from the drifted share", () => {
    // Drifted: rooms, segment, balance, region; not drifted: income.
    const report = detectDrift([income, rooms, segment, balance, region]);
    expect(report.features.map((feature) => feature.drifted)).toEqual([false, true, true, true, true]);
    expect(report.driftedShare).toBe(0.8);
    expect(report.datasetDrift).toBe(true);
    expect(detectDrift([income, rooms, segment, balance, region], { datasetShare: 0.9 }).datasetDrift).toBe(false);
  });

  it("counts a share exactly at the threshold as dataset drift", () => {
    const report = detectDrift([income, rooms]);
    expect(report.driftedShare).toBe(0.5);
    expect(report.datasetDrift).toBe(true);
  });

  it("reports no drift for no columns", () => {
    expect(detectDrift([])).toEqual({ features: [], driftedShare: 0, datasetDrift: false });
  });
});

describe("featureDriftPrepared with values sorted by the caller", () => {
  it("gives detectDrift's feature for the tests that sort, and refuses the ones that need row order", () => {
    const reference = lattice(2_000, 7, 101, 4);
    const current = lattice(1_500, 11, 97, 4, 0.5);
    const sorted = (values: number[]) => Float64Array.from(values).sort();
    for (const test of ["ks", "psi", "wasserstein", undefined] as const) {
      const options: TDriftOptions = test === undefined ? {} : { tests: { x: test } };
      expect(numericalTestSorts("x", reference.length, options)).toBe(true);
      const expected = detectDrift([{ name: "x", kind: "numerical", reference, current }], options).features[0];
      const column = { name: "x", kind: "numerical" as const, reference: sorted(reference), current: sorted(current), sorted: true };
      expect(featureDriftPrepared(column, options)).toEqual(expected);
    }
    // Small references may get chi-square (row order decides its categories' order); JS bins in row order too.
    expect(numericalTestSorts("x", 1_000, {})).toBe(false);
    expect(numericalTestSorts("x", 2_000, { tests: { x: "jensenshannon" } })).toBe(false);
    const column = { name: "x", kind: "numerical" as const, reference: sorted(reference), current: sorted(current), sorted: true };
    expect(() => featureDriftPrepared(column, { tests: { x: "chisquare" } })).toThrow("the chisquare test needs the values in row order");
  });
});
