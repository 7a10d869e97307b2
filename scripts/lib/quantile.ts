/**
 * The q-quantile of ascending `sorted` values by nearest rank (the value at index ⌊q·n⌋, the last one
 * for q = 1), as the benchmarks report p50 / p95 / p99; NaN when there are none.
 */
export function nearestRankQuantile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}
