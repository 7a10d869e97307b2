import { sql } from "drizzle-orm";
import type { TTransparencyReport } from "@/lib/review/transparency";
import type { TDb } from "../connection";
import { withQuickPlan } from "./quick-reads";

/** The review transparency report of a model over [from, to) (whole UTC days). */
export async function getTransparencyReport(
  db: TDb,
  input: { modelId: string; modelSlug: string; from: Date; to: Date },
): Promise<TTransparencyReport> {
  const range = sql`r.model_id = ${input.modelId} and r.created_at >= ${input.from.toISOString()} and r.created_at < ${input.to.toISOString()}`;
  const [byReason, byGroup, timing, backlog] = await Promise.all([
    db.execute<{ reason: string; routed: number; decided: number; overridden: number }>(sql`
      select r.reason, count(*)::int as routed, count(*) filter (where r.status = 'decided')::int as decided,
             count(*) filter (where r.decision = 'override')::int as overridden
      from review_items r where ${range} group by r.reason order by r.reason`),
    // The attributes copied onto each item (migration 0020); the prediction is read by key only for an item
    // written without them (coalesce evaluates the sub-select only then; a lateral join read it for every item,
    // filtering afterwards). An item whose prediction is gone has no groups, as with the inner join this
    // replaces. Items are counted per distinct attribute set first (a few dozen sets), and only those sets are
    // split into attribute = group pairs: 77-89 -> 38 ms for 20,000 items. JIT and parallel workers only add
    // to such reads (quick-reads.ts).
    withQuickPlan(db, (tx) =>
      tx.execute<{ attribute: string; group: string; decided: number; overridden: number }>(sql`
      select a.key as attribute, a.value as "group", sum(s.decided)::int as decided, sum(s.overridden)::int as overridden
      from (
        select coalesce(r.attributes,
                 (select p.attributes from predictions p where p.id = r.prediction_id and p.created_at = r.prediction_created_at)) as attributes,
               count(*) filter (where r.status = 'decided') as decided, count(*) filter (where r.decision = 'override') as overridden
        from review_items r where ${range} group by 1
      ) s
      cross join lateral jsonb_each_text(s.attributes) a
      group by 1, 2 order by 1, 2`),
    ),
    db.execute<{ median: number | null; p90: number | null }>(sql`
      select percentile_cont(0.5) within group (order by extract(epoch from r.decided_at - r.created_at) / 60) as median,
             percentile_cont(0.9) within group (order by extract(epoch from r.decided_at - r.created_at) / 60) as p90
      from review_items r where ${range} and r.status = 'decided'`),
    // Open at the end of day d: created before d + 1 day and not decided before it. One pass over the items:
    // each opens on its creation day and closes on its decision day (never before it opened), and a day's
    // backlog is the running sum up to it, instead of a count over every item for every day. Materialized,
    // so the pass runs once (inlined, it ran again for every day of the period).
    db.execute<{ day: string; open: number }>(sql`
      with changes as materialized (
        select day, sum(delta) as delta from (
          select date_trunc('day', r.created_at, 'UTC') as day, 1 as delta
          from review_items r where r.model_id = ${input.modelId} and r.created_at < ${input.to.toISOString()}
          union all
          select greatest(date_trunc('day', r.decided_at, 'UTC'), date_trunc('day', r.created_at, 'UTC')), -1
          from review_items r where r.model_id = ${input.modelId} and r.created_at < ${input.to.toISOString()} and r.decided_at is not null
        ) events group by day
      )
      select to_char(d, 'YYYY-MM-DD') as day, (select coalesce(sum(c.delta), 0)::int from changes c where c.day <= d) as open
      from generate_series(${input.from.toISOString()}::timestamptz, ${input.to.toISOString()}::timestamptz - interval '1 day', interval '1 day') d`),
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
