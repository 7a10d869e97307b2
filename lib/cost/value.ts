import { z } from "zod";

/**
 * The decision-value matrix: what one decision is worth, in USD, in each cell of the confusion
 * matrix (positive = the model's positive label, e.g. "default" → decline). With `scaleInput` each
 * cell is a multiplier of that numeric input per prediction (a loan: true negative = interest
 * margin × amount, false negative = −loss-given-default × amount).
 */
export const BASELINE_POLICIES = ["approve_everyone", "fallback_rules", "previous_champion"] as const;
type TBaselinePolicy = (typeof BASELINE_POLICIES)[number];
export const BASELINE_LABELS: Record<TBaselinePolicy, string> = {
  approve_everyone: "Approve everyone (the negative label for all)",
  fallback_rules: "The rule-based fallback",
  previous_champion: "The previous champion",
};

const cellValue = z.number().refine(Number.isFinite, "must be a finite number").min(-1e9).max(1e9);
export const ZValueMatrix = z.object({
  truePositiveUsd: cellValue.default(0),
  falsePositiveUsd: cellValue.default(-300),
  trueNegativeUsd: cellValue.default(0),
  falseNegativeUsd: cellValue.default(-5000),
  scaleInput: z.string().trim().min(1).max(100).nullable().default(null),
  baseline: z.enum(BASELINE_POLICIES).default("approve_everyone"),
});
export type TValueMatrix = z.infer<typeof ZValueMatrix>;

const CELLS = ["tp", "fp", "tn", "fn"] as const;
type TCell = (typeof CELLS)[number];
/** Per cell: how many labelled predictions fell in it and the sum of the scaling input over them. */
export type TCellSums = Record<TCell, { count: number; scale: number }>;

export const emptyCellSums = (): TCellSums => ({
  tp: { count: 0, scale: 0 },
  fp: { count: 0, scale: 0 },
  tn: { count: 0, scale: 0 },
  fn: { count: 0, scale: 0 },
});

export function cellOf(predictedPositive: boolean, actualPositive: boolean): TCell {
  if (predictedPositive) return actualPositive ? "tp" : "fp";
  return actualPositive ? "fn" : "tn";
}

const MATRIX_KEY: Record<TCell, "truePositiveUsd" | "falsePositiveUsd" | "trueNegativeUsd" | "falseNegativeUsd"> = {
  tp: "truePositiveUsd",
  fp: "falsePositiveUsd",
  tn: "trueNegativeUsd",
  fn: "falseNegativeUsd",
};

/** Σ over cells of matrix[cell] × (scaled ? Σ input : count): the value of a set of decisions. */
export function decisionValueUsd(matrix: TValueMatrix, sums: TCellSums): number {
  return CELLS.reduce((total, cell) => total + matrix[MATRIX_KEY[cell]] * (matrix.scaleInput ? sums[cell].scale : sums[cell].count), 0);
}

/** "Approve everyone" on the same rows: every actual positive becomes a false negative, every actual negative a true negative. */
export function approveEveryoneSums(model: TCellSums): TCellSums {
  return {
    tp: { count: 0, scale: 0 },
    fp: { count: 0, scale: 0 },
    tn: { count: model.tn.count + model.fp.count, scale: model.tn.scale + model.fp.scale },
    fn: { count: model.fn.count + model.tp.count, scale: model.fn.scale + model.tp.scale },
  };
}

export const labelledCount = (sums: TCellSums) => CELLS.reduce((total, cell) => total + sums[cell].count, 0);

/**
 * The model's value against its baseline on the same labelled predictions:
 * valueAdded = value(model) − value(baseline), per prediction = valueAdded ÷ labelled.
 * Null per prediction when nothing is labelled.
 */
export function valueAgainstBaseline(matrix: TValueMatrix, model: TCellSums, baseline: TCellSums) {
  const modelUsd = decisionValueUsd(matrix, model);
  const baselineUsd = decisionValueUsd(matrix, baseline);
  const labelled = labelledCount(model);
  return {
    modelUsd,
    baselineUsd,
    valueAddedUsd: modelUsd - baselineUsd,
    labelled,
    valueAddedPerPrediction: labelled > 0 ? (modelUsd - baselineUsd) / labelled : null,
  };
}

/** Figures observed over fewer days of outcomes than this are preliminary (a weekly cycle not yet seen). */
export const PRELIMINARY_DAYS = 7;
const DAYS_PER_MONTH = 30;

/** Extrapolates a count observed over `days` (fractional) to 30 days; the page says so. */
export function perMonth(count: number, days: number): number {
  return days > 0 ? (count / days) * DAYS_PER_MONTH : 0;
}

/**
 * The model-implied figure beside an uploaded KPI series: ratio = implied ÷ uploaded; a warning
 * when either is more than twice the other (or one is zero and the other not).
 */
export function compareWithKpi(impliedUsd: number, uploadedUsd: number) {
  const implied = Math.abs(impliedUsd);
  const uploaded = Math.abs(uploadedUsd);
  const ratio = uploaded > 0 ? implied / uploaded : null;
  const disagrees = ratio === null ? implied > 0 : ratio > 2 || ratio < 0.5;
  return { ratio, disagrees };
}

/** Names of the numeric inputs of an input schema (model inputs and context attributes): what a cell value may be scaled by. */
export function numericInputNames(inputSchema: unknown): string[] {
  const features = (inputSchema as { features?: Array<{ name?: unknown; type?: unknown }> } | null)?.features ?? [];
  return features
    .filter((feature) => feature.type === "numeric" && typeof feature.name === "string")
    .map((feature) => feature.name as string);
}

/**
 * A month of the model against its baseline, from the observed period: the value added per
 * labelled prediction × predictions per month (observed count ÷ observed days × 30), minus
 * compute and review (predictions per month × review rate × cost per item). The implied daily
 * loss is the negative cells' value per labelled prediction × predictions per day: what an
 * uploaded loss KPI (e.g. default losses) should be near.
 */
export function monthlyNetValue(input: {
  matrix: TValueMatrix;
  cells: TCellSums;
  valueAddedPerPrediction: number;
  monthlyPredictions: number;
  reviewRate: number;
  reviewCostPerItemUsd: number;
  computePerMonthUsd: number;
}) {
  const valueAddedUsd = input.valueAddedPerPrediction * input.monthlyPredictions;
  const reviewUsd = input.monthlyPredictions * input.reviewRate * input.reviewCostPerItemUsd;
  const labelled = labelledCount(input.cells);
  const lossUsd = CELLS.reduce((total, cell) => {
    const value = input.matrix[MATRIX_KEY[cell]];
    return value < 0 ? total + value * (input.matrix.scaleInput ? input.cells[cell].scale : input.cells[cell].count) : total;
  }, 0);
  return {
    valueAddedUsd,
    computeUsd: input.computePerMonthUsd,
    reviewUsd,
    netValueUsd: valueAddedUsd - input.computePerMonthUsd - reviewUsd,
    impliedDailyLossUsd: labelled > 0 ? (lossUsd / labelled) * (input.monthlyPredictions / 30) : null,
  };
}
