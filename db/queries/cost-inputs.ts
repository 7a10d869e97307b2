import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { TDb } from "../connection";
import { getBusiestHour, sumLabelledCells, sumServedVolume } from "./summaries";
import { getPreviousChampionBaseline, hasPreviousChampion } from "./baseline-value";
import {
  approveEveryoneSums,
  cellOf,
  emptyCellSums,
  labelledCount,
  perMonth,
  valueAgainstBaseline,
  ZValueMatrix,
  type TValueMatrix,
} from "@/lib/cost/value";
import { ZFallbackRules, type TFallbackRules } from "@/lib/inference/routing";

type TScaleSource = { kind: "feature"; index: number } | { kind: "attribute"; name: string } | null;

/** Where a prediction keeps a named numeric input: its tensor row (model inputs in schema order) or its context attributes. */
function scaleSource(inputSchema: unknown, name: string | null): TScaleSource {
  if (!name) return null;
  const features = (inputSchema as { features?: Array<{ name: string; modelInput?: boolean }> } | null)?.features ?? [];
  const index = features.filter((feature) => feature.modelInput !== false).findIndex((feature) => feature.name === name);
  return index >= 0 ? { kind: "feature", index } : { kind: "attribute", name };
}

function scaleSql(source: TScaleSource) {
  if (source === null) return sql`1`;
  if (source.kind === "feature") return sql`coalesce(p.features[${source.index + 1}], 0)`;
  // A context attribute that is not a number counts as 0 rather than failing the page.
  return sql`case when jsonb_typeof(p.attributes -> ${source.name}) = 'number' then (p.attributes ->> ${source.name})::float8 else 0 end`;
}

/**
 * The fallback's decision (1 = positive) as SQL, for rules on numeric model inputs or attributes;
 * null when a rule compares with a text or boolean (such rules are valued by the worker only).
 */
function fallbackDecisionSql(rules: TFallbackRules, inputSchema: unknown, threshold: number) {
  const operators = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=`, eq: sql`=`, neq: sql`<>` } as const;
  const branches = [];
  for (const rule of rules.rules) {
    if (typeof rule.value !== "number") return null;
    const source = scaleSource(inputSchema, rule.feature)!;
    const value =
      source.kind === "feature"
        ? sql`p.features[${source.index + 1}]`
        : sql`case when jsonb_typeof(p.attributes -> ${source.name}) = 'number' then (p.attributes ->> ${source.name})::float8 end`;
    branches.push(sql`when ${value} ${operators[rule.operator]} ${rule.value} then ${rule.probability >= threshold ? 1 : 0}`);
  }
  const otherwise = rules.defaultProbability >= threshold ? 1 : 0;
  return branches.length === 0 ? sql`${otherwise}` : sql`case ${sql.join(branches, sql` `)} else ${otherwise} end`;
}

/**
 * The value matrix's inputs for a model's labelled predictions, as SQL over a prediction `p` and
 * its outcome `o`: the model's decision, the actual, the baseline's decision and the scaling input
 * (`cells`), and `cellsKey`, which names them so summaries computed with other inputs are not used.
 */
export async function getCellInputs(db: TDb, modelId: string) {
  const [config] = await db.execute<{
    value_matrix: unknown;
    fallback_rules: unknown;
    input_schema: unknown;
    output_schema: { threshold?: number } | null;
  }>(sql`
    select m.value_matrix, m.fallback_rules, v.input_schema, v.output_schema
    from models m left join deployments d on d.model_id = m.id left join model_versions v on v.id = d.champion_version_id
    where m.id = ${modelId}`);
  const matrix = ZValueMatrix.parse(config?.value_matrix ?? {});
  const scale = scaleSql(scaleSource(config?.input_schema ?? null, matrix.scaleInput));
  const threshold = config?.output_schema?.threshold ?? 0.5;
  const fallback = ZFallbackRules.safeParse(config?.fallback_rules ?? {});
  // Approve everyone is valued from the model's cells (approveEveryoneSums); the fallback is decided per row in SQL.
  const baselineDecision =
    matrix.baseline === "approve_everyone"
      ? sql`null::int`
      : matrix.baseline === "fallback_rules" && fallback.success
        ? fallbackDecisionSql(fallback.data, config?.input_schema ?? null, threshold)
        : null;
  const cells = sql`(case when p.label = o.label then o.label_value else 1 - o.label_value end)::int as predicted, o.label_value::int as actual,
             (${baselineDecision ?? sql`null`})::int as baseline, ${scale}::float8 as scale`;
  const query = new PgDialect().sqlToQuery(cells);
  return { matrix, baselineDecision, cells, cellsKey: JSON.stringify([query.sql, query.params]) };
}

/**
 * The cost-benefit view's window: the whole hours of the last 30 days (from the first hour boundary
 * after now − 30 days), read from the hourly summaries without the raw rows of a partial first hour.
 * Those rows were most of the view's time (10–12 of 14–22 ms a model at 10 M predictions a month);
 * the extrapolation divides by the days observed, so the window's length does not bias it.
 */
const COST_WINDOW = { span: "30 days", wholeHours: true } as const;

/**
 * Measured inputs of the cost-benefit view over COST_WINDOW, or the days since the first
 * prediction when fewer: volume (extrapolated to 30 days), review rate, and the value of the
 * model's decisions against its baseline policy on the same labelled predictions
 * (lib/cost/value.ts), with the days the outcomes span. Read from the hourly summaries plus the
 * rows they do not cover yet (db/queries/summaries.ts): the same figures as a scan, in a few rows.
 */
export async function getMeasuredCostInputs(db: TDb, modelId: string) {
  const { matrix, baselineDecision, cells: cellSql, cellsKey } = await getCellInputs(db, modelId);
  // One row per (model decision, actual, baseline decision): counts and sums of the scaling input.
  const [volume, cells] = await Promise.all([
    sumServedVolume(db, { modelId, ...COST_WINDOW }),
    sumLabelledCells(db, { modelId, ...COST_WINDOW, cells: cellSql, cellsKey }),
  ]);
  const model = emptyCellSums();
  const baseline = emptyCellSums();
  let first: number | null = null;
  let last: number | null = null;
  for (const row of cells) {
    const modelCell = model[cellOf(Number(row.predicted) === 1, Number(row.actual) === 1)];
    modelCell.count += row.n;
    modelCell.scale += row.scale;
    if (row.baseline !== null) {
      const baselineCell = baseline[cellOf(Number(row.baseline) === 1, Number(row.actual) === 1)];
      baselineCell.count += row.n;
      baselineCell.scale += row.scale;
    }
    first = Math.min(first ?? Infinity, Date.parse(String(row.first)));
    last = Math.max(last ?? -Infinity, Date.parse(String(row.last)));
  }
  const predictions = volume?.predictions ?? 0;
  // At least an hour, so a burst of predictions is not extrapolated from a few seconds.
  const observedDays = predictions > 0 ? Math.max(1 / 24, Math.min(30, Number(volume?.observed_days ?? 0))) : 0;
  const labelled = labelledCount(model);
  const valued = baselineDecision !== null;
  const value =
    labelled > 0 && valued
      ? valueAgainstBaseline(matrix, model, matrix.baseline === "approve_everyone" ? approveEveryoneSums(model) : baseline)
      : null;
  const rate = (cell: "tp" | "fp" | "tn" | "fn") => (labelled > 0 ? model[cell].count / labelled : null);
  return withPreviousChampionBaseline(db, modelId, {
    matrix,
    predictions,
    observedDays,
    monthlyPredictions: perMonth(predictions, observedDays),
    reviewRate: predictions > 0 ? (volume?.reviewed ?? 0) / predictions : 0,
    labelled,
    outcomeDays: first !== null && last !== null ? Math.max(1 / 24, (last - first) / 86_400_000) : 0,
    // Rates are shares of all labelled predictions, so they multiply with volume directly.
    falsePositiveRate: rate("fp"),
    falseNegativeRate: rate("fn"),
    truePositiveRate: rate("tp"),
    cells: model,
    value,
    valueAddedPerPrediction: value?.valueAddedPerPrediction ?? null,
    baselineUnavailable: valued
      ? null
      : matrix.baseline === "previous_champion"
        ? "the previous champion did not decide these predictions, so it cannot be valued on them"
        : "a fallback rule compares with text, which only the worker evaluates",
  });
}

/**
 * The "previous champion" baseline (issue 14, H4): the previous champion cannot be valued in SQL, so
 * workers/jobs/baseline-value.ts re-scores the newest labelled predictions with its ONNX file and
 * stores both decisions' cells on those rows (db/queries/baseline-value.ts). The value added per
 * prediction comes from those rows; volume and rates stay those of the whole window.
 */
async function withPreviousChampionBaseline<
  T extends { matrix: TValueMatrix; value: ReturnType<typeof valueAgainstBaseline> | null; baselineUnavailable: string | null },
>(db: TDb, modelId: string, measured: T) {
  if (measured.matrix.baseline !== "previous_champion") return { ...measured, previousChampionBasis: null };
  const stored = await getPreviousChampionBaseline(db, modelId);
  const current = stored !== null && (stored.scaleInput ?? null) === measured.matrix.scaleInput && stored.rows > 0;
  if (!stored || !current) {
    const reason = !(await hasPreviousChampion(db, modelId))
      ? "this model has no previous champion yet (one exists once a version has been promoted over another)"
      : stored?.rows === 0
        ? "none of the labelled predictions could be given to the previous champion (inputs it needs are missing)"
        : "the worker has not re-scored the labelled predictions with the previous champion yet (it does so when the champion changes and daily)";
    return { ...measured, value: null, valueAddedPerPrediction: null, baselineUnavailable: reason, previousChampionBasis: null };
  }
  const value = valueAgainstBaseline(measured.matrix, stored.modelCells, stored.baselineCells);
  return {
    ...measured,
    value,
    valueAddedPerPrediction: value.valueAddedPerPrediction,
    baselineUnavailable: null,
    previousChampionBasis: {
      version: stored.baselineVersion,
      rows: stored.rows,
      skipped: stored.skipped,
      windowStart: stored.windowStart,
      windowEnd: stored.windowEnd,
      computedAt: stored.computedAt,
    },
  };
}

/** What the worker actually served for a model over 30 days: the busiest hour, and latency from the last day's monitor windows. */
export async function getServingFigures(db: TDb, modelId: string) {
  const busiestHour = await getBusiestHour(db, { modelId, ...COST_WINDOW });
  const [latency] = await db.execute<{ p50: number | null; p99: number | null }>(sql`
    select max(value) filter (where statistic = 'p50_ms') as p50, max(value) filter (where statistic = 'p99_ms') as p99
    from monitor_results where model_id = ${modelId} and kind = 'latency' and granularity = 'hour' and window_start > now() - interval '24 hours'`);
  return { busiestHourPredictions: busiestHour ?? 0, p50Ms: latency?.p50 ?? null, p99Ms: latency?.p99 ?? null };
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

/** The input schema of the model's champion (null without one): the inputs a value matrix may be scaled by. */
export async function getChampionInputSchema(db: TDb, modelId: string): Promise<unknown> {
  const [row] = await db.execute<{ input_schema: unknown }>(sql`
    select v.input_schema from deployments d join model_versions v on v.id = d.champion_version_id where d.model_id = ${modelId}`);
  return row?.input_schema ?? null;
}
