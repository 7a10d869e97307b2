import { sql } from "drizzle-orm";
import type { TTransparencyReport } from "@/lib/review/transparency";
import type { TDb } from "../connection";

/** The review transparency report of a model over [from, to) (whole UTC days). */
export async function getTransparencyReport(
  db: TDb,
  input: { modelId: string; modelSlug: string; from: Date; to: Date },
): Promise<TTransparencyReport> {
  // Whole UTC days: the daily counts (migration 0022) answer for exactly the items created in them.
  for (const bound of [input.from, input.to])
    if (bound.getTime() % 86_400_000 !== 0) throw new Error(`transparency report bounds are UTC midnights, not ${bound.toISOString()}`);
  const [from, to] = [input.from.toISOString().slice(0, 10), input.to.toISOString().slice(0, 10)];
  const days = sql`d.model_id = ${input.modelId} and d.day >= ${from}::date and d.day < ${to}::date`;
  const [byReason, byGroup, timing, backlog] = await Promise.all([
    db.execute<{ reason: string; routed: number; decided: number; overridden: number }>(sql`
      select d.reason, sum(d.routed)::int as routed, sum(d.decided)::int as decided, sum(d.overridden)::int as overridden
      from review_report_days d where ${days} group by d.reason having sum(d.routed) > 0 order by d.reason`),
    // Counted per attribute set first (a few dozen), and only those sets split into attribute = group pairs.
    db.execute<{ attribute: string; group: string; decided: number; overridden: number }>(sql`
      select a.key as attribute, a.value as "group", sum(s.decided)::int as decided, sum(s.overridden)::int as overridden
      from (
        select d.attributes, sum(d.decided) as decided, sum(d.overridden) as overridden
        from review_report_days d where ${days} group by d.attributes having sum(d.routed) > 0
      ) s
      cross join lateral jsonb_each_text(s.attributes) a
      group by 1, 2 order by 1, 2`),
    // Exact quantiles need each decision time: the decided items of the period, index-only (migration 0022).
    db.execute<{ median: number | null; p90: number | null }>(sql`
      select percentile_cont(0.5) within group (order by extract(epoch from r.decided_at - r.created_at) / 60) as median,
             percentile_cont(0.9) within group (order by extract(epoch from r.decided_at - r.created_at) / 60) as p90
      from review_items r
      where r.model_id = ${input.modelId} and r.created_at >= ${input.from.toISOString()} and r.created_at < ${input.to.toISOString()}
        and r.status = 'decided'`),
    // Open at the end of day d: routed up to d minus closed up to d (an item closes on its decision day, never
    // before it opened), a running sum over the daily counts.
    db.execute<{ day: string; open: number }>(sql`
      with changes as materialized (
        select d.day, sum(d.routed - d.closed) as delta from review_report_days d
        where d.model_id = ${input.modelId} and d.day < ${to}::date group by d.day
      )
      select to_char(d, 'YYYY-MM-DD') as day, (select coalesce(sum(c.delta), 0)::int from changes c where c.day <= d) as open
      from generate_series(${from}::date, ${to}::date - 1, interval '1 day') d`),
  ]);
  return {
    model: input.modelSlug,
    from: input.from.toISOString().slice(0, 10),
    to: new Date(input.to.getTime() - 86_400_000).toISOString().slice(0, 10),
    byReason: [...byReason],
    byGroup: [...byGroup],
    medianMinutesToDecision: timing[0]?.median === null || timing[0]?.median === undefined ? null : Number(timing[0].median),
    p90MinutesToDecision: timing[0]?.p90 === null || timing[0]?.p90 === undefined ? null : Number(timing[0].p90),
    backlog: [...backlog],
  };
}

/**
 * Folds the report's appended daily rows (migration 0022) into one per model, day, reason and
 * attribute set, dropping those that net to nothing (the worker's periodic pass). Only keys with
 * more than one row (or an empty one) are rewritten: the table keeps every day of history, and
 * rewriting all of it every minute would be most of the pass. Rows appended meanwhile are not in
 * this statement's snapshot and stay as they are.
 */
export async function compactReviewReportDays(db: TDb): Promise<{ before: number; after: number }> {
  const [row] = await db.execute<{ before: number; after: number }>(sql`
    with unfolded as (
      select model_id, day, reason, attributes from review_report_days group by model_id, day, reason, attributes
      having count(*) > 1 or (sum(routed) = 0 and sum(decided) = 0 and sum(overridden) = 0 and sum(closed) = 0)),
    removed as (
      delete from review_report_days d using unfolded u
      where d.model_id = u.model_id and d.day = u.day and d.reason = u.reason and d.attributes is not distinct from u.attributes
      returning d.model_id, d.day, d.reason, d.attributes, d.routed, d.decided, d.overridden, d.closed),
    folded as (
      insert into review_report_days (model_id, day, reason, attributes, routed, decided, overridden, closed)
      select model_id, day, reason, attributes, sum(routed), sum(decided), sum(overridden), sum(closed) from removed
      group by model_id, day, reason, attributes
      having sum(routed) <> 0 or sum(decided) <> 0 or sum(overridden) <> 0 or sum(closed) <> 0
      returning 1)
    select (select count(*) from removed)::int as before, (select count(*) from folded)::int as after`);
  return row!;
}
