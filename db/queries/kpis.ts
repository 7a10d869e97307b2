import { and, asc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { TKpiValue } from "@/lib/kpis/input";
import type { TKpiPoint, TMonitorPoint, TPortfolioModel } from "@/lib/types/kpis";
import type { TMonitorStatus } from "@/lib/types/monitoring";
import type { TDb } from "../connection";
import { kpiValues, models } from "../schema";
import { undecidedItemsOfModel } from "./review-counts";

// 5 parameters a row: 2,000 rows stay far below PostgreSQL's 65,535 bind parameters.
const UPSERT_CHUNK = 2_000;

/**
 * Inserts or replaces KPI values of one model, keyed by (model, metric, day). Run it in the
 * caller's transaction: a failing chunk then rolls back every chunk before it.
 */
export async function upsertKpiValues(
  db: TDb,
  input: { modelId: string; values: readonly TKpiValue[] },
): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  for (let start = 0; start < input.values.length; start += UPSERT_CHUNK) {
    const chunk = input.values.slice(start, start + UPSERT_CHUNK);
    const rows = await db
      .insert(kpiValues)
      .values(
        chunk.map((value) => ({ modelId: input.modelId, metric: value.metric, day: value.date, value: value.value, unit: value.unit })),
      )
      .onConflictDoUpdate({
        target: [kpiValues.modelId, kpiValues.metric, kpiValues.day],
        set: { value: sql`excluded.value`, unit: sql`excluded.unit` },
      })
      // xmax is 0 on a freshly inserted row version and set on one written by the DO UPDATE.
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    inserted += rows.filter((row) => row.inserted).length;
  }
  return { inserted, updated: input.values.length - inserted };
}

/** Every model's id and slug, to resolve the model column of a KPI upload. */
export async function listModelRefs(db: TDb): Promise<Array<{ id: string; slug: string }>> {
  return db.select({ id: models.id, slug: models.slug }).from(models).orderBy(asc(models.slug));
}

export type TKpiValueDto = { date: string; metric: string; value: number; unit: string };

/** A model's KPI values, by metric then day, optionally one metric and a period (days included). */
export async function listKpiValues(
  db: TDb,
  input: { modelId: string; metric?: string; from?: string; to?: string },
): Promise<TKpiValueDto[]> {
  return db
    .select({ date: kpiValues.day, metric: kpiValues.metric, value: kpiValues.value, unit: kpiValues.unit })
    .from(kpiValues)
    .where(
      and(
        eq(kpiValues.modelId, input.modelId),
        input.metric === undefined ? undefined : eq(kpiValues.metric, input.metric),
        input.from === undefined ? undefined : gte(kpiValues.day, input.from),
        input.to === undefined ? undefined : lte(kpiValues.day, input.to),
      ),
    )
    .orderBy(asc(kpiValues.metric), asc(kpiValues.day));
}

/** KPI values of the given models within [from, to] (days included). */
export async function listKpiPoints(db: TDb, input: { modelIds: readonly string[]; from: string; to: string }): Promise<TKpiPoint[]> {
  if (input.modelIds.length === 0) return [];
  return db
    .select({ modelId: kpiValues.modelId, metric: kpiValues.metric, day: kpiValues.day, value: kpiValues.value, unit: kpiValues.unit })
    .from(kpiValues)
    .where(and(inArray(kpiValues.modelId, [...input.modelIds]), gte(kpiValues.day, input.from), lte(kpiValues.day, input.to)))
    .orderBy(asc(kpiValues.modelId), asc(kpiValues.metric), asc(kpiValues.day));
}

/*
 * Monitor results are per version; the KPI view shows one line per model. For each model, day
 * and statistic it takes the current champion's row, and otherwise (a day before the champion
 * served) the most recently computed row of any version.
 */
const DAILY_RESULTS = sql`
  select distinct on (r.model_id, r.window_start, r.kind, r.statistic, r.group_name)
         r.model_id, to_char(r.window_start at time zone 'UTC', 'YYYY-MM-DD') as day, r.kind, r.statistic, r.group_name,
         r.value, r.threshold, r.status, r.window_start
  from monitor_results r
  left join deployments d on d.model_id = r.model_id
  where r.granularity = 'day'
    and ((r.kind = 'drift' and r.statistic = 'drifted_share' and r.feature = '')
      or (r.kind = 'fairness' and r.statistic = 'disparate_impact')
      or (r.kind = 'performance' and r.statistic in ('roc_auc', 'accuracy')))`;
const CHAMPION_FIRST = sql`order by r.model_id, r.window_start, r.kind, r.statistic, r.group_name,
  (r.model_version_id is not distinct from d.champion_version_id) desc, r.computed_at desc`;

/** Daily drift (drifted share), disparate impact and realized ROC AUC / accuracy of the given models within [from, to]. */
export async function listDailyMonitorPoints(
  db: TDb,
  input: { modelIds: readonly string[]; from: string; to: string },
): Promise<TMonitorPoint[]> {
  if (input.modelIds.length === 0) return [];
  const rows = await db.execute<{
    model_id: string;
    day: string;
    kind: TMonitorPoint["kind"];
    statistic: string;
    group_name: string;
    value: number | null;
    threshold: number | null;
    status: TMonitorPoint["status"];
  }>(sql`
    ${DAILY_RESULTS}
      and r.model_id in (${sql.join(
        input.modelIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
      and r.window_start >= ${input.from}::date and r.window_start < ${input.to}::date + 1
    ${CHAMPION_FIRST}`);
  return rows.map((row) => ({
    modelId: row.model_id,
    day: row.day,
    kind: row.kind,
    statistic: row.statistic,
    groupName: row.group_name,
    value: row.value === null ? null : Number(row.value),
    threshold: row.threshold === null ? null : Number(row.threshold),
    status: row.status,
  }));
}

/**
 * Every model as the portfolio summary needs it: its champion (in production when there is one),
 * open alerts by severity, unresolved incidents (its health), open or claimed review items, and its latest daily drift verdict
 * (ok, warning or breach; an "unknown" day is skipped).
 */
export async function listPortfolioModels(db: TDb): Promise<TPortfolioModel[]> {
  const rows = await db.execute<{
    id: string;
    slug: string;
    display_name: string;
    risk_tier: TPortfolioModel["riskTier"];
    business_kpi: string;
    cost_settings: Record<string, unknown>;
    champion_version: string | null;
    kill_switch: boolean | null;
    critical: number;
    warning: number;
    info: number;
    drift_day: string | null;
    drift_status: TMonitorStatus | null;
    incidents: TPortfolioModel["openIncidents"];
    open_review_items: number;
  }>(sql`
    with latest_drift as (
      select distinct on (model_id) model_id, day, status from (${DAILY_RESULTS} ${CHAMPION_FIRST}) daily
      -- "unknown" is no verdict (too little data, e.g. today's window still filling): the last real one stands.
      where kind = 'drift' and status <> 'unknown'
      order by model_id, window_start desc
    )
    select m.id, m.slug, m.display_name, m.risk_tier, m.business_kpi, m.cost_settings,
           v.version as champion_version, d.kill_switch,
           (select count(*)::int from alerts a where a.model_id = m.id and a.status <> 'resolved' and a.severity = 'critical') as critical,
           (select count(*)::int from alerts a where a.model_id = m.id and a.status <> 'resolved' and a.severity = 'warning') as warning,
           (select count(*)::int from alerts a where a.model_id = m.id and a.status <> 'resolved' and a.severity = 'info') as info,
           (select coalesce(json_agg(json_build_object('id', n.id, 'title', n.title, 'severity', n.severity) order by n.opened_at), '[]'::json)
              from incidents n where n.model_id = m.id and n.status <> 'resolved') as incidents,
           ld.day as drift_day, ld.status as drift_status,
           -- The review queue's own count (from its hourly buckets, not a pass over the backlog), as in the navigation.
           ${undecidedItemsOfModel(sql`m.id`)} as open_review_items
    from models m
    left join deployments d on d.model_id = m.id
    left join model_versions v on v.id = d.champion_version_id
    left join latest_drift ld on ld.model_id = m.id
    order by (d.champion_version_id is null), m.display_name`);
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    displayName: row.display_name,
    riskTier: row.risk_tier,
    businessKpi: row.business_kpi,
    costSettings: row.cost_settings ?? {},
    championVersion: row.champion_version,
    killSwitch: row.kill_switch ?? false,
    openCriticalAlerts: row.critical,
    openWarningAlerts: row.warning,
    openInfoAlerts: row.info,
    openReviewItems: row.open_review_items,
    latestDrift: row.drift_day && row.drift_status ? { day: row.drift_day, status: row.drift_status } : null,
    openIncidents: row.incidents ?? [],
  }));
}
