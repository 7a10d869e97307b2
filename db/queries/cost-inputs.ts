import { sql } from "drizzle-orm";
import type { TDb } from "../connection";

/** Measured inputs of the cost-benefit projection over the last 30 days: volume, labelled error rates, review rate. */
export async function getMeasuredCostInputs(db: TDb, modelId: string) {
  const [row] = await db.execute<{
    predictions: number;
    reviewed: number;
    labelled: number;
    false_positives: number;
    false_negatives: number;
    true_positives: number;
  }>(sql`
    select count(*)::int as predictions,
           count(*) filter (where p.sent_to_review)::int as reviewed,
           count(o.prediction_id)::int as labelled,
           count(*) filter (where o.label_value = 0 and p.label <> o.label)::int as false_positives,
           count(*) filter (where o.label_value = 1 and p.label <> o.label)::int as false_negatives,
           count(*) filter (where o.label_value = 1 and p.label = o.label)::int as true_positives
    from predictions p
    left join outcomes o on o.prediction_id = p.id and o.prediction_created_at = p.created_at
    where p.model_id = ${modelId} and p.role in ('champion', 'challenger', 'fallback') and p.created_at > now() - interval '30 days'`);
  const labelled = row?.labelled ?? 0;
  return {
    monthlyPredictions: row?.predictions ?? 0,
    reviewRate: row && row.predictions > 0 ? row.reviewed / row.predictions : 0,
    labelled,
    // Rates are shares of all labelled predictions, so they multiply with volume directly.
    falsePositiveRate: labelled > 0 ? row!.false_positives / labelled : null,
    falseNegativeRate: labelled > 0 ? row!.false_negatives / labelled : null,
    truePositiveRate: labelled > 0 ? row!.true_positives / labelled : null,
  };
}

/** What the worker actually served for a model over 30 days: the busiest hour, and latency from the last day's monitor windows. */
export async function getServingFigures(db: TDb, modelId: string) {
  const [volume] = await db.execute<{ busiest_hour: number | null }>(sql`
    select max(n)::int as busiest_hour from (
      select count(*) as n from predictions where model_id = ${modelId} and created_at > now() - interval '30 days' and role <> 'shadow' group by date_trunc('hour', created_at)
    ) hours`);
  const [latency] = await db.execute<{ p50: number | null; p99: number | null }>(sql`
    select max(value) filter (where statistic = 'p50_ms') as p50, max(value) filter (where statistic = 'p99_ms') as p99
    from monitor_results where model_id = ${modelId} and kind = 'latency' and granularity = 'hour' and window_start > now() - interval '24 hours'`);
  return { busiestHourPredictions: volume?.busiest_hour ?? 0, p50Ms: latency?.p50 ?? null, p99Ms: latency?.p99 ?? null };
}

/** Realized accuracy per day of the last 60 days (champion windows with at least `minLabelled` outcomes), oldest first: the decay trend. */
export async function getDailyAccuracy(db: TDb, modelId: string, minLabelled = 100) {
  const rows = await db.execute<{ day: string; accuracy: number }>(sql`
    select r.window_start as day, r.value as accuracy
    from monitor_results r join deployments d on d.model_id = r.model_id and d.champion_version_id = r.model_version_id
    where r.model_id = ${modelId} and r.kind = 'performance' and r.statistic = 'accuracy' and r.granularity = 'day'
      and r.value is not null and (r.details->>'labelled')::int >= ${minLabelled} and r.window_start > now() - interval '60 days'
    order by r.window_start`);
  return rows.map((row) => ({ day: Date.parse(String(row.day)) / 86_400_000, accuracy: row.accuracy }));
}
