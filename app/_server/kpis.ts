import "server-only";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase, TDb } from "@/db/connection";
import { getMeasuredCostInputs } from "@/db/queries/cost-inputs";
import { listDailyMonitorPoints, listKpiPoints, listPortfolioModels, upsertKpiValues } from "@/db/queries/kpis";
import type { TKpiValue } from "@/lib/kpis/input";
import { buildPortfolioEntries, summarizePortfolio } from "@/lib/kpis/portfolio";
import { alignKpiSeries, alignMonitorSeries, dateAxis, lastDays } from "@/lib/kpis/series";

export type TKpiBatch = { model: { id: string; slug: string }; values: readonly TKpiValue[] };

/**
 * Stores KPI values of one or more models all or nothing: one transaction, an upsert on
 * (model, metric, day) and one audit record per model, with a summary of what was sent (not
 * the values themselves, which can be ten thousand).
 */
export async function recordKpiValues(
  db: TDatabase,
  input: { actor: { id: string | null; label: string }; source: "api" | "csv"; batches: readonly TKpiBatch[] },
) {
  return db.transaction(async (tx) => {
    const results = [];
    for (const batch of input.batches) {
      const written = await upsertKpiValues(tx, { modelId: batch.model.id, values: batch.values });
      const days = batch.values.map((value) => value.date).sort();
      const metrics = [...new Set(batch.values.map((value) => value.metric))].sort();
      await appendAuditRecord(tx, {
        actorId: input.actor.id,
        actorLabel: input.actor.label,
        action: "kpi.values_recorded",
        subjectType: "model",
        subjectId: batch.model.id,
        modelId: batch.model.id,
        input: {
          source: input.source,
          count: batch.values.length,
          ...written,
          metrics: metrics.slice(0, 50),
          from: days[0],
          to: days[days.length - 1],
        },
      });
      results.push({ model: batch.model.slug, received: batch.values.length, ...written });
    }
    return results;
  });
}

export const KPI_PERIODS = [30, 90, 365] as const;
export type TKpiPeriod = (typeof KPI_PERIODS)[number];

/** Everything the KPI page shows, for the `days` UTC days ending today. */
export async function loadKpiOverview(db: TDb, input: { days: TKpiPeriod; now?: Date }) {
  const { from, to } = lastDays(input.now ?? new Date(), input.days);
  const models = await listPortfolioModels(db);
  const modelIds = models.map((model) => model.id);
  const [kpis, monitors, measured] = await Promise.all([
    listKpiPoints(db, { modelIds, from, to }),
    listDailyMonitorPoints(db, { modelIds, from, to }),
    // The cost page's measured inputs, read only for models that run (the others cost nothing).
    Promise.all(models.map((model) => (model.championVersion ? getMeasuredCostInputs(db, model.id) : Promise.resolve(null)))),
  ]);
  const entries = buildPortfolioEntries(models.map((model, index) => ({ model, measured: measured[index] })));
  const axis = dateAxis(from, to);
  return {
    from,
    to,
    summary: summarizePortfolio(entries),
    models: entries.map((entry) => ({
      ...entry,
      kpis: alignKpiSeries(
        axis,
        kpis.filter((point) => point.modelId === entry.model.id),
      ),
      monitoring: alignMonitorSeries(
        axis,
        monitors.filter((point) => point.modelId === entry.model.id),
      ),
    })),
  };
}
