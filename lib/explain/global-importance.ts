import { explainWithShapley, type TBatchPredictor } from "./shapley";

/**
 * Global importance: mean |Shapley value| per feature over a sample of rows (SHAP's "mean(|SHAP
 * value|)" bar plot, Lundberg et al. 2020, "From local explanations to global understanding with
 * explainable AI for trees"), each row explained by explainWithShapley against one background.
 * On the probability scale, as the item explanations: a figure of 0.04 means that feature moves a
 * typical prediction by 4 percentage points, either way.
 */
export type TGlobalImportance = {
  scale: "probability";
  method: "exact" | "sampling";
  /** Rows explained (a bounded, evenly spaced sample). */
  rows: number;
  backgroundRows: number;
  /** Model rows evaluated, to say what it cost. */
  modelRows: number;
  /** In the model's input order. */
  features: Array<{ feature: string; meanAbsShapley: number }>;
};

/** Evenly spaced rows ⌊k·n/count⌋, k < count (all of them when n ≤ count): deterministic and spread over the whole sample. */
export function evenlySpaced<T>(rows: readonly T[], count: number): T[] {
  const take = Math.min(count, rows.length);
  return Array.from({ length: take }, (_, k) => rows[Math.floor((k * rows.length) / take)]);
}

// Exact Shapley costs 2^d × B model rows per explained row and sampling about P × (d + 1) × B; onnxruntime
// answers about a million rows a second on a loaded core (the demo model, measured), so
// past this many model rows in all fewer rows are explained, and one validation stays within a few seconds.
const DEFAULT_MODEL_ROW_BUDGET = 1_500_000;
const EXACT_MAX_FEATURES = 12;
// Fewer permutations than the item view: the mean over many rows averages the sampling noise down.
const SAMPLING_PERMUTATIONS = 32;
const MIN_ROWS = 20;

/** How many rows a run explains: `maxRows`, fewer when the model-row budget says so, never below 20 (or the rows there are). */
export function importanceRowCount(input: {
  available: number;
  maxRows: number;
  width: number;
  backgroundRows: number;
  budget?: number;
}): number {
  const perRow =
    input.width <= EXACT_MAX_FEATURES
      ? 2 ** input.width * input.backgroundRows
      : SAMPLING_PERMUTATIONS * (input.width + 1) * input.backgroundRows;
  const affordable = Math.floor((input.budget ?? DEFAULT_MODEL_ROW_BUDGET) / perRow);
  return Math.min(input.available, input.maxRows, Math.max(MIN_ROWS, affordable));
}

/** Mean |φ_i| over the rows, each explained against the same background. */
export async function computeGlobalImportance(input: {
  features: string[];
  rows: ArrayLike<number>[];
  background: ArrayLike<number>[];
  predict: TBatchPredictor;
}): Promise<TGlobalImportance> {
  const { features, rows, background, predict } = input;
  if (rows.length === 0) throw new Error("computeGlobalImportance: no rows to explain");
  const sums = new Float64Array(features.length);
  let modelRows = 0;
  let method: TGlobalImportance["method"] = "exact";
  for (const x of rows) {
    const explanation = await explainWithShapley({
      features,
      x,
      background,
      predict,
      options: { permutations: SAMPLING_PERMUTATIONS, exactMaxFeatures: EXACT_MAX_FEATURES },
    });
    explanation.contributions.forEach((contribution, index) => {
      sums[index] += Math.abs(contribution.contribution);
    });
    modelRows += explanation.modelRows;
    method = explanation.method;
  }
  return {
    scale: "probability",
    method,
    rows: rows.length,
    backgroundRows: background.length,
    modelRows,
    features: features.map((feature, index) => ({ feature, meanAbsShapley: sums[index] / rows.length })),
  };
}
