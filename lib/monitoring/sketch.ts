import { quantileLinear } from "../stats/psi";

/**
 * Mergeable summaries of one distribution ("sketches"). A monitor window keeps one per feature,
 * so a panel over any range of windows adds counts instead of rescanning predictions.
 *
 * Numerical features are counted in fixed bins whose inner edges are the reference's
 * 1 %, 2 %, …, 99 % quantiles (numpy's linear method, equal edges collapse). Those edges contain
 * PSI's 10 %, …, 90 % edges bit for bit, so PSI over sketches is exact; KS and Wasserstein are
 * approximations whose error bounds come from the bins (see ksBounds, wassersteinBounds).
 */
export type TNumericSketch = {
  kind: "numerical";
  counts: number[];
  count: number;
  sum: number;
  sumSquares: number;
  min: number | null;
  max: number | null;
};
export type TCategoricalSketch = { kind: "categorical"; counts: Record<string, number>; count: number };
export type TSketch = TNumericSketch | TCategoricalSketch;

/** Inner bin edges from reference values: the 1 %, …, 99 % quantiles, duplicates removed. */
export function numericEdges(reference: ArrayLike<number>): number[] {
  if (reference.length === 0) return [];
  const sorted = Float64Array.from(reference).sort();
  const edges: number[] = [];
  for (let k = 1; k <= 99; k += 1) {
    const edge = quantileLinear(sorted, k / 100);
    if (edges.length === 0 || edge !== edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** The bin of a value: the number of edges ≤ value (a value on an edge goes to the upper bin). */
export function binOf(edges: number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value >= edges[middle]) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function emptyNumericSketch(edges: number[]): TNumericSketch {
  return { kind: "numerical", counts: new Array(edges.length + 1).fill(0), count: 0, sum: 0, sumSquares: 0, min: null, max: null };
}

export function addNumeric(sketch: TNumericSketch, edges: number[], value: number): void {
  sketch.counts[binOf(edges, value)] += 1;
  sketch.count += 1;
  sketch.sum += value;
  sketch.sumSquares += value * value;
  sketch.min = sketch.min === null ? value : Math.min(sketch.min, value);
  sketch.max = sketch.max === null ? value : Math.max(sketch.max, value);
}

export function sketchNumeric(values: ArrayLike<number>, edges: number[]): TNumericSketch {
  const sketch = emptyNumericSketch(edges);
  for (let index = 0; index < values.length; index += 1) addNumeric(sketch, edges, values[index]);
  return sketch;
}

export function sketchCategorical(values: ArrayLike<string | number | boolean>): TCategoricalSketch {
  const counts: Record<string, number> = {};
  for (let index = 0; index < values.length; index += 1) {
    const key = String(values[index]);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { kind: "categorical", counts, count: values.length };
}

/** Sum of two sketches of the same feature (same edges). */
export function mergeSketches<T extends TSketch>(a: T, b: T): T {
  if (a.kind === "numerical" && b.kind === "numerical") {
    if (a.counts.length !== b.counts.length) throw new Error("cannot merge numerical sketches with different bins");
    const min = a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min);
    const max = a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max);
    return {
      kind: "numerical",
      counts: a.counts.map((count, bin) => count + b.counts[bin]),
      count: a.count + b.count,
      sum: a.sum + b.sum,
      sumSquares: a.sumSquares + b.sumSquares,
      min,
      max,
    } as T;
  }
  if (a.kind === "categorical" && b.kind === "categorical") {
    const counts = { ...a.counts };
    for (const [key, count] of Object.entries(b.counts)) counts[key] = (counts[key] ?? 0) + count;
    return { kind: "categorical", counts, count: a.count + b.count } as T;
  }
  throw new Error("cannot merge a numerical sketch with a categorical one");
}

/** Population standard deviation (ddof 0) from the sketch's moments. */
export function sketchStd(sketch: TNumericSketch): number {
  if (sketch.count === 0) return 0;
  const mean = sketch.sum / sketch.count;
  return Math.sqrt(Math.max(0, sketch.sumSquares / sketch.count - mean * mean));
}

/** PSI over sketches: exact, because PSI's decile edges are among the sketch edges (see psi.ts). */
export function psiFromSketches({
  reference,
  current,
  edges,
  referenceValuesSorted,
}: {
  reference: TNumericSketch;
  current: TNumericSketch;
  edges: number[];
  referenceValuesSorted: Float64Array;
}): number | null {
  if (reference.count === 0 || current.count === 0) return null;
  const psiEdges = [...new Set(Array.from({ length: 9 }, (_, index) => quantileLinear(referenceValuesSorted, (index + 1) / 10)))];
  const group = (sketch: TNumericSketch) => {
    const counts = new Array(psiEdges.length + 1).fill(0);
    sketch.counts.forEach((count, bin) => {
      // Fine bin `bin` starts at edges[bin − 1]; it lies inside the PSI bin of that lower edge.
      const psiBin = bin === 0 ? 0 : binOf(psiEdges, edges[bin - 1]);
      counts[psiBin] += count;
    });
    return counts.map((count) => Math.max(count / sketch.count, 0.0001));
  };
  const ref = group(reference);
  const cur = group(current);
  return ref.reduce((sum, share, bin) => sum + (cur[bin] - share) * Math.log(cur[bin] / share), 0);
}

/** Both CDFs at every bin boundary, with the boundaries (outer ones from the samples' min and max). */
function cdfsAtBoundaries(reference: TNumericSketch, current: TNumericSketch, edges: number[]) {
  const low = Math.min(reference.min ?? Infinity, current.min ?? Infinity);
  const high = Math.max(reference.max ?? -Infinity, current.max ?? -Infinity);
  const boundaries = [Math.min(low, edges[0] ?? low), ...edges, Math.max(high, edges[edges.length - 1] ?? high)];
  const ref = [0];
  const cur = [0];
  for (let bin = 0; bin < reference.counts.length; bin += 1) {
    ref.push(ref[bin] + reference.counts[bin] / reference.count);
    cur.push(cur[bin] + current.counts[bin] / current.count);
  }
  return { boundaries, ref, cur };
}

export type TBounded = { estimate: number; lower: number; upper: number };

/**
 * KS statistic D = sup |F_ref − F_cur| over sketches. D at the bin boundaries is a lower bound;
 * inside a bin each CDF stays between its values at the bin's ends, which bounds D from above.
 * The estimate is the lower bound (the exact D whenever the supremum falls on an edge).
 */
export function ksBounds(reference: TNumericSketch, current: TNumericSketch, edges: number[]): TBounded | null {
  if (reference.count === 0 || current.count === 0) return null;
  const { ref, cur } = cdfsAtBoundaries(reference, current, edges);
  let lower = 0;
  let upper = 0;
  for (let bin = 0; bin < ref.length - 1; bin += 1) {
    lower = Math.max(lower, Math.abs(ref[bin + 1] - cur[bin + 1]));
    upper = Math.max(upper, Math.abs(ref[bin + 1] - cur[bin]), Math.abs(cur[bin + 1] - ref[bin]));
  }
  return { estimate: lower, lower, upper: Math.min(1, upper) };
}

/**
 * Wasserstein-1 distance ∫ |F_ref − F_cur| dx over sketches. The estimate takes both CDFs as linear
 * inside each bin (values spread evenly); the bounds hold for any spread inside the bins.
 */
export function wassersteinBounds(reference: TNumericSketch, current: TNumericSketch, edges: number[]): TBounded | null {
  if (reference.count === 0 || current.count === 0) return null;
  const { boundaries, ref, cur } = cdfsAtBoundaries(reference, current, edges);
  let estimate = 0;
  let lower = 0;
  let upper = 0;
  for (let bin = 0; bin < ref.length - 1; bin += 1) {
    const width = boundaries[bin + 1] - boundaries[bin];
    if (width <= 0) continue;
    const start = ref[bin] - cur[bin];
    const end = ref[bin + 1] - cur[bin + 1];
    // ∫ of |a linear function| over the bin: the two triangles when it changes sign.
    estimate +=
      Math.sign(start) === Math.sign(end) || start === 0 || end === 0
        ? (width * (Math.abs(start) + Math.abs(end))) / 2
        : (width * (start * start + end * end)) / (2 * (Math.abs(start) + Math.abs(end)));
    lower += width * Math.max(0, ref[bin] - cur[bin + 1], cur[bin] - ref[bin + 1]);
    upper += width * Math.max(Math.abs(ref[bin + 1] - cur[bin]), Math.abs(cur[bin + 1] - ref[bin]));
  }
  return { estimate, lower, upper };
}

/** Jensen–Shannon distance (natural log) between two count vectors over the same categories, as scipy.spatial.distance.jensenshannon. */
export function jensenShannonFromCounts(reference: Record<string, number>, current: Record<string, number>): number | null {
  const keys = [...new Set([...Object.keys(reference), ...Object.keys(current)])];
  const refTotal = keys.reduce((sum, key) => sum + (reference[key] ?? 0), 0);
  const curTotal = keys.reduce((sum, key) => sum + (current[key] ?? 0), 0);
  if (refTotal === 0 || curTotal === 0) return null;
  let divergence = 0;
  for (const key of keys) {
    const p = (reference[key] ?? 0) / refTotal;
    const q = (current[key] ?? 0) / curTotal;
    const m = (p + q) / 2;
    if (p > 0) divergence += p * Math.log(p / m);
    if (q > 0) divergence += q * Math.log(q / m);
  }
  return Math.sqrt(Math.max(0, divergence / 2));
}
