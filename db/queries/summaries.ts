import { sql, type SQL } from "drizzle-orm";
import type { TDb } from "../connection";
import { withQuickPlan } from "./quick-reads";

/*
 * Reads over the hourly summaries (migration 0017) that stay exact: each adds up the summary rows
 * of the hours they cover and reads raw rows for the rest, so a page never shows a figure older
 * than the predictions table. Refreshed by db/queries/summaries-refresh.ts.
 */

/** Roles whose predictions were answered to the caller: what volume and value count. */
const SERVED = sql`('champion', 'challenger', 'fallback')`;

/**
 * A window (now − span, now] split where the summaries reach (timestamps as text, so no microsecond
 * is lost on the way through JavaScript): predictions made in (t0, a) are raw (the part of an hour
 * the window starts in), in [a, b) summarised, from b on raw; bc is b for the cells, or a when they
 * were computed with other value-matrix inputs; outcomes recorded from o on are raw even for
 * summarised hours. a is an hour boundary; b may fall inside an hour (a pass summarises up to
 * now − margin), so the summary row of b's hour holds only its predictions before b, and b ≥ a
 * puts that hour at or after a. Literal bounds, not a join, so the planner sees each range and
 * uses the time indexes. With `wholeHours` the window is [a, now] (t0 = a): the whole hours within
 * the span, with no raw rows at its start (up to an hour of them, ~14,000 predictions at 10 M a month).
 */
type TWindow = { now: string; t0: string; a: string; b: string; bc: string; o: string };
/** A model's window: (now − span, now], or with `wholeHours` its whole hours (TWindow). */
type TWindowInput = { modelId: string; span: string; wholeHours?: boolean };

/** `span` null: the window reaches back to the first prediction. */
async function loadWindow(db: TDb, input: Omit<TWindowInput, "span"> & { span: string | null; cellsKey?: string }): Promise<TWindow> {
  const [row] = await db.execute<TWindow>(sql`
    select bounds.now::text as now, bounds.t0::text as t0, bounds.a::text as a,
           greatest(bounds.a, coalesce(s.until, bounds.a))::text as b,
           (case when s.cells_key = ${input.cellsKey ?? null} then greatest(bounds.a, s.until) else bounds.a end)::text as bc,
           coalesce(s.outcomes_until, 'infinity'::timestamptz)::text as o
    from (
      select now() as now, case when ${input.wholeHours ?? false} then a else t0 end as t0, a
      from (
        select t0, date_trunc('hour', t0, 'UTC') + interval '1 hour' as a
        from (select coalesce(now() - ${input.span}::interval, '-infinity'::timestamptz) as t0) start
      ) edges
    ) bounds
    left join lateral (
      -- The summaries end at the earliest hour in the window written after a pass read it (prediction_summary_dirty).
      select least(predictions_until, (select min(hour) from prediction_summary_dirty d where d.model_id = ${input.modelId} and d.hour >= bounds.a)) as until,
             outcomes_until, cells_key
      from prediction_summary_state where model_id = ${input.modelId}
    ) s on true`);
  return row!;
}

const at = (value: string) => sql`${value}::timestamptz`;

/** Served predictions of a model over its window: count, how many went to review, and the days since the first. */
export async function sumServedVolume(
  db: TDb,
  input: TWindowInput,
): Promise<{ predictions: number; reviewed: number; observed_days: number | null }> {
  return withQuickPlan(db, (tx) => servedVolume(tx, input));
}

async function servedVolume(db: TDb, input: TWindowInput) {
  const w = await loadWindow(db, input);
  const [row] = await db.execute<{ predictions: number; reviewed: number; observed_days: number | null }>(sql`
    select coalesce(sum(n), 0)::int as predictions, coalesce(sum(reviewed), 0)::int as reviewed,
           extract(epoch from ${at(w.now)} - min(first_at)) / 86400 as observed_days
    from (
      select h.predictions as n, h.reviewed, h.first_at from prediction_hours h
      where h.model_id = ${input.modelId} and h.role in ${SERVED} and h.hour >= ${at(w.a)} and h.hour < ${at(w.b)}
      union all
      select count(*), count(*) filter (where p.sent_to_review), min(p.created_at) from predictions p
      where p.model_id = ${input.modelId} and p.role in ${SERVED}
        and ((p.created_at > ${at(w.t0)} and p.created_at < ${at(w.a)}) or p.created_at >= ${at(w.b)})
    ) parts`);
  return row!;
}

export type TCellRow = {
  predicted: number;
  actual: number;
  baseline: number | null;
  n: number;
  scale: number;
  first: string;
  last: string;
};

/**
 * Labelled served predictions of a model over its window grouped by the `cells` expressions
 * (predicted, actual, baseline, scale over `p` and `o`; getCellInputs in cost-inputs.ts): count,
 * sum of the scaling input, first and last prediction time. `cellsKey` names the expressions; the
 * summarised cells are used only when they were computed with the same.
 */
export async function sumLabelledCells(db: TDb, input: TWindowInput & { cells: SQL; cellsKey: string }): Promise<TCellRow[]> {
  return withQuickPlan(db, (tx) => labelledCells(tx, input));
}

async function labelledCells(db: TDb, input: TWindowInput & { cells: SQL; cellsKey: string }) {
  const w = await loadWindow(db, input);
  const served = sql`p.model_id = ${input.modelId} and p.role in ${SERVED}`;
  return db.execute<TCellRow>(sql`
    select predicted, actual, baseline, sum(n)::int as n, coalesce(sum(scale), 0)::float8 as scale, min(first) as first, max(last) as last
    from (
      select c.predicted, c.actual, c.baseline, c.n, c.scale, c.first_at as first, c.last_at as last from outcome_cell_hours c
      where c.model_id = ${input.modelId} and c.hour >= ${at(w.a)} and c.hour < ${at(w.bc)}
      union all
      select predicted, actual, baseline, count(*)::int, coalesce(sum(scale), 0)::float8, min(created_at), max(created_at)
      from (
        -- Driven from the outcomes (their time index), so the edge hours probe only the labelled predictions, not all of
        -- them (4 vs 24 ms with 1 M predictions a month, a fifth labelled: bench:pages' database).
        select ${input.cells}, p.created_at
        from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
        where o.model_id = ${input.modelId} and ${served}
          and ((o.prediction_created_at > ${at(w.t0)} and o.prediction_created_at < ${at(w.a)}) or o.prediction_created_at >= ${at(w.bc)})
        union all
        -- Outcomes recorded since the summaries were made, of predictions in summarised hours.
        select ${input.cells}, p.created_at
        from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
        where o.model_id = ${input.modelId} and o.created_at >= ${at(w.o)}
          and o.prediction_created_at >= ${at(w.a)} and o.prediction_created_at < ${at(w.bc)} and ${served}
      ) raw
      group by predicted, actual, baseline
    ) parts
    group by predicted, actual, baseline`);
}

/** The most predictions (shadow excepted) a model answered in one clock hour (UTC) over its window; null with none. */
export async function getBusiestHour(db: TDb, input: TWindowInput): Promise<number | null> {
  return withQuickPlan(db, (tx) => busiestHour(tx, input));
}

async function busiestHour(db: TDb, input: TWindowInput) {
  const w = await loadWindow(db, input);
  // The hour b falls in has a summarised part and a raw part: added up per hour before the max.
  const [row] = await db.execute<{ busiest_hour: number | null }>(sql`
    select max(n)::int as busiest_hour from (
      select hour, sum(n) as n from (
        select h.hour, h.predictions as n from prediction_hours h
        where h.model_id = ${input.modelId} and h.role <> 'shadow' and h.hour >= ${at(w.a)} and h.hour < ${at(w.b)}
        union all
        select date_trunc('hour', p.created_at, 'UTC'), count(*) from predictions p
        where p.model_id = ${input.modelId} and p.role <> 'shadow'
          and ((p.created_at > ${at(w.t0)} and p.created_at < ${at(w.a)}) or p.created_at >= ${at(w.b)})
        group by 1
      ) parts
      group by hour
    ) hours`);
  return row?.busiest_hour ?? null;
}

/** A version's predictions over (now − span, now] (any role) and the outcomes of all its predictions ever. */
export async function getVersionLiveCounts(
  db: TDb,
  input: { modelId: string; versionId: string; span: string },
): Promise<{ predictions: number; outcomes: number }> {
  return withQuickPlan(db, (tx) => versionLiveCounts(tx, input));
}

async function versionLiveCounts(db: TDb, input: { modelId: string; versionId: string; span: string }) {
  const [recent, ever] = await Promise.all([loadWindow(db, input), loadWindow(db, { modelId: input.modelId, span: null })]);
  const [row] = await db.execute<{ predictions: number; outcomes: number }>(sql`
    select
      (select coalesce(sum(h.predictions), 0) from prediction_hours h
        where h.model_version_id = ${input.versionId} and h.model_id = ${input.modelId} and h.hour >= ${at(recent.a)} and h.hour < ${at(recent.b)})
      + (select count(*) from predictions p where p.model_version_id = ${input.versionId}
        and ((p.created_at > ${at(recent.t0)} and p.created_at < ${at(recent.a)}) or p.created_at >= ${at(recent.b)})) as predictions,
      (select coalesce(sum(h.labelled), 0) from prediction_hours h
        where h.model_version_id = ${input.versionId} and h.model_id = ${input.modelId} and h.hour < ${at(ever.b)})
      + (select count(*) from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
        where p.model_version_id = ${input.versionId} and p.created_at >= ${at(ever.b)})
      + (select count(*) from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
        where o.model_id = ${input.modelId} and o.created_at >= ${at(ever.o)} and o.prediction_created_at < ${at(ever.b)}
          and p.model_version_id = ${input.versionId}) as outcomes`);
  return { predictions: Number(row?.predictions ?? 0), outcomes: Number(row?.outcomes ?? 0) };
}

/** Whether a version made any prediction in a role over (now − span, now]: lets a page skip a scan that would find nothing. */
export async function hasVersionPredictions(
  db: TDb,
  input: { modelId: string; versionId: string; role: "champion" | "challenger" | "shadow"; span: string },
): Promise<boolean> {
  return withQuickPlan(db, (tx) => versionPredictionsExist(tx, input));
}

async function versionPredictionsExist(
  db: TDb,
  input: { modelId: string; versionId: string; role: "champion" | "challenger" | "shadow"; span: string },
) {
  const w = await loadWindow(db, input);
  const [row] = await db.execute<{ found: boolean }>(sql`
    select exists (
      select 1 from prediction_hours h
      where h.model_id = ${input.modelId} and h.model_version_id = ${input.versionId} and h.role = ${input.role}
        and h.hour >= ${at(w.a)} and h.hour < ${at(w.b)}
    ) or exists (
      select 1 from predictions p
      where p.model_version_id = ${input.versionId} and p.role = ${input.role}
        and ((p.created_at > ${at(w.t0)} and p.created_at < ${at(w.a)}) or p.created_at >= ${at(w.b)})
    ) as found`);
  return row?.found ?? false;
}
