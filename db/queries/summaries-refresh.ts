import { sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { getCellInputs } from "./cost-inputs";

/**
 * Rows are summarised once they are this old: a prediction or outcome is stamped when its
 * transaction starts, so one that commits later than this after its created_at would be missed
 * (readers count everything newer raw, so freshness does not depend on it). Migration 0017's
 * triggers mark any write of a row older than this (or than the summaries' reach) for a recount,
 * so a smaller margin is safe only while nothing else writes (tests).
 */
const SUMMARY_MARGIN_MS = 5 * 60_000;

const SERVED = sql`('champion', 'challenger', 'fallback')`;

export type TSummaryRefresh = { modelId: string; predictionsUntil: string; outcomesUntil: string; cellsRebuilt: boolean };

/**
 * Brings every model's hourly summaries (migration 0017) up to now − margin: the predictions not
 * yet summarised (the hour now − margin falls in, in part), the outcomes recorded since the last
 * pass, and all the cells again when the value matrix's inputs changed. One transaction per model,
 * its state row locked, so it is idempotent, safe to run from several workers at once, and catches
 * up after any downtime.
 */
export async function refreshPredictionSummaries(db: TDb, options: { marginMs?: number } = {}): Promise<TSummaryRefresh[]> {
  const marginMs = options.marginMs ?? SUMMARY_MARGIN_MS;
  const models = await db.execute<{ id: string }>(sql`select id from models order by id`);
  const results: TSummaryRefresh[] = [];
  for (const { id } of models) results.push(await refreshModel(db, id, marginMs));
  return results;
}

async function refreshModel(db: TDb, modelId: string, marginMs: number): Promise<TSummaryRefresh> {
  const { cells, cellsKey } = await getCellInputs(db, modelId);
  return db.transaction(async (tx) => {
    // The first pass over a model reads its whole history: more than the serving statement timeout allows.
    await tx.execute(sql`set local statement_timeout = '30min'`);
    await tx.execute(sql`
      insert into prediction_summary_state (model_id, predictions_until, outcomes_until, cells_key)
      values (${modelId}, '-infinity', '-infinity', '') on conflict (model_id) do nothing`);
    // Hours written after a pass may have read them (prediction_summary_dirty) are summarised again from the earliest.
    const [state] = await tx.execute<{
      p: string;
      o: string;
      cells_key: string;
      new_p: string;
      new_o: string;
      rewind: boolean;
      dirty: string[] | null;
    }>(sql`
      select least(s.predictions_until, d.earliest)::text as p, s.outcomes_until::text as o, s.cells_key,
             greatest(s.predictions_until, now() - ${`${marginMs} milliseconds`}::interval)::text as new_p,
             greatest(s.outcomes_until, now() - ${`${marginMs} milliseconds`}::interval)::text as new_o,
             coalesce(d.earliest < s.predictions_until, false) as rewind, d.ids::text[] as dirty
      from prediction_summary_state s
      left join lateral (
        select min(hour) as earliest, array_agg(id) as ids from prediction_summary_dirty where model_id = s.model_id
      ) d on true
      where s.model_id = ${modelId} for update of s`);
    const p = sql`${state!.p}::timestamptz`;
    const o = sql`${state!.o}::timestamptz`;
    const newP = sql`${state!.new_p}::timestamptz`;
    const newO = sql`${state!.new_o}::timestamptz`;
    const rebuildCells = state!.cells_key !== cellsKey;

    if (state!.rewind) {
      await tx.execute(sql`delete from prediction_hours where model_id = ${modelId} and hour >= ${p}`);
      await tx.execute(sql`delete from outcome_cell_hours where model_id = ${modelId} and hour >= ${p}`);
    }
    // Predictions made since the last pass, with the outcomes recorded so far, added to their hour: the hour a pass
    // ends in is summarised up to newP and completed by the next, so readers count only minutes raw, not most of an hour.
    await tx.execute(sql`
      insert into prediction_hours (model_id, model_version_id, role, hour, predictions, reviewed, labelled, first_at)
      select p.model_id, p.model_version_id, p.role, date_trunc('hour', p.created_at, 'UTC'), count(*)::int,
             count(*) filter (where p.sent_to_review)::int, count(o.prediction_id) filter (where o.created_at < ${newO})::int, min(p.created_at)
      from predictions p left join outcomes o on o.prediction_id = p.id and o.prediction_created_at = p.created_at
      where p.model_id = ${modelId} and p.created_at >= ${p} and p.created_at < ${newP}
      group by 1, 2, 3, 4
      on conflict on constraint prediction_hours_key do update
        set predictions = prediction_hours.predictions + excluded.predictions, reviewed = prediction_hours.reviewed + excluded.reviewed,
            labelled = prediction_hours.labelled + excluded.labelled, first_at = least(prediction_hours.first_at, excluded.first_at)`);
    // Outcomes recorded since the last pass for predictions of hours summarised before it.
    await tx.execute(sql`
      update prediction_hours h set labelled = h.labelled + late.n
      from (
        select p.model_version_id, p.role, date_trunc('hour', p.created_at, 'UTC') as hour, count(*)::int as n
        from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
        where o.model_id = ${modelId} and o.created_at >= ${o} and o.created_at < ${newO} and o.prediction_created_at < ${p}
          and p.model_id = ${modelId}
        group by 1, 2, 3
      ) late
      where h.model_id = ${modelId} and h.hour = late.hour and h.role = late.role and h.model_version_id is not distinct from late.model_version_id`);

    // Cells: new hours and late outcomes are added; other value-matrix inputs mean every hour again.
    if (rebuildCells) await tx.execute(sql`delete from outcome_cell_hours where model_id = ${modelId}`);
    const cellsFrom = rebuildCells ? sql`'-infinity'::timestamptz` : p;
    await tx.execute(sql`
      insert into outcome_cell_hours (model_id, hour, predicted, actual, baseline, n, scale, first_at, last_at)
      select ${modelId}, hour, predicted, actual, baseline, count(*)::int, coalesce(sum(scale), 0)::float8, min(created_at), max(created_at)
      from (
        select date_trunc('hour', p.created_at, 'UTC') as hour, ${cells}, p.created_at
        from predictions p join outcomes o on o.prediction_id = p.id and o.prediction_created_at = p.created_at
        where p.model_id = ${modelId} and p.role in ${SERVED} and p.created_at >= ${cellsFrom} and p.created_at < ${newP} and o.created_at < ${newO}
        union all
        select date_trunc('hour', p.created_at, 'UTC') as hour, ${cells}, p.created_at
        from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
        where o.model_id = ${modelId} and o.created_at >= ${o} and o.created_at < ${newO} and o.prediction_created_at < ${cellsFrom}
          and p.model_id = ${modelId} and p.role in ${SERVED}
      ) labelled
      group by hour, predicted, actual, baseline
      on conflict on constraint outcome_cell_hours_key do update
        set n = outcome_cell_hours.n + excluded.n, scale = outcome_cell_hours.scale + excluded.scale,
            first_at = least(outcome_cell_hours.first_at, excluded.first_at), last_at = greatest(outcome_cell_hours.last_at, excluded.last_at)`);

    // Only the marks read above: one written since stays for the next pass (readers stop at it until then).
    if (state!.dirty?.length)
      await tx.execute(sql`delete from prediction_summary_dirty where id = any(${`{${state!.dirty.join(",")}}`}::bigint[])`);
    await tx.execute(sql`
      update prediction_summary_state
      set predictions_until = ${newP}, outcomes_until = ${newO}, cells_key = ${cellsKey}, updated_at = now()
      where model_id = ${modelId}`);
    return { modelId, predictionsUntil: state!.new_p, outcomesUntil: state!.new_o, cellsRebuilt: rebuildCells };
  });
}
