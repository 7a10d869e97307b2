import { z } from "zod";

/** A model's cost settings (per model, edited by the committee). Money in US dollars. */
export const ZCostSettings = z.object({
  instancePricePerHourUsd: z.number().min(0).default(0.2),
  instances: z.number().int().min(1).default(2),
  costPerFalsePositiveUsd: z.number().min(0).default(300),
  costPerFalseNegativeUsd: z.number().min(0).default(5000),
  benefitPerTruePositiveUsd: z.number().min(0).default(0),
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

type TErrorRates = {
  /** Share of all predictions that are false positives / false negatives / true positives. */
  falsePositiveRate: number;
  falseNegativeRate: number;
  truePositiveRate?: number;
};

export type TProjectionInput = {
  settings: TCostSettings;
  measured: TErrorRates & { monthlyPredictions: number; reviewRate: number; challenger?: TErrorRates };
  assumptions: {
    monthlyVolumeGrowth: number;
    /** Relative growth of the error rates per month since the last (re)training: the decay. */
    monthlyErrorGrowth: number;
    horizonMonths?: number;
  };
};

type TMonth = {
  month: number;
  volume: number;
  errorCostUsd: number;
  computeCostUsd: number;
  reviewCostUsd: number;
  retrainingCostUsd: number;
  netValueUsd: number;
  cumulativeUsd: number;
};
export type TPath = {
  months: TMonth[];
  quarters: Array<{ quarter: number; netValueUsd: number }>;
  totalCostUsd: number;
  errorCostUsd: number;
  retrainingCostUsd: number;
};

function projectPath(input: TProjectionInput, update: boolean): TPath {
  const { settings, measured, assumptions } = input;
  const horizon = assumptions.horizonMonths ?? 12;
  const start = update && measured.challenger ? measured.challenger : measured;
  const computePerMonth = settings.instancePricePerHourUsd * settings.instances * HOURS_PER_MONTH;
  const months: TMonth[] = [];
  let cumulative = 0;
  let monthsSinceTraining = 0;
  for (let month = 1; month <= horizon; month += 1) {
    // The update path retrains now (month 1) and then every cadence; each retraining resets the decay.
    const retrains = update && (month - 1) % settings.retrainingCadenceMonths === 0;
    if (retrains) monthsSinceTraining = 0;
    const decay = (1 + assumptions.monthlyErrorGrowth) ** monthsSinceTraining;
    const volume = measured.monthlyPredictions * (1 + assumptions.monthlyVolumeGrowth) ** (month - 1);
    const errorCostUsd =
      volume *
        (start.falsePositiveRate * decay * settings.costPerFalsePositiveUsd +
          start.falseNegativeRate * decay * settings.costPerFalseNegativeUsd) -
      volume * (start.truePositiveRate ?? 0) * settings.benefitPerTruePositiveUsd;
    const reviewCostUsd = volume * measured.reviewRate * settings.reviewCostPerItemUsd;
    const retrainingCostUsd = retrains ? settings.retrainingCostUsd : 0;
    const netValueUsd = -(errorCostUsd + computePerMonth + reviewCostUsd + retrainingCostUsd);
    cumulative += netValueUsd;
    months.push({
      month,
      volume,
      errorCostUsd,
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
  return {
    months,
    quarters,
    totalCostUsd: -cumulative,
    errorCostUsd: months.reduce((sum, item) => sum + item.errorCostUsd, 0),
    retrainingCostUsd: months.reduce((sum, item) => sum + item.retrainingCostUsd, 0),
  };
}

const money = (value: number) => `$${Math.round(Math.abs(value)).toLocaleString("en-US")}`;

/**
 * Projects "maintain the current model" against "update" (retrain now and on the cadence, or move
 * to the challenger's measured error rates) month by month: error cost (rates × volume × cost),
 * compute (fleet price × 730 h), review (volume × review rate × cost per item) and retraining.
 */
export function projectCostBenefit(input: TProjectionInput) {
  const maintain = projectPath(input, false);
  const update = projectPath(input, true);
  const horizon = maintain.months.length;
  const breakEvenMonth = update.months.find((month, index) => month.cumulativeUsd >= maintain.months[index].cumulativeUsd)?.month ?? null;
  const savingUsd = maintain.totalCostUsd - update.totalCostUsd;
  const lossReduction = maintain.errorCostUsd > 0 ? (maintain.errorCostUsd - update.errorCostUsd) / maintain.errorCostUsd : null;
  const roi = update.retrainingCostUsd > 0 ? savingUsd / update.retrainingCostUsd : null;
  const perMonth = update.retrainingCostUsd / horizon;
  const perQuarter = savingUsd / (horizon / 3);
  const summarySentence =
    lossReduction === null
      ? `No expected loss from errors to reduce yet: updating would cost ${money(perMonth)} a month with no saving.`
      : `Updating ${lossReduction >= 0 ? "reduces" : "raises"} expected loss by ${Math.round(Math.abs(lossReduction) * 100)} % for ${money(perMonth)} a month; ` +
        (perQuarter >= 0
          ? `maintaining costs ${money(perQuarter)} more per quarter.`
          : `updating costs ${money(perQuarter)} more per quarter.`);
  const assumptions = [
    `${Math.round(input.measured.monthlyPredictions).toLocaleString("en-US")} predictions a month, growing ${(input.assumptions.monthlyVolumeGrowth * 100).toFixed(1)} % a month`,
    `error rates grow ${(input.assumptions.monthlyErrorGrowth * 100).toFixed(1)} % a month since the last training`,
    `a false positive costs ${money(input.settings.costPerFalsePositiveUsd)}, a false negative ${money(input.settings.costPerFalseNegativeUsd)}, a review ${money(input.settings.reviewCostPerItemUsd)}`,
    `retraining costs ${money(input.settings.retrainingCostUsd)} every ${input.settings.retrainingCadenceMonths} months; compute ${money(input.settings.instancePricePerHourUsd * input.settings.instances * HOURS_PER_MONTH)} a month`,
  ];
  return { maintain, update, breakEvenMonth, savingUsd, lossReduction, roi, summarySentence, assumptions };
}

/** Error rates the projection uses until labelled outcomes arrive; pages that use them say so. */
export const PLACEHOLDER_ERROR_RATES = { falsePositiveRate: 0.05, falseNegativeRate: 0.08 } as const;

/** The assumptions the cost page opens with (its sliders' first positions), shared by every view that projects. */
export const DEFAULT_PROJECTION_ASSUMPTIONS = { monthlyVolumeGrowth: 0.02, monthlyErrorGrowth: 0.03, challengerImprovement: 0.1 } as const;

/** Measured inputs as db/queries/cost-inputs reads them: error rates are null while no outcome is labelled. */
export type TMeasuredCostInputs = {
  monthlyPredictions: number;
  reviewRate: number;
  falsePositiveRate: number | null;
  falseNegativeRate: number | null;
};

/** The measured inputs with PLACEHOLDER_ERROR_RATES where no outcome has arrived, and whether the rates are measured. */
export function withPlaceholderRates(measured: TMeasuredCostInputs) {
  const labelled = measured.falsePositiveRate !== null && measured.falseNegativeRate !== null;
  return {
    labelled,
    measured: {
      monthlyPredictions: measured.monthlyPredictions,
      reviewRate: measured.reviewRate,
      falsePositiveRate: measured.falsePositiveRate ?? PLACEHOLDER_ERROR_RATES.falsePositiveRate,
      falseNegativeRate: measured.falseNegativeRate ?? PLACEHOLDER_ERROR_RATES.falseNegativeRate,
    },
  };
}

/**
 * The projection input the cost page builds: the update path stands for a challenger whose error
 * rates are lower by `challengerImprovement` (a share, 0.1 = 10 % lower), over 12 months.
 */
export function buildProjectionInput(input: {
  settings: TCostSettings;
  measured: { monthlyPredictions: number; reviewRate: number; falsePositiveRate: number; falseNegativeRate: number };
  assumptions: { monthlyVolumeGrowth: number; monthlyErrorGrowth: number; challengerImprovement: number };
}): TProjectionInput {
  const { measured, assumptions } = input;
  return {
    settings: input.settings,
    measured: {
      ...measured,
      challenger: {
        falsePositiveRate: measured.falsePositiveRate * (1 - assumptions.challengerImprovement),
        falseNegativeRate: measured.falseNegativeRate * (1 - assumptions.challengerImprovement),
      },
    },
    assumptions: {
      monthlyVolumeGrowth: assumptions.monthlyVolumeGrowth,
      monthlyErrorGrowth: assumptions.monthlyErrorGrowth,
      horizonMonths: 12,
    },
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
