import { quantileLinear } from "./psi";

/** Index of the first value ≥ edge in ascending values (values.length when none). */
function lowerBound(values: Float64Array, edge: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] < edge) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * populationStabilityIndex (psi.ts) on ascending arrays: the same edges, the same integer counts
 * per bin found by binary search instead of a scan per value, the same sum in the same order,
 * so the same double. A value's bin is the number of edges ≤ it, so bin b holds the values
 * ≥ edge b − 1 minus those ≥ edge b.
 */
export function populationStabilityIndexSorted(reference: Float64Array, current: Float64Array): number | null {
  if (reference.length === 0 || current.length === 0) return null;
  const edges = [...new Set(Array.from({ length: 9 }, (_, index) => quantileLinear(reference, (index + 1) / 10)))];
  const proportions = (values: Float64Array) => {
    const counts = new Array<number>(edges.length + 1).fill(0);
    let atLeastPrevious = values.length;
    edges.forEach((edge, bin) => {
      const atLeast = values.length - lowerBound(values, edge);
      counts[bin] = atLeastPrevious - atLeast;
      atLeastPrevious = atLeast;
    });
    counts[edges.length] = atLeastPrevious;
    return counts.map((count) => Math.max(count / values.length, 0.0001));
  };
  const ref = proportions(reference);
  const cur = proportions(current);
  return ref.reduce((sum, refShare, bin) => sum + (cur[bin] - refShare) * Math.log(cur[bin] / refShare), 0);
}
