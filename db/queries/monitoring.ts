import { and, asc, eq, gte, inArray, lt, notLike, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { modelVersions, models, monitorResults, monitorWindows } from "../schema";
import type { TWindowRow, TWindowSummary } from "@/lib/monitoring/window";
import type { TMonitorStatus } from "@/lib/types/monitoring";

export type TMonitorVersion = {
  id: string;
  modelId: string;
  modelSlug: string;
  version: string;
  artifactSha256: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  referenceProfile: Record<string, unknown> | null;
};

export async function getMonitorVersion(db: TDb, versionId: string): Promise<TMonitorVersion | null> {
  const [row] = await db
    .select({
      id: modelVersions.id,
      modelId: modelVersions.modelId,
      modelSlug: models.slug,
      version: modelVersions.version,
      artifactSha256: modelVersions.artifactSha256,
      inputSchema: modelVersions.inputSchema,
      outputSchema: modelVersions.outputSchema,
      referenceProfile: modelVersions.referenceProfile,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.id, versionId));
  return row ?? null;
}

/**
 * (version, hour) pairs with at least one prediction in [from, to): one index probe (predictions'
 * version-time index, LIMIT 1) per version and hour instead of reading the rows. Grouping the rows of
 * the last two hours read every one of them each minute (405 ms over 1.9 M predictions; the probes 0.3 ms).
 */
const hoursWithPredictions = (from: Date, to: Date) => sql`
  select v.id as version_id, h.hour
  from model_versions v
  cross join generate_series(date_trunc('hour', ${from.toISOString()}::timestamptz), ${to.toISOString()}::timestamptz - interval '1 microsecond', interval '1 hour') as h(hour)
  cross join lateral (
    select 1 from predictions p
    where p.model_version_id = v.id and p.created_at >= greatest(h.hour, ${from.toISOString()}::timestamptz)
      and p.created_at < least(h.hour + interval '1 hour', ${to.toISOString()}::timestamptz)
    limit 1
  ) as seen`;

/** (version, hour) pairs that have predictions in [from, to): the windows a run must (re)compute. */
export async function listActiveHours(db: TDb, { from, to }: { from: Date; to: Date }): Promise<{ versionId: string; hour: Date }[]> {
  const rows = await db.execute<{ version_id: string; hour: Date }>(hoursWithPredictions(from, to));
  return rows.map((row) => ({ versionId: row.version_id, hour: new Date(row.hour) }));
}

/** Hours whose predictions received an outcome since `since`: delayed labels change their performance. */
export async function listHoursWithNewOutcomes(
  db: TDb,
  { since, until }: { since: Date; until: Date },
): Promise<{ versionId: string; hour: Date }[]> {
  const rows = await db.execute<{ version_id: string; hour: Date }>(sql`
    select p.model_version_id as version_id, date_trunc('hour', p.created_at) as hour
    from outcomes o
    join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
    where o.created_at >= ${since.toISOString()} and p.created_at < ${until.toISOString()} and p.model_version_id is not null
    group by 1, 2`);
  return rows.map((row) => ({ versionId: row.version_id, hour: new Date(row.hour) }));
}

/** Hours with predictions but no stored window (after downtime, or on first start). */
export async function listMissingHours(db: TDb, { from, to }: { from: Date; to: Date }): Promise<{ versionId: string; hour: Date }[]> {
  const rows = await db.execute<{ version_id: string; hour: Date }>(sql`
    select h.version_id, h.hour from (${hoursWithPredictions(from, to)}) h
    where not exists (select 1 from monitor_windows w where w.model_version_id = h.version_id and w.granularity = 'hour' and w.window_start = h.hour)`);
  return rows.map((row) => ({ versionId: row.version_id, hour: new Date(row.hour) }));
}

/** A window's predictions with their outcome (1 / 0) where one arrived. */
export async function listWindowRows(db: TDb, { versionId, from, to }: { versionId: string; from: Date; to: Date }): Promise<TWindowRow[]> {
  const rows = await db.execute<{
    features: number[];
    attributes: Record<string, string | number | boolean>;
    probability: number;
    confidence: number;
    latency_ms: number;
    label_value: number | null;
  }>(sql`
    select p.features, p.attributes, p.probability, p.confidence, p.latency_ms, o.label_value
    from predictions p
    left join outcomes o on o.prediction_id = p.id and o.prediction_created_at = p.created_at
    where p.model_version_id = ${versionId} and p.created_at >= ${from.toISOString()} and p.created_at < ${to.toISOString()}`);
  return rows.map((row) => ({
    features: row.features,
    attributes: row.attributes,
    probability: row.probability,
    confidence: row.confidence,
    latencyMs: row.latency_ms,
    label: row.label_value === null ? null : row.label_value === 1 ? 1 : 0,
  }));
}

/** How many predictions of a version were stamped in [from, to): the check a window gets when its hour completes. */
export async function countWindowPredictions(
  db: TDb,
  { versionId, from, to }: { versionId: string; from: Date; to: Date },
): Promise<number> {
  const [row] = await db.execute<{ count: number }>(sql`select count(*)::int as count from predictions
    where model_version_id = ${versionId} and created_at >= ${from.toISOString()} and created_at < ${to.toISOString()}`);
  return row.count;
}

export async function upsertWindow(
  db: TDb,
  window: {
    modelId: string;
    versionId: string;
    granularity: "hour" | "day";
    start: Date;
    end: Date;
    summary: TWindowSummary;
    /** Hour windows: the summary holds the predictions created before this (see the column's comment, migration 0024). */
    rowsUntil?: Date | null;
  },
) {
  const values = {
    modelId: window.modelId,
    modelVersionId: window.versionId,
    granularity: window.granularity,
    windowStart: window.start,
    windowEnd: window.end,
    rowCount: window.summary.count,
    labelledCount: window.summary.labelled.count,
    summary: window.summary as unknown as Record<string, unknown>,
    computedAt: new Date(),
    rowsUntil: window.rowsUntil ?? null,
  };
  await db
    .insert(monitorWindows)
    .values(values)
    .onConflictDoUpdate({
      target: [monitorWindows.modelVersionId, monitorWindows.granularity, monitorWindows.windowStart],
      set: {
        rowCount: values.rowCount,
        labelledCount: values.labelledCount,
        summary: values.summary,
        computedAt: values.computedAt,
        windowEnd: values.windowEnd,
        rowsUntil: values.rowsUntil,
      },
    });
}

/** How far a version's stored hour window has read its predictions, with its summary; null if there is none. */
export async function getHourWindowProgress(
  db: TDb,
  { versionId, start }: { versionId: string; start: Date },
): Promise<{ rowsUntil: Date | null; summary: TWindowSummary } | null> {
  const [row] = await db
    .select({ rowsUntil: monitorWindows.rowsUntil, summary: monitorWindows.summary })
    .from(monitorWindows)
    .where(
      and(eq(monitorWindows.modelVersionId, versionId), eq(monitorWindows.granularity, "hour"), eq(monitorWindows.windowStart, start)),
    );
  return row ? { rowsUntil: row.rowsUntil, summary: row.summary as unknown as TWindowSummary } : null;
}

export type TStoredWindow = { versionId: string; start: Date; end: Date; rowCount: number; summary: TWindowSummary };

/** Stored windows of some versions in [from, to), oldest first. */
export async function listWindows(
  db: TDb,
  { versionIds, granularity, from, to }: { versionIds: string[]; granularity: "hour" | "day"; from: Date; to: Date },
): Promise<TStoredWindow[]> {
  if (versionIds.length === 0) return [];
  const rows = await db
    .select({
      versionId: monitorWindows.modelVersionId,
      start: monitorWindows.windowStart,
      end: monitorWindows.windowEnd,
      rowCount: monitorWindows.rowCount,
      summary: monitorWindows.summary,
    })
    .from(monitorWindows)
    .where(
      and(
        inArray(monitorWindows.modelVersionId, versionIds),
        eq(monitorWindows.granularity, granularity),
        gte(monitorWindows.windowStart, from),
        lt(monitorWindows.windowStart, to),
      ),
    )
    .orderBy(asc(monitorWindows.windowStart));
  return rows.map((row) => ({ ...row, summary: row.summary as unknown as TWindowSummary }));
}

export type TMonitorResultInput = {
  modelId: string;
  versionId: string;
  kind: (typeof monitorResults.$inferInsert)["kind"];
  granularity: "hour" | "day";
  start: Date;
  end: Date;
  feature?: string;
  groupName?: string;
  statistic: string;
  value: number | null;
  threshold: number | null;
  status: TMonitorStatus;
  details?: Record<string, unknown>;
};

/** Writes a window's statistics; recomputing a window overwrites them (the unique key makes the job idempotent). */
export async function upsertMonitorResults(db: TDb, results: TMonitorResultInput[]) {
  if (results.length === 0) return;
  await db
    .insert(monitorResults)
    .values(
      results.map((result) => ({
        modelId: result.modelId,
        modelVersionId: result.versionId,
        kind: result.kind,
        granularity: result.granularity,
        windowStart: result.start,
        windowEnd: result.end,
        feature: result.feature ?? "",
        groupName: result.groupName ?? "",
        statistic: result.statistic,
        value: result.value,
        threshold: result.threshold,
        status: result.status,
        details: result.details ?? {},
        computedAt: new Date(),
      })),
    )
    .onConflictDoUpdate({
      target: [
        monitorResults.modelVersionId,
        monitorResults.kind,
        monitorResults.granularity,
        monitorResults.windowStart,
        monitorResults.feature,
        monitorResults.groupName,
        monitorResults.statistic,
      ],
      set: {
        value: sql`excluded.value`,
        threshold: sql`excluded.threshold`,
        status: sql`excluded.status`,
        details: sql`excluded.details`,
        computedAt: sql`excluded.computed_at`,
      },
    });
}

export type TMonitorResultPoint = {
  versionId: string | null;
  kind: string;
  feature: string;
  groupName: string;
  statistic: string;
  start: Date;
  value: number | null;
  threshold: number | null;
  status: TMonitorStatus;
  details: Record<string, unknown>;
};

/** Monitor results of a model over a period, oldest first: the series behind the charts and the alert rules. */
export async function listMonitorResults(
  db: TDb,
  {
    modelId,
    versionId,
    granularity,
    from,
    to,
    perGroupRows = true,
  }: {
    modelId: string;
    versionId?: string;
    granularity: "hour" | "day";
    from: Date;
    to: Date;
    /** Per-group rates ("age_band=under_25"); the dashboard computes those from merged summaries instead. */
    perGroupRows?: boolean;
  },
): Promise<TMonitorResultPoint[]> {
  return db
    .select({
      versionId: monitorResults.modelVersionId,
      kind: monitorResults.kind,
      feature: monitorResults.feature,
      groupName: monitorResults.groupName,
      statistic: monitorResults.statistic,
      start: monitorResults.windowStart,
      value: monitorResults.value,
      threshold: monitorResults.threshold,
      status: monitorResults.status,
      details: monitorResults.details,
    })
    .from(monitorResults)
    .where(
      and(
        eq(monitorResults.modelId, modelId),
        versionId ? eq(monitorResults.modelVersionId, versionId) : undefined,
        eq(monitorResults.granularity, granularity),
        gte(monitorResults.windowStart, from),
        lt(monitorResults.windowStart, to),
        perGroupRows ? undefined : notLike(monitorResults.groupName, "%=%"),
      ),
    )
    .orderBy(asc(monitorResults.windowStart));
}

/** Versions of a model that have monitor windows, newest window first. */
export async function listMonitoredVersions(db: TDb, modelId: string): Promise<{ id: string; version: string }[]> {
  const rows = await db.execute<{ id: string; version: string }>(sql`
    select v.id, v.version from model_versions v
    where v.model_id = ${modelId} and exists (select 1 from monitor_windows w where w.model_version_id = v.id)
    order by v.created_at desc`);
  return [...rows];
}
