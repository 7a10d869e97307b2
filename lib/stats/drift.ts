import { populationStabilityIndexSorted } from "./psi-sorted";
import { radixSortFloat64 } from "./radix-sort";
import { chiSquareSurvival, kolmogorovSmirnovSurvival, roundHalfEven } from "./special";

export type TDriftTest = "ks" | "psi" | "wasserstein" | "jensenshannon" | "chisquare";
type TFeatureKind = "numerical" | "categorical";
export type TFeatureDrift = {
  name: string;
  kind: TFeatureKind;
  test: TDriftTest;
  statistic: number | null;
  pValue: number | null;
  threshold: number;
  drifted: boolean;
  reason?: string;
};
export type TDriftReport = { features: TFeatureDrift[]; driftedShare: number; datasetDrift: boolean };
export type TColumn = { name: string; kind: TFeatureKind; reference: (number | string)[]; current: (number | string)[] };
export type TDriftOptions = {
  tests?: Record<string, TDriftTest>;
  thresholds?: Record<string, number>;
  /** Share of drifted features from which the dataset counts as drifted; default 0.5. */
  datasetShare?: number;
};

/** Evidently's default thresholds: p-value tests drift below theirs, distances at or above theirs. */
const DEFAULT_THRESHOLDS: Record<TDriftTest, number> = {
  ks: 0.05,
  chisquare: 0.05,
  psi: 0.1,
  wasserstein: 0.1,
  jensenshannon: 0.1,
};
const P_VALUE_TESTS = new Set<TDriftTest>(["ks", "chisquare"]);
/** Evidently switches from p-value tests to distances above this many reference rows. */
const SMALL_REFERENCE_ROWS = 1000;
/** Evidently treats a numerical column with at most this many distinct values as categorical. */
const FEW_DISTINCT_VALUES = 5;
/** ks_2samp's method='auto' computes the exact p-value while both samples have at most this many rows. */
const KS_MAX_EXACT_N = 10000;

// ---------------------------------------------------------------------------------------------
// Input handling
// ---------------------------------------------------------------------------------------------

function finiteOrThrow(values: number[], label: string): Float64Array {
  if (values.length === 0) throw new Error(`${label} is empty`);
  const copy = Float64Array.from(values);
  for (let i = 0; i < copy.length; i += 1) {
    if (!Number.isFinite(copy[i])) throw new Error(`${label} has a non-finite value at index ${i}`);
  }
  return copy;
}

const sortedFiniteOrThrow = (values: number[], label: string) => radixSortFloat64(finiteOrThrow(values, label));

/** Neumaier-compensated sum, so long columns do not lose digits to rounding. */
function compensatedSum(values: Float64Array, transform: (value: number) => number = (value) => value): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i += 1) {
    const term = transform(values[i]);
    const next = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
  }
  return sum + compensation;
}

/** numpy.std(values) (ddof = 0): mean first, then the mean squared deviation. */
function populationStd(values: Float64Array): number {
  const mean = compensatedSum(values) / values.length;
  return Math.sqrt(compensatedSum(values, (value) => (value - mean) * (value - mean)) / values.length);
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

// ---------------------------------------------------------------------------------------------
// Kolmogorov–Smirnov
// ---------------------------------------------------------------------------------------------

/** Pr(D_{n,n} ≥ h/n) by the alternating binomial sum in Horner form (scipy _compute_prob_outside_square). */
function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k -= 1) {
    let p1 = 1;
    for (let j = 0; j < h; j += 1) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * Share of lattice paths from (0, 0) to (m, n) that leave the band |x/m − y/n| < h/lcm(m, n),
 * by Hodges' inside method with Viehmann's 1 − p recursion (scipy _compute_outer_prob_inside_method).
 */
function probabilityOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxJ - minJ;
  const lengthA = Math.min(2 * maxJ + 2, n + 1);
  const a = new Float64Array(lengthA).fill(1);
  a.fill(0, minJ, maxJ);
  for (let i = 1; i <= m; i += 1) {
    const lastMinJ = minJ;
    const lastLength = currentLength;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let value = minJ === 0 ? 0 : 1;
    for (let jj = 0; jj < maxJ - minJ; jj += 1) {
      const j = jj + minJ;
      value = (a[jj + minJ - lastMinJ] * i + value * j) / (i + j);
      a[jj] = value;
    }
    currentLength = maxJ - minJ;
    if (lastLength > currentLength) a.fill(1, maxJ - minJ, maxJ - minJ + (lastLength - currentLength));
  }
  return a[maxJ - minJ - 1];
}

function ksFromSorted(reference: Float64Array, current: Float64Array): { statistic: number; pValue: number; method: "exact" | "asymp" } {
  const n1 = reference.length;
  const n2 = current.length;
  // D from the right-continuous ECDFs at every observed value, as count / n like scipy (bit-exact).
  let maxDiff = 0;
  let minDiff = 0;
  for (let i = 0, j = 0; i < n1 || j < n2;) {
    const value = j >= n2 || (i < n1 && reference[i] <= current[j]) ? reference[i] : current[j];
    while (i < n1 && reference[i] <= value) i += 1;
    while (j < n2 && current[j] <= value) j += 1;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  let d = Math.max(maxDiff, Math.min(-minDiff, 1));

  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    // scipy reports the statistic snapped to the lattice, h / lcm, whenever it tries the exact path.
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: "exact" };
    const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: d, pValue: p, method: "exact" };
    // Like scipy, fall back to the asymptotic distribution when the exact value is unusable.
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const effectiveN = roundHalfEven((m * n) / (m + n));
  const p = kolmogorovSmirnovSurvival(effectiveN, d);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: "asymp" };
}

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp(method='auto') in scipy 1.10:
 * exact p-value while both samples have ≤ 10 000 rows, else kstwo.sf(D, round(n·m / (n + m))).
 */
export function ksTwoSample(reference: number[], current: number[]): { statistic: number; pValue: number; method: "exact" | "asymp" } {
  return ksFromSorted(sortedFiniteOrThrow(reference, "ksTwoSample: reference"), sortedFiniteOrThrow(current, "ksTwoSample: current"));
}

// ---------------------------------------------------------------------------------------------
// Wasserstein
// ---------------------------------------------------------------------------------------------

/** ∫ |U − V| over the merged sorted values (scipy _cdf_distance with p = 1). */
function wassersteinFromSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  let i = 0;
  let j = 0;
  let previous = Math.min(u[0], v[0]);
  let sum = 0;
  let compensation = 0;
  while (i < nu || j < nv) {
    const value = j >= nv || (i < nu && u[i] <= v[j]) ? u[i] : v[j];
    const term = Math.abs(i / nu - j / nv) * (value - previous);
    const next = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
    previous = value;
    while (i < nu && u[i] <= value) i += 1;
    while (j < nv && v[j] <= value) j += 1;
  }
  return sum + compensation;
}

/** First Wasserstein distance between two 1-D samples, as scipy.stats.wasserstein_distance(u, v). */
export function wassersteinDistance(reference: number[], current: number[]): number {
  return wassersteinFromSorted(
    sortedFiniteOrThrow(reference, "wassersteinDistance: reference"),
    sortedFiniteOrThrow(current, "wassersteinDistance: current"),
  );
}

/** Evidently's normed Wasserstein: W(reference, current) / numpy.std(reference); null when that std is 0. */
export function normedWasserstein(reference: number[], current: number[]): number | null {
  const sortedReference = sortedFiniteOrThrow(reference, "normedWasserstein: reference");
  const sortedCurrent = sortedFiniteOrThrow(current, "normedWasserstein: current");
  return normedWassersteinFromSorted(sortedReference, sortedCurrent);
}

function normedWassersteinFromSorted(reference: Float64Array, current: Float64Array): number | null {
  const std = populationStd(reference);
  if (std === 0) return null;
  return wassersteinFromSorted(reference, current) / std;
}

// ---------------------------------------------------------------------------------------------
// Jensen–Shannon
// ---------------------------------------------------------------------------------------------

/** numpy.histogram_bin_edges over data with this minimum, maximum and size, bins='sturges'. */
function sturgesEdgesFromRange(min: number, max: number, size: number): Float64Array {
  if (min === max) return Float64Array.of(min - 0.5, max + 0.5);
  // numpy derives the bin count from the Sturges width, ceil(range / (range / (log2 n + 1))),
  // which can exceed ceil(log2 n + 1) by one when rounding lands just above an integer.
  const width = (max - min) / (Math.log2(size) + 1);
  const bins = Math.ceil((max - min) / width);
  // numpy.linspace: first + i · step, the final edge exactly `max`.
  const step = (max - min) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i += 1) edges[i] = i * step + min;
  edges[bins] = max;
  return edges;
}

/** numpy.histogram_bin_edges(values, bins='sturges'). */
export function sturgesEdges(values: number[]): number[] {
  if (values.length === 0) throw new Error("sturgesEdges: no values");
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new Error("sturgesEdges: non-finite value");
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return Array.from(sturgesEdgesFromRange(min, max, values.length));
}

/** Counts per bin as numpy.histogram with uniform edges: [e_i, e_{i+1}), the last bin closed. */
function histogramCounts(values: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const first = edges[0];
  const norm = bins / (edges[bins] - first);
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    let bin = Math.trunc((value - first) * norm);
    if (bin >= bins) bin = bins - 1;
    if (bin < 0) bin = 0;
    // The multiplication can land one bin off near an edge; the edges themselves decide.
    while (bin > 0 && value < edges[bin]) bin -= 1;
    while (bin < bins - 1 && value >= edges[bin + 1]) bin += 1;
    counts[bin] += 1;
  }
  return counts;
}

/** scipy.spatial.distance.jensenshannon(p, q) (natural log): √(½ KL(p‖m) + ½ KL(q‖m)), m = (p + q)/2. */
function jensenShannonFromCounts(
  referenceCounts: Float64Array,
  currentCounts: Float64Array,
  referenceTotal: number,
  currentTotal: number,
): number {
  // Evidently passes proportions (count / n); scipy normalises them once more.
  const p = referenceCounts.map((count) => count / referenceTotal);
  const q = currentCounts.map((count) => count / currentTotal);
  const pSum = p.reduce((sum, value) => sum + value, 0);
  const qSum = q.reduce((sum, value) => sum + value, 0);
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i += 1) {
    const pi = p[i] / pSum;
    const qi = q[i] / qSum;
    const mi = (pi + qi) / 2;
    if (pi > 0) left += pi * Math.log(pi / mi);
    if (qi > 0) right += qi * Math.log(qi / mi);
  }
  // Rounding can leave a hair below zero for identical distributions.
  return Math.sqrt(Math.max((left + right) / 2, 0));
}

function jensenShannonNumericalFromValues(reference: Float64Array, current: Float64Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (const values of [reference, current]) {
    for (let i = 0; i < values.length; i += 1) {
      if (values[i] < min) min = values[i];
      if (values[i] > max) max = values[i];
    }
  }
  const edges = sturgesEdgesFromRange(min, max, reference.length + current.length);
  return jensenShannonFromCounts(histogramCounts(reference, edges), histogramCounts(current, edges), reference.length, current.length);
}

/** Jensen–Shannon distance (natural log) of the two samples' histograms on Sturges edges over reference ∪ current (Evidently). */
export function jensenShannonNumerical(reference: number[], current: number[]): number {
  return jensenShannonNumericalFromValues(
    finiteOrThrow(reference, "jensenShannonNumerical: reference"),
    finiteOrThrow(current, "jensenShannonNumerical: current"),
  );
}

type TCategoryCounts = { categories: string[]; reference: Float64Array; current: Float64Array };

/** Counts per category over the union of categories, reference categories first. */
function countCategories(reference: string[], current: string[]): TCategoryCounts {
  const index = new Map<string, number>();
  const referenceCounts: number[] = [];
  for (const value of reference) {
    const at = index.get(value);
    if (at === undefined) {
      index.set(value, referenceCounts.length);
      referenceCounts.push(1);
    } else {
      referenceCounts[at] += 1;
    }
  }
  const currentCounts = new Array<number>(referenceCounts.length).fill(0);
  for (const value of current) {
    const at = index.get(value);
    if (at === undefined) {
      index.set(value, currentCounts.length);
      currentCounts.push(1);
      referenceCounts.push(0);
    } else {
      currentCounts[at] += 1;
    }
  }
  return { categories: [...index.keys()], reference: Float64Array.from(referenceCounts), current: Float64Array.from(currentCounts) };
}

/** Jensen–Shannon distance (natural log) of the category proportions over the union of categories (Evidently). */
export function jensenShannonCategorical(reference: string[], current: string[]): number {
  if (reference.length === 0) throw new Error("jensenShannonCategorical: reference is empty");
  if (current.length === 0) throw new Error("jensenShannonCategorical: current is empty");
  const counts = countCategories(reference, current);
  return jensenShannonFromCounts(counts.reference, counts.current, reference.length, current.length);
}

// ---------------------------------------------------------------------------------------------
// Chi-square
// ---------------------------------------------------------------------------------------------

/**
 * Pearson chi-square goodness of fit of the current category counts against the reference
 * proportions, scipy.stats.chisquare(f_obs = current counts, f_exp = reference share × current rows),
 * p = chi2.sf(stat, k − 1). Undefined (null, with a reason) when the current data has a category the
 * reference never had, and the p-value is undefined with a single category.
 */
export function chiSquareTest(
  reference: string[],
  current: string[],
): { statistic: number | null; pValue: number | null; reason?: string } {
  if (reference.length === 0) throw new Error("chiSquareTest: reference is empty");
  if (current.length === 0) throw new Error("chiSquareTest: current is empty");
  return chiSquareFromCounts(countCategories(reference, current), reference.length, current.length);
}

/** chiSquareTest on category counts over the union of categories (rows: the values counted on each side). */
function chiSquareFromCounts(
  counts: TCategoryCounts,
  referenceRows: number,
  currentRows: number,
): { statistic: number | null; pValue: number | null; reason?: string } {
  const unseen = counts.categories.filter((_, i) => counts.reference[i] === 0);
  if (unseen.length > 0) {
    const examples = unseen
      .slice(0, 3)
      .map((category) => JSON.stringify(category))
      .join(", ");
    return {
      statistic: null,
      pValue: null,
      reason: `current data has ${unseen.length} ${unseen.length === 1 ? "category" : "categories"} absent from the reference (${examples}${unseen.length > 3 ? ", …" : ""}): expected count 0`,
    };
  }
  let statistic = 0;
  for (let i = 0; i < counts.categories.length; i += 1) {
    const expected = (counts.reference[i] / referenceRows) * currentRows;
    const difference = counts.current[i] - expected;
    statistic += (difference * difference) / expected;
  }
  const degreesOfFreedom = counts.categories.length - 1;
  if (degreesOfFreedom === 0) return { statistic, pValue: null, reason: "a single category: chi-square has no degrees of freedom" };
  return { statistic, pValue: Math.min(Math.max(chiSquareSurvival(statistic, degreesOfFreedom), 0), 1) };
}

// ---------------------------------------------------------------------------------------------
// Drift over columns
// ---------------------------------------------------------------------------------------------

const isMissing = (value: number | string) =>
  (typeof value === "number" && Number.isNaN(value)) || (typeof value === "string" && value.trim() === "");

function numericalValuesOrThrow(column: TColumn, side: "reference" | "current"): Float64Array {
  const raw = column[side];
  const values = new Float64Array(raw.length);
  let size = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const value = raw[i];
    if (isMissing(value)) continue;
    const number = typeof value === "number" ? value : Number(value);
    if (Number.isNaN(number))
      throw new Error(`Column "${column.name}": ${side} value ${JSON.stringify(value)} at row ${i} is not a number`);
    // Evidently drops ±inf with the missing values.
    if (!Number.isFinite(number)) continue;
    values[size] = number;
    size += 1;
  }
  if (size === 0) throw new Error(`Column "${column.name}": ${side} data is empty`);
  return values.subarray(0, size);
}

function categoricalValuesOrThrow(column: TColumn, side: "reference" | "current"): string[] {
  const values: string[] = [];
  for (const value of column[side]) if (!isMissing(value)) values.push(String(value));
  if (values.length === 0) throw new Error(`Column "${column.name}": ${side} data is empty`);
  return values;
}

/** Whether reference and current together hold at most `limit` distinct values (stops at limit + 1). */
function hasAtMostDistinct(reference: Float64Array, current: Float64Array, limit: number): boolean {
  const seen = new Set<number>();
  for (const values of [reference, current]) {
    for (let i = 0; i < values.length; i += 1) {
      seen.add(values[i]);
      if (seen.size > limit) return false;
    }
  }
  return true;
}

/** Evidently's default test for a column (with chi-square in place of its z-test for two values). */
function defaultTest(kind: TFeatureKind, referenceRows: number, fewDistinct: () => boolean): TDriftTest {
  if (referenceRows <= SMALL_REFERENCE_ROWS) return kind === "categorical" || fewDistinct() ? "chisquare" : "ks";
  return kind === "categorical" ? "jensenshannon" : "wasserstein";
}

function floatsToStrings(values: Float64Array): string[] {
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = String(values[i]);
  return out;
}

type TMeasurement = { statistic: number | null; pValue: number | null; reason?: string; undefinedDrift?: boolean };

/**
 * `reference` and `current` are this column's own copies; tests that need order sort them in place
 * (or not at all when the caller has them sorted already, `sorted`).
 */
function measureNumerical(test: TDriftTest, reference: Float64Array, current: Float64Array, sorted = false): TMeasurement {
  const sort = sorted ? (values: Float64Array) => values : (values: Float64Array) => radixSortFloat64(values);
  switch (test) {
    case "ks": {
      const result = ksFromSorted(sort(reference), sort(current));
      return { statistic: result.statistic, pValue: result.pValue };
    }
    case "psi":
      return { statistic: populationStabilityIndexSorted(sort(reference), sort(current)), pValue: null };
    case "wasserstein": {
      const statistic = normedWassersteinFromSorted(sort(reference), sort(current));
      if (statistic !== null) return { statistic, pValue: null };
      const constant = reference[0];
      const spread = current.some((value) => value !== constant);
      return {
        statistic: null,
        pValue: null,
        reason: `reference is constant (${constant}): normed Wasserstein divides by its standard deviation, 0`,
        undefinedDrift: spread,
      };
    }
    case "jensenshannon":
      return { statistic: jensenShannonNumericalFromValues(reference, current), pValue: null };
    case "chisquare":
      return chiSquareMeasurement(countCategories(floatsToStrings(reference), floatsToStrings(current)), reference.length, current.length);
  }
}

function chiSquareMeasurement(counts: TCategoryCounts, referenceRows: number, currentRows: number): TMeasurement {
  const result = chiSquareFromCounts(counts, referenceRows, currentRows);
  // A new category is drift; a single shared category is not.
  return { ...result, undefinedDrift: result.statistic === null };
}

function measureCategorical(column: TPreparedColumn & { kind: "categorical" }, test: TDriftTest): TMeasurement {
  switch (test) {
    case "chisquare":
      return chiSquareMeasurement(column.counts, column.referenceRows, column.currentRows);
    case "jensenshannon":
      return {
        statistic: jensenShannonFromCounts(column.counts.reference, column.counts.current, column.referenceRows, column.currentRows),
        pValue: null,
      };
    default:
      throw new Error(`Column "${column.name}": the ${test} test needs a numerical column`);
  }
}

/**
 * A column ready for the tests, without missing values: finite numbers in row order (empty arrays
 * are refused by featureDriftPrepared), or category counts over the union of categories, the
 * reference's first, each side in order of first appearance (rows: the values counted per side).
 * detectDrift builds these from TColumn; the CLI's byte reader builds them straight from the file.
 */
export type TPreparedColumn =
  /** `sorted`: both arrays are ascending already (allowed only when sortedTestOrNull gave a test). */
  | { name: string; kind: "numerical"; reference: Float64Array; current: Float64Array; sorted?: boolean }
  | { name: string; kind: "categorical"; counts: TCategoryCounts; referenceRows: number; currentRows: number };

function forcedTestOrThrow(name: string, options: TDriftOptions): TDriftTest | undefined {
  const forced = options.tests?.[name];
  if (forced !== undefined && !Object.hasOwn(DEFAULT_THRESHOLDS, forced))
    throw new Error(`Column "${name}": unknown drift test ${JSON.stringify(forced)}`);
  return forced;
}

function prepareColumn(column: TColumn): TPreparedColumn {
  if (column.kind === "numerical") {
    const reference = numericalValuesOrThrow(column, "reference");
    return { name: column.name, kind: "numerical", reference, current: numericalValuesOrThrow(column, "current") };
  }
  const reference = categoricalValuesOrThrow(column, "reference");
  const current = categoricalValuesOrThrow(column, "current");
  return {
    name: column.name,
    kind: "categorical",
    counts: countCategories(reference, current),
    referenceRows: reference.length,
    currentRows: current.length,
  };
}

function featureDrift(column: TColumn, options: TDriftOptions): TFeatureDrift {
  forcedTestOrThrow(column.name, options);
  return featureDriftPrepared(prepareColumn(column), options);
}

/** Tests that see numerical values only sorted: their values may be handed over sorted already. */
const SORTING_TESTS: ReadonlySet<TDriftTest> = new Set(["ks", "psi", "wasserstein"]);

/**
 * Whether a numerical column's test is known from its size alone and is one that sorts its values
 * (so a caller that can sort them more cheaply may pass them sorted); false when unsure.
 */
export function numericalTestSorts(name: string, referenceRows: number, options: TDriftOptions): boolean {
  const forced = forcedTestOrThrow(name, options);
  if (forced !== undefined) return SORTING_TESTS.has(forced);
  return referenceRows > SMALL_REFERENCE_ROWS && SORTING_TESTS.has(defaultTest("numerical", referenceRows, () => false));
}

/** One feature's test and verdict, as detectDrift gives it. Numerical arrays are sorted in place. */
export function featureDriftPrepared(column: TPreparedColumn, options: TDriftOptions): TFeatureDrift {
  const forced = forcedTestOrThrow(column.name, options);
  let test: TDriftTest;
  let measurement: TMeasurement;
  if (column.kind === "numerical") {
    const { reference, current } = column;
    if (reference.length === 0) throw new Error(`Column "${column.name}": reference data is empty`);
    if (current.length === 0) throw new Error(`Column "${column.name}": current data is empty`);
    test = forced ?? defaultTest("numerical", reference.length, () => hasAtMostDistinct(reference, current, FEW_DISTINCT_VALUES));
    if (column.sorted === true && !SORTING_TESTS.has(test))
      throw new Error(`Column "${column.name}": the ${test} test needs the values in row order`);
    measurement = measureNumerical(test, reference, current, column.sorted === true);
  } else {
    if (column.referenceRows === 0) throw new Error(`Column "${column.name}": reference data is empty`);
    if (column.currentRows === 0) throw new Error(`Column "${column.name}": current data is empty`);
    test = forced ?? defaultTest("categorical", column.referenceRows, () => true);
    measurement = measureCategorical(column, test);
  }
  const threshold = options.thresholds?.[column.name] ?? DEFAULT_THRESHOLDS[test];
  let drifted: boolean;
  if (P_VALUE_TESTS.has(test)) {
    drifted = measurement.pValue === null ? measurement.undefinedDrift === true : measurement.pValue < threshold;
  } else {
    drifted = measurement.statistic === null ? measurement.undefinedDrift === true : measurement.statistic >= threshold;
  }
  const result: TFeatureDrift = {
    name: column.name,
    kind: column.kind,
    test,
    statistic: measurement.statistic,
    pValue: measurement.pValue,
    threshold,
    drifted,
  };
  if (measurement.reason !== undefined) result.reason = measurement.reason;
  return result;
}

/**
 * Per-feature drift with Evidently's default test choice and thresholds, and the dataset verdict
 * (drifted share ≥ datasetShare, default 0.5). Missing values (NaN, ±∞, blank strings) are dropped
 * first, as Evidently does; a column left without reference or current data throws.
 */
export function detectDrift(columns: TColumn[], options: TDriftOptions = {}): TDriftReport {
  return summarizeDrift(
    columns.map((column) => featureDrift(column, options)),
    options,
  );
}

/** The report over features measured one by one (featureDriftPrepared), in column order. */
export function summarizeDrift(features: TFeatureDrift[], options: TDriftOptions = {}): TDriftReport {
  const driftedCount = features.filter((feature) => feature.drifted).length;
  const driftedShare = features.length === 0 ? 0 : driftedCount / features.length;
  return { features, driftedShare, datasetDrift: features.length > 0 && driftedShare >= (options.datasetShare ?? 0.5) };
}
