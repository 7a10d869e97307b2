import { z } from "zod";
import { formatUsdCompact } from "@/lib/format";

/**
 * A model's running costs (per model, edited by the committee). Money in US dollars. What each
 * decision is worth lives in the decision-value matrix (lib/cost/value.ts), not here.
 */
export const ZCostSettings = z.object({
  instancePricePerHourUsd: z.number().min(0).default(0.2),
  instances: z.number().int().min(1).default(2),
  reviewCostPerItemUsd: z.number().min(0).default(12),
  retrainingCostUsd: z.number().min(0).default(8000),
  retrainingCadenceMonths: z.number().int().min(1).default(6),
});
export type TCostSettings = z.infer<typeof ZCostSettings>;

const HOURS_PER_MONTH = 730; // 8,760 h / 12

/**
 * Cost of 1,000 inferences on one instance: its price per hour over the inferences it serves in an
 * hour at the measured throughput and the expected utilisation (0–1).
 */
export function costPerThousandInferencesUsd(input: {
  instancePricePerHourUsd: number;
  measuredThroughputPerSecond: number;
  utilisation: number;
}): number {
  const inferencesPerHour = input.measuredThroughputPerSecond * 3600 * input.utilisation;
  return inferencesPerHour > 0 ? (input.instancePricePerHourUsd / inferencesPerHour) * 1000 : Number.POSITIVE_INFINITY;
}

export type TProjectionInput = {
  settings: TCostSettings;
  measured: {
    /** Predictions per month, extrapolated from the observed period. */
    monthlyPredictions: number;
    reviewRate: number;
    /** Value of the model's decisions minus the baseline's on the same labelled predictions, per prediction (lib/cost/value.ts). */
    valueAddedPerPrediction: number;
    /** The update path's value added per prediction (a retrained model or the challenger). */
    challengerValueAddedPerPrediction?: number;
  };
  assumptions: {
    monthlyVolumeGrowth: number;
    /** Share of the value added lost per month since the last (re)training: the decay. */
    monthlyDecay: number;
    horizonMonths?: number;
  };
};

type TMonth = {
  month: number;
  volume: number;
  valueAddedUsd: number;
  computeCostUsd: number;
  reviewCostUsd: number;
  retrainingCostUsd: number;
  netValueUsd: number;
  cumulativeUsd: number;
};
export type TPath = {
  months: TMonth[];
  quarters: Array<{ quarter: number; netValueUsd: number }>;
  netValueUsd: number;
  valueAddedUsd: number;
  costUsd: number;
  retrainingCostUsd: number;
  /** First month whose cumulative net value is ≥ 0; null when it never is within the horizon. */
  paybackMonth: number | null;
  /** (value added − costs) ÷ costs over the horizon; null without costs. */
  roi: number | null;
};

function projectPath(input: TProjectionInput, update: boolean): TPath {
  const { settings, measured, assumptions } = input;
  const horizon = assumptions.horizonMonths ?? 12;
  const perPrediction = update
    ? (measured.challengerValueAddedPerPrediction ?? measured.valueAddedPerPrediction)
    : measured.valueAddedPerPrediction;
  const computePerMonth = settings.instancePricePerHourUsd * settings.instances * HOURS_PER_MONTH;
  const months: TMonth[] = [];
  let cumulative = 0;
  let monthsSinceTraining = 0;
  for (let month = 1; month <= horizon; month += 1) {
    // The update path retrains now (month 1) and then every cadence; each retraining resets the decay.
    const retrains = update && (month - 1) % settings.retrainingCadenceMonths === 0;
    if (retrains) monthsSinceTraining = 0;
    const kept = (1 - assumptions.monthlyDecay) ** monthsSinceTraining;
    const volume = measured.monthlyPredictions * (1 + assumptions.monthlyVolumeGrowth) ** (month - 1);
    const valueAddedUsd = volume * perPrediction * kept;
    const reviewCostUsd = volume * measured.reviewRate * settings.reviewCostPerItemUsd;
    const retrainingCostUsd = retrains ? settings.retrainingCostUsd : 0;
    const netValueUsd = valueAddedUsd - computePerMonth - reviewCostUsd - retrainingCostUsd;
    cumulative += netValueUsd;
    months.push({
      month,
      volume,
      valueAddedUsd,
      computeCostUsd: computePerMonth,
      reviewCostUsd,
      retrainingCostUsd,
      netValueUsd,
      cumulativeUsd: cumulative,
    });
    monthsSinceTraining += 1;
  }
  const quarters = Array.from({ length: Math.ceil(horizon / 3) }, (_, index) => ({
    quarter: index + 1,
    netValueUsd: months.slice(index * 3, index * 3 + 3).reduce((sum, item) => sum + item.netValueUsd, 0),
  }));
  const valueAddedUsd = months.reduce((sum, item) => sum + item.valueAddedUsd, 0);
  const costUsd = months.reduce((sum, item) => sum + item.computeCostUsd + item.reviewCostUsd + item.retrainingCostUsd, 0);
  return {
    months,
    quarters,
    netValueUsd: cumulative,
    valueAddedUsd,
    costUsd,
    retrainingCostUsd: months.reduce((sum, item) => sum + item.retrainingCostUsd, 0),
    paybackMonth: months.find((item) => item.cumulativeUsd >= 0)?.month ?? null,
    roi: costUsd > 0 ? (valueAddedUsd - costUsd) / costUsd : null,
  };
}

/** The formulas the cost page prints beside its figures, so a reader can redo them. */
export const VALUE_FORMULAS = {
  netValue: "net value = value of the model's decisions − value of the baseline's decisions on the same predictions − compute − review",
  roi: "ROI = (value added over the baseline − costs) ÷ costs, over 12 months",
  payback: "payback month = first month whose cumulative net value is ≥ 0",
  breakEven: "break-even volume = monthly compute ÷ (value added per prediction − review rate × review cost)",
} as const;

/**
 * Projects "maintain the current model" against "update" (retrain now and on the cadence, or move
 * to the challenger) month by month on the value the model adds over its baseline: value added
 * (volume × value per prediction × (1 − decay)^months since training) − compute (fleet price × 730 h)
 * − review (volume × review rate × cost per item) − retraining.
 */
export function projectCostBenefit(input: TProjectionInput) {
  const maintain = projectPath(input, false);
  const update = projectPath(input, true);
  const breakEvenMonth = update.months.find((month, index) => month.cumulativeUsd >= maintain.months[index].cumulativeUsd)?.month ?? null;
  const savingUsd = update.netValueUsd - maintain.netValueUsd;
  const updateRoi = update.retrainingCostUsd > 0 ? savingUsd / update.retrainingCostUsd : null;
  const compute = input.settings.instancePricePerHourUsd * input.settings.instances * HOURS_PER_MONTH;
  const marginPerPrediction = input.measured.valueAddedPerPrediction - input.measured.reviewRate * input.settings.reviewCostPerItemUsd;
  const breakEvenMonthlyVolume = marginPerPrediction > 0 ? compute / marginPerPrediction : null;
  const horizonQuarters = maintain.months.length / 3;
  const summarySentence =
    `Over 12 months the model adds ${formatUsdCompact(maintain.valueAddedUsd)} over its baseline and costs ${formatUsdCompact(maintain.costUsd)} to run: ` +
    `net ${formatUsdCompact(maintain.netValueUsd)}. ` +
    (savingUsd >= 0
      ? `Updating adds ${formatUsdCompact(savingUsd / horizonQuarters)} a quarter more than maintaining.`
      : `Updating adds ${formatUsdCompact(-savingUsd / horizonQuarters)} a quarter less than maintaining.`);
  const assumptions = [
    `${Math.round(input.measured.monthlyPredictions).toLocaleString("en-US")} predictions a month, growing ${(input.assumptions.monthlyVolumeGrowth * 100).toFixed(1)} % a month`,
    `the value added over the baseline shrinks ${(input.assumptions.monthlyDecay * 100).toFixed(1)} % a month since the last training`,
    `${formatUsdCompact(input.measured.valueAddedPerPrediction)} added per prediction; a review costs ${formatUsdCompact(input.settings.reviewCostPerItemUsd)}`,
    `retraining costs ${formatUsdCompact(input.settings.retrainingCostUsd)} every ${input.settings.retrainingCadenceMonths} months; compute ${formatUsdCompact(compute)} a month`,
  ];
  return { maintain, update, breakEvenMonth, savingUsd, updateRoi, breakEvenMonthlyVolume, summarySentence, assumptions };
}

/** The assumptions the cost page opens with (its sliders' first positions), shared by every view that projects. */
export const DEFAULT_PROJECTION_ASSUMPTIONS = { monthlyVolumeGrowth: 0.02, monthlyDecay: 0.03, challengerImprovement: 0.1 } as const;

/** Measured inputs as db/queries/cost-inputs reads them: the value added is null while no outcome is labelled (or no baseline could be valued). */
export type TMeasuredCostInputs = {
  monthlyPredictions: number;
  reviewRate: number;
  valueAddedPerPrediction: number | null;
};

/** The measured inputs with no value added (0) where none could be measured, and whether it was measured. */
export function withMeasuredValue(measured: TMeasuredCostInputs) {
  return {
    labelled: measured.valueAddedPerPrediction !== null,
    measured: {
      monthlyPredictions: measured.monthlyPredictions,
      reviewRate: measured.reviewRate,
      valueAddedPerPrediction: measured.valueAddedPerPrediction ?? 0,
    },
  };
}

/**
 * The projection input the cost page builds: the update path stands for a model that adds
 * `challengerImprovement` (a share, 0.1 = 10 %) more value per prediction, over 12 months.
 */
export function buildProjectionInput(input: {
  settings: TCostSettings;
  measured: { monthlyPredictions: number; reviewRate: number; valueAddedPerPrediction: number };
  assumptions: { monthlyVolumeGrowth: number; monthlyDecay: number; challengerImprovement: number };
}): TProjectionInput {
  const { measured, assumptions } = input;
  return {
    settings: input.settings,
    measured: {
      ...measured,
      // An improvement raises a positive value added and shrinks a negative one.
      challengerValueAddedPerPrediction:
        measured.valueAddedPerPrediction + Math.abs(measured.valueAddedPerPrediction) * assumptions.challengerImprovement,
    },
    assumptions: { monthlyVolumeGrowth: assumptions.monthlyVolumeGrowth, monthlyDecay: assumptions.monthlyDecay, horizonMonths: 12 },
  };
}

/** Compute cost per month and per 1,000 inferences at the measured monthly volume (instances bill whether busy or idle). */
export function computeCostAtVolume(settings: Pick<TCostSettings, "instancePricePerHourUsd" | "instances">, monthlyPredictions: number) {
  const monthlyUsd = settings.instancePricePerHourUsd * settings.instances * HOURS_PER_MONTH;
  return { monthlyUsd, perThousandUsd: monthlyPredictions > 0 ? (monthlyUsd / monthlyPredictions) * 1000 : null };
}

/** Fewer daily windows than this say nothing about a trend; the page then keeps the assumed decay. */
const MIN_DECAY_DAYS = 7;

/**
 * The measured decay: relative growth per month (30 days) of the error rate (1 − accuracy), from a
 * least-squares line through daily realized accuracies (x = days), divided by the line's mean error.
 * Null with fewer than MIN_DECAY_DAYS days or a mean error of 0; never below −50 % or above 100 %.
 */
export function monthlyErrorGrowthFromAccuracy(points: Array<{ day: number; accuracy: number }>): number | null {
  if (points.length < MIN_DECAY_DAYS) return null;
  const n = points.length;
  const meanX = points.reduce((sum, point) => sum + point.day, 0) / n;
  const meanError = points.reduce((sum, point) => sum + (1 - point.accuracy), 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.day - meanX) * (1 - point.accuracy - meanError);
    variance += (point.day - meanX) ** 2;
  }
  if (variance === 0 || meanError <= 0) return null;
  const slopePerDay = covariance / variance;
  return Math.min(1, Math.max(-0.5, (slopePerDay * 30) / meanError));
}

/** Beyond this multiple an ROI says only "the costs are tiny": the figure is shown capped, the exact one in a tooltip. */
const ROI_DISPLAY_CAP = 1000;

/**
 * An ROI multiple for display: "12.3×" up to ROI_DISPLAY_CAP, then "> 1,000×" ("< −1,000×" below
 * minus it) with `exact` holding the full figure ("1,104,508.2×") for a title attribute; a true minus sign.
 */
export function formatRoiMultiple(roi: number | null | undefined): { text: string; exact: string | null; capped: boolean } {
  if (typeof roi !== "number" || !Number.isFinite(roi)) return { text: "—", exact: null, capped: false };
  const minus = (text: string) => text.replace("-", "\u2212");
  const exact = `${minus(roi.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }))}×`;
  if (Math.abs(roi) < ROI_DISPLAY_CAP) return { text: exact, exact: null, capped: false };
  const cap = ROI_DISPLAY_CAP.toLocaleString("en-US");
  return { text: roi > 0 ? `> ${cap}×` : `< \u2212${cap}×`, exact, capped: true };
}

/** Why an ROI is huge, for the formula line: the costs it divides by are small beside the value added. */
export function roiCostNote(path: Pick<TPath, "roi" | "costUsd" | "valueAddedUsd">): string | null {
  if (path.roi === null || Math.abs(path.roi) < ROI_DISPLAY_CAP) return null;
  return `the costs divided by (${formatUsdCompact(path.costUsd)} of compute, review and retraining over 12 months) are small beside the ${formatUsdCompact(path.valueAddedUsd)} added, so the multiple is very large; the net value says more`;
}
