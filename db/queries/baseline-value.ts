import { and, eq, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { baselineValues, deployments, models, modelVersions } from "../schema";
import type { TCellSums } from "@/lib/cost/value";

/** The cost page's basis: labelled predictions of the last 30 days (db/queries/cost-inputs.ts). */
export const BASELINE_WINDOW_DAYS = 30;

/** Models with a previous champion, with what the baseline job needs to decide whether its stored value is stale. */
export async function listPreviousChampionBaselines(db: TDb, windowDays = BASELINE_WINDOW_DAYS) {
  return db
    .select({
      modelId: deployments.modelId,
      championVersionId: deployments.championVersionId,
      previousChampionVersionId: deployments.previousChampionVersionId,
      valueMatrix: models.valueMatrix,
      stored: {
        championVersionId: baselineValues.championVersionId,
        scaleInput: baselineValues.scaleInput,
        computedAt: baselineValues.computedAt,
      },
    })
    .from(deployments)
    .innerJoin(models, eq(models.id, deployments.modelId))
    .leftJoin(
      baselineValues,
      and(
        eq(baselineValues.modelId, deployments.modelId),
        eq(baselineValues.baselineVersionId, deployments.previousChampionVersionId),
        eq(baselineValues.windowDays, windowDays),
      ),
    )
    .where(sql`${deployments.previousChampionVersionId} is not null`);
}

/** What re-scoring with a version needs: its ONNX file's hash and its schemas. */
export async function getVersionForScoring(db: TDb, versionId: string) {
  const [row] = await db
    .select({
      id: modelVersions.id,
      version: modelVersions.version,
      artifactSha256: modelVersions.artifactSha256,
      inputSchema: modelVersions.inputSchema,
      outputSchema: modelVersions.outputSchema,
    })
    .from(modelVersions)
    .where(eq(modelVersions.id, versionId));
  return row ?? null;
}

/** Input schemas of the versions that answered the given rows (a prediction's features follow its own version's schema). */
export async function getInputSchemas(db: TDb, versionIds: string[]): Promise<Map<string, unknown>> {
  if (versionIds.length === 0) return new Map();
  const rows = await db.execute<{ id: string; input_schema: unknown }>(sql`
    select id, input_schema from model_versions where id in (${sql.join(
      versionIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
  return new Map(rows.map((row) => [row.id, row.input_schema]));
}

export type TLabelledServedRow = {
  versionId: string | null;
  features: number[];
  attributes: Record<string, unknown> | null;
  /** The served decision (1 = the positive label) and the outcome. */
  predicted: 0 | 1;
  actual: 0 | 1;
};

/**
 * The last `limit` labelled predictions the model served (champion, challenger, fallback) in the
 * window, newest first — the rows the cost page values, bounded.
 */
export async function listLabelledServedRows(
  db: TDb,
  input: { modelId: string; windowStart: Date; windowEnd: Date; limit: number },
): Promise<TLabelledServedRow[]> {
  const rows = await db.execute<{
    model_version_id: string | null;
    features: number[];
    attributes: Record<string, unknown> | null;
    predicted: number;
    actual: number;
  }>(sql`
    select p.model_version_id, p.features, p.attributes,
           (case when p.label = o.label then o.label_value else 1 - o.label_value end)::int as predicted, o.label_value::int as actual
    from predictions p
    join outcomes o on o.prediction_id = p.id and o.prediction_created_at = p.created_at
    where p.model_id = ${input.modelId} and p.role in ('champion', 'challenger', 'fallback')
      and p.created_at > ${input.windowStart.toISOString()} and p.created_at <= ${input.windowEnd.toISOString()}
    order by p.created_at desc, p.id desc
    limit ${input.limit}`);
  return rows.map((row) => ({
    versionId: row.model_version_id,
    features: row.features.map(Number),
    attributes: row.attributes,
    predicted: row.predicted === 1 ? 1 : 0,
    actual: row.actual === 1 ? 1 : 0,
  }));
}

/** Stores (replaces) the previous champion's aggregated cells for a window. */
export async function saveBaselineValue(
  db: TDb,
  input: {
    modelId: string;
    baselineVersionId: string;
    windowDays: number;
    championVersionId: string | null;
    scaleInput: string | null;
    windowStart: Date;
    windowEnd: Date;
    rows: number;
    skipped: number;
    modelCells: TCellSums;
    baselineCells: TCellSums;
  },
): Promise<void> {
  const { modelId, baselineVersionId, windowDays, ...rest } = input;
  const values = { ...rest, computedAt: sql`now()` };
  await db
    .insert(baselineValues)
    .values({ modelId, baselineVersionId, windowDays, ...values })
    .onConflictDoUpdate({ target: [baselineValues.modelId, baselineValues.baselineVersionId, baselineValues.windowDays], set: values });
}

/** The stored previous-champion baseline of the model's current previous champion, or null (none, or not computed yet). */
export async function getPreviousChampionBaseline(db: TDb, modelId: string, windowDays = BASELINE_WINDOW_DAYS) {
  const [row] = await db
    .select({
      baselineVersion: modelVersions.version,
      scaleInput: baselineValues.scaleInput,
      rows: baselineValues.rows,
      skipped: baselineValues.skipped,
      windowStart: baselineValues.windowStart,
      windowEnd: baselineValues.windowEnd,
      computedAt: baselineValues.computedAt,
      modelCells: baselineValues.modelCells,
      baselineCells: baselineValues.baselineCells,
    })
    .from(deployments)
    .innerJoin(
      baselineValues,
      and(
        eq(baselineValues.modelId, deployments.modelId),
        eq(baselineValues.baselineVersionId, deployments.previousChampionVersionId),
        eq(baselineValues.windowDays, windowDays),
      ),
    )
    .innerJoin(modelVersions, eq(modelVersions.id, baselineValues.baselineVersionId))
    .where(eq(deployments.modelId, modelId));
  if (!row) return null;
  return { ...row, modelCells: row.modelCells as TCellSums, baselineCells: row.baselineCells as TCellSums };
}

/** Whether the model has a previous champion at all (the page's reason when no baseline is stored). */
export async function hasPreviousChampion(db: TDb, modelId: string): Promise<boolean> {
  const [row] = await db.select({ id: deployments.previousChampionVersionId }).from(deployments).where(eq(deployments.modelId, modelId));
  return Boolean(row?.id);
}
