import { populationStabilityIndex } from "../stats/psi";

/**
 * Disparate impact on the favourable outcome (for a credit model: approval, i.e. a predicted
 * negative): the lowest group rate ÷ the highest. Null with fewer than two groups or no
 * favourable outcome at all.
 */
export function disparateImpactOfFavourable({
  favourable,
  groups,
}: {
  favourable: boolean[];
  groups: Array<string | number>;
}): number | null {
  const totals = new Map<string, { count: number; favourable: number }>();
  groups.forEach((group, index) => {
    const entry = totals.get(String(group)) ?? { count: 0, favourable: 0 };
    entry.count += 1;
    if (favourable[index]) entry.favourable += 1;
    totals.set(String(group), entry);
  });
  if (totals.size < 2) return null;
  const rates = [...totals.values()].map((entry) => entry.favourable / entry.count);
  const highest = Math.max(...rates);
  return highest === 0 ? null : Math.min(...rates) / highest;
}

/** Share of features whose PSI (reference vs current) is at least `threshold` (0.1, the usual PSI drift line). */
export function driftedFeatureShare({
  reference,
  current,
  threshold = 0.1,
}: {
  reference: number[][];
  current: number[][];
  threshold?: number;
}): { share: number; psi: number[] } | null {
  if (reference.length === 0 || current.length === 0) return null;
  const width = reference[0].length;
  const psi = Array.from(
    { length: width },
    (_, column) =>
      populationStabilityIndex(
        reference.map((row) => row[column]),
        current.map((row) => row[column]),
      ) ?? 0,
  );
  return { share: psi.filter((value) => value >= threshold).length / width, psi };
}
