/**
 * Quantile of sorted values with numpy's default 'linear' method, bit-exact as numpy ≥ 1.22
 * computes it (STATISTICS.md, "Quantile cut points"): h = (n − 1)·q, then a + (b − a)·t below t = 0.5, b − (b − a)·(1 − t) from it.
 */
export function quantileLinear(sorted: Float64Array | number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const t = h - i;
  const a = sorted[i];
  const b = sorted[Math.min(i + 1, sorted.length - 1)];
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

/**
 * Population stability index with 10 bins whose inner edges are the reference's 10 %, …, 90 %
 * quantiles (equal edges collapse), outer bins open; a value equal to an edge goes to the upper
 * bin; empty bins count as 0.0001. PSI = Σ (cur − ref) · ln(cur / ref).
 */
export function populationStabilityIndex(reference: number[], current: number[]): number | null {
  if (reference.length === 0 || current.length === 0) return null;
  const sorted = Float64Array.from(reference).sort();
  const edges = [...new Set(Array.from({ length: 9 }, (_, index) => quantileLinear(sorted, (index + 1) / 10)))];
  const proportions = (values: number[]) => {
    const counts = new Array(edges.length + 1).fill(0);
    for (const value of values) {
      // Upper bin on ties: count the edges that are ≤ value.
      let bin = 0;
      while (bin < edges.length && value >= edges[bin]) bin += 1;
      counts[bin] += 1;
    }
    return counts.map((count) => Math.max(count / values.length, 0.0001));
  };
  const ref = proportions(reference);
  const cur = proportions(current);
  return ref.reduce((sum, refShare, bin) => sum + (cur[bin] - refShare) * Math.log(cur[bin] / refShare), 0);
}
