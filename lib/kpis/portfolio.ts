import {
  buildProjectionInput,
  DEFAULT_PROJECTION_ASSUMPTIONS,
  projectCostBenefit,
  withMeasuredValue,
  ZCostSettings,
  type TMeasuredCostInputs,
} from "@/lib/cost/projection";
import type { TPortfolioModel } from "@/lib/types/kpis";
import { classifyModelHealth, countByHealth, type THealthIncident, type TModelHealth } from "./health";

export type TCostOutlook = {
  monthlyComputeCostUsd: number;
  /** Cumulative net value of maintaining the current model over the next 12 months (negative: a cost). */
  projectedNetValueUsd: number;
  /** False when no value over the baseline could be measured yet (no labelled outcome): the net value is costs only. */
  measuredErrorRates: boolean;
};

/**
 * A model's monthly compute cost and 12-month projected net value, exactly as its cost page
 * projects them when it opens (lib/cost/projection at DEFAULT_PROJECTION_ASSUMPTIONS, the
 * "maintain" path); null when the model's cost settings are not valid.
 */
export function projectCostOutlook(input: { costSettings: unknown; measured: TMeasuredCostInputs }): TCostOutlook | null {
  const settings = ZCostSettings.safeParse(input.costSettings ?? {});
  if (!settings.success) return null;
  const { labelled, measured } = withMeasuredValue(input.measured);
  const projection = projectCostBenefit(
    buildProjectionInput({ settings: settings.data, measured, assumptions: DEFAULT_PROJECTION_ASSUMPTIONS }),
  );
  const months = projection.maintain.months;
  return {
    monthlyComputeCostUsd: months[0].computeCostUsd,
    projectedNetValueUsd: months[months.length - 1].cumulativeUsd,
    measuredErrorRates: labelled,
  };
}

export type TPortfolioEntry = {
  model: TPortfolioModel;
  inProduction: boolean;
  health: TModelHealth;
  reasons: string[];
  /** The unresolved incidents behind the health, worst first (link with incidentHref). */
  incidents: THealthIncident[];
  cost: TCostOutlook | null;
};

/** Classifies each model; cost only for models in production (a model without a champion serves nothing and costs nothing to run). */
export function buildPortfolioEntries(
  models: ReadonlyArray<{ model: TPortfolioModel; measured: TMeasuredCostInputs | null }>,
): TPortfolioEntry[] {
  return models.map(({ model, measured }) => {
    const inProduction = model.championVersion !== null;
    // Health is derived from unresolved incidents only (lib/kpis/health.ts); the reasons link to them.
    const { health, reasons, incidents } = classifyModelHealth({ openIncidents: model.openIncidents });
    return {
      model,
      inProduction,
      health,
      reasons,
      incidents,
      cost: inProduction && measured ? projectCostOutlook({ costSettings: model.costSettings, measured }) : null,
    };
  });
}

export type TPortfolioSummary = ReturnType<typeof countByHealth> & {
  openAlerts: number;
  reviewBacklog: number;
  monthlyComputeCostUsd: number;
  projectedNetValueUsd: number;
  /** Production models whose projection uses placeholder error rates. */
  modelsOnPlaceholderRates: number;
  /** Production models left out of the money figures because their cost settings are not valid. */
  modelsWithoutCost: number;
};

/** The portfolio's headline figures: health counts of production models, open alerts and review backlog of all models, money of production models. */
export function summarizePortfolio(entries: readonly TPortfolioEntry[]): TPortfolioSummary {
  const production = entries.filter((entry) => entry.inProduction);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    ...countByHealth(entries),
    openAlerts: sum(entries.map((entry) => entry.model.openCriticalAlerts + entry.model.openWarningAlerts + entry.model.openInfoAlerts)),
    reviewBacklog: sum(entries.map((entry) => entry.model.openReviewItems)),
    monthlyComputeCostUsd: sum(production.map((entry) => entry.cost?.monthlyComputeCostUsd ?? 0)),
    projectedNetValueUsd: sum(production.map((entry) => entry.cost?.projectedNetValueUsd ?? 0)),
    modelsOnPlaceholderRates: production.filter((entry) => entry.cost && !entry.cost.measuredErrorRates).length,
    modelsWithoutCost: production.filter((entry) => !entry.cost).length,
  };
}
