import { quantileLinear } from "@/lib/stats/psi";

/** What the reference data says about one model input. */
export type TReferenceSummary = {
  count: number;
  mean: number;
  /** Population standard deviation (ddof = 0, as scikit-learn's StandardScaler). */
  std: number;
  /** 1st and 99th percentiles, numpy's default 'linear' method. */
  p01: number;
  p99: number;
};

export type TUnusualMark = "below_p01" | "above_p99" | null;

/** Summaries of the numeric reference columns of the named features; a feature without a usable column is left out. */
export function summarizeReference(
  columns: Record<string, ReadonlyArray<number | string>>,
  featureNames: readonly string[],
): Record<string, TReferenceSummary> {
  const summaries: Record<string, TReferenceSummary> = {};
  for (const name of featureNames) {
    const values = (columns[name] ?? []).filter((value): value is number => typeof value === "number" && Number.isFinite(value));
    if (values.length === 0) continue;
    const sorted = Float64Array.from(values).sort();
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    summaries[name] = {
      count: values.length,
      mean,
      std: Math.sqrt(variance),
      p01: quantileLinear(sorted, 0.01),
      p99: quantileLinear(sorted, 0.99),
    };
  }
  return summaries;
}

/** A value strictly outside the reference's 1st–99th percentile band is unusual (about 2 % of reference rows are). */
export function markUnusual(value: number | null, summary: TReferenceSummary | undefined): TUnusualMark {
  if (value === null || !summary) return null;
  if (value < summary.p01) return "below_p01";
  if (value > summary.p99) return "above_p99";
  return null;
}

/** The divisor for standardized distances: the reference std, or 1 for a constant feature (which then adds raw differences, 0 in practice). */
export function distanceScale(summary: TReferenceSummary | undefined): number {
  return summary && summary.std > 0 ? summary.std : 1;
}

/**
 * Up to `count` reference rows as model-input tensors, evenly spaced through the stored sample
 * (rows ⌊k·n/count⌋): deterministic, so the same item gets the same explanation every time,
 * and spread over the whole sample rather than its first rows. Null when a column is missing.
 */
export function selectBackgroundRows(
  columns: Record<string, ReadonlyArray<number | string>>,
  featureNames: readonly string[],
  count: number,
): number[][] | null {
  const selected = featureNames.map((name) => columns[name]);
  if (selected.some((column) => !column || column.length === 0)) return null;
  const rowCount = Math.min(...selected.map((column) => column!.length));
  const take = Math.min(count, rowCount);
  const rows: number[][] = [];
  for (let k = 0; k < take; k += 1) {
    const index = Math.floor((k * rowCount) / take);
    const row = selected.map((column) => column![index]);
    if (row.some((value) => typeof value !== "number" || !Number.isFinite(value))) return null;
    rows.push(row as number[]);
  }
  return rows;
}

/**
 * As selectBackgroundRows, for models with string or exactly typed inputs: the same evenly spaced
 * rows, each value as the model takes it (a category string, or a number). Null when a column is
 * missing or holds a value of the wrong kind.
 */
export function selectBackgroundInputRows(
  columns: Record<string, ReadonlyArray<number | string>>,
  features: ReadonlyArray<{ name: string; text: boolean }>,
  count: number,
): Array<Array<number | string>> | null {
  const selected = features.map((feature) => columns[feature.name]);
  if (selected.some((column) => !column || column.length === 0)) return null;
  const rowCount = Math.min(...selected.map((column) => column!.length));
  const take = Math.min(count, rowCount);
  const rows: Array<Array<number | string>> = [];
  for (let k = 0; k < take; k += 1) {
    const index = Math.floor((k * rowCount) / take);
    const row = selected.map((column) => column![index]);
    const fits = row.every((value, column) =>
      features[column].text ? typeof value === "string" : typeof value === "number" && Number.isFinite(value),
    );
    if (!fits) return null;
    rows.push(row);
  }
  return rows;
}

/**
 * Shapley's rows for any kind of input: each feature's candidate values (the item's first, then
 * each background row's) and rows of indexes into them, so the numeric algorithm runs unchanged
 * and the predictor decodes an index row into the values the model takes, with no float32 rounding
 * of doubles, int64 or categories. x is all zeros; background row b is b + 1 in every column.
 */
export function indexedCoalitionValues(x: ReadonlyArray<number | string>, background: ReadonlyArray<ReadonlyArray<number | string>>) {
  const width = x.length;
  const tables = Array.from({ length: width }, (_, column) => [x[column], ...background.map((row) => row[column])]);
  return {
    x: new Array<number>(width).fill(0),
    background: background.map((_, b) => new Array<number>(width).fill(b + 1)),
    /** The model-input rows of a batch of index rows (row-major, `width` per row). */
    decode: (indexes: Float32Array, rowCount: number): Array<Array<number | string>> =>
      Array.from({ length: rowCount }, (_, row) =>
        Array.from({ length: width }, (_, column) => tables[column][indexes[row * width + column]]),
      ),
  };
}
