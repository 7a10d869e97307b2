import { eq, inArray, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { withQuickPlan } from "./quick-reads";
import { modelVersions, outcomes, predictions } from "../schema";

export type TPredictionForOutcome = {
  id: string;
  createdAt: Date;
  modelId: string;
  outputSchema: Record<string, unknown> | null;
};

/** Predictions by id with the output schema of the version that made them (null for fallback). */
export async function getPredictionsForOutcome(db: TDb, ids: string[]): Promise<TPredictionForOutcome[]> {
  if (ids.length === 0) return [];
  return db
    .select({
      id: predictions.id,
      createdAt: predictions.createdAt,
      modelId: predictions.modelId,
      outputSchema: modelVersions.outputSchema,
    })
    .from(predictions)
    .leftJoin(modelVersions, eq(modelVersions.id, predictions.modelVersionId))
    .where(inArray(predictions.id, ids));
}

/** Inserts outcomes; returns the prediction ids that already had one (left unchanged). */
export async function insertOutcomes(db: TDb, rows: Array<typeof outcomes.$inferInsert>): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insert(outcomes)
    .values(rows)
    .onConflictDoNothing({ target: outcomes.predictionId })
    .returning({ id: outcomes.predictionId });
  const insertedIds = new Set(inserted.map((row) => row.id));
  return rows.map((row) => row.predictionId).filter((id) => !insertedIds.has(id));
}

/** What a calling application may see of one of its predictions: the answer, its review and the final label. */
export async function getPredictionStatus(db: TDb, id: string) {
  const rows = await db.execute<{
    id: string;
    created_at: string;
    model_id: string;
    model_slug: string;
    role: string;
    label: string;
    probability: number;
    request_id: string;
    api_key_id: string | null;
    model_version: string | null;
    review_status: string | null;
    review_reason: string | null;
    decision: string | null;
    final_label: string | null;
    decided_by: string | null;
    decided_at: string | null;
    outcome_label: string | null;
    outcome_source: string | null;
    outcome_value: number | null;
  }>(sql`
    select p.id, p.created_at, p.model_id, m.slug as model_slug, p.role, p.label, p.probability, p.request_id, p.api_key_id,
           v.version as model_version, r.status as review_status, r.reason as review_reason, r.decision, r.final_label,
           u.name as decided_by, r.decided_at, o.label as outcome_label, o.source as outcome_source, o.value as outcome_value
    from predictions p
    join models m on m.id = p.model_id
    left join model_versions v on v.id = p.model_version_id
    left join review_items r on r.prediction_id = p.id and r.prediction_created_at = p.created_at
    left join users u on u.id = r.decided_by
    left join outcomes o on o.prediction_id = p.id
    where p.id = ${id} and p.role <> 'shadow'
    limit 1`);
  return rows[0] ?? null;
}

/** Where a page of the labelled export ends: the last outcome's prediction time (as text, to the microsecond) and id. */
export type TLabelledCursor = { createdAt: string; id: string };

type TPageInput = { modelId: string; from?: Date; to?: Date; after?: TLabelledCursor; limit: number };

// A literal, not a parameter: a prepared statement's generic plan would not know how few rows a page is.
const pageLimit = (input: TPageInput) => sql.raw(String(Math.max(1, Math.trunc(input.limit))));

/** A page of a model's outcomes, from the outcomes index alone (time, then prediction id). */
function modelPage(input: TPageInput) {
  return sql`
      select o.prediction_id, o.prediction_created_at, o.label, o.label_value, o.source from outcomes o
      where o.model_id = ${input.modelId}
        ${input.from ? sql`and o.prediction_created_at >= ${input.from.toISOString()}` : sql``}
        ${input.to ? sql`and o.prediction_created_at < ${input.to.toISOString()}` : sql``}
        ${input.after ? sql`and (o.prediction_created_at, o.prediction_id) > (${input.after.createdAt}::timestamptz, ${input.after.id}::uuid)` : sql``}
      order by o.prediction_created_at, o.prediction_id
      limit ${pageLimit(input)}`;
}

/**
 * A page of one version's predictions, in the same order, each with its outcome if it has one: walked
 * from the version's own predictions (its time index; the planner keeps to it under the inner limit)
 * with each outcome looked up by key, so a version that answered a small share of the traffic does not
 * page through every outcome of the model. Rows without an outcome are read but not exported.
 */
function versionPage(input: TPageInput, versionId: string) {
  return sql`
      select c.id as prediction_id, c.created_at as prediction_created_at, o.label, o.label_value, o.source
      from (
        select p.id, p.created_at from predictions p
        where p.model_version_id = ${versionId} and p.model_id = ${input.modelId} and p.role <> 'shadow'
          ${input.from ? sql`and p.created_at >= ${input.from.toISOString()}` : sql``}
          ${input.to ? sql`and p.created_at < ${input.to.toISOString()}` : sql``}
          ${input.after ? sql`and (p.created_at, p.id) > (${input.after.createdAt}::timestamptz, ${input.after.id}::uuid)` : sql``}
        order by p.created_at, p.id
        limit ${pageLimit(input)}
      ) c
      left join outcomes o on o.prediction_id = c.id and o.prediction_created_at = c.created_at`;
}

/** Which rows a labelled export filtered by version walks: the model's outcomes, or the version's predictions. */
export type TLabelledWalk = "outcomes" | "version";

/**
 * The cheaper walk for a version's labelled export, from the hourly summaries (a plan choice only: both
 * walks give the same rows): the version's predictions when there are fewer of them than the model's
 * labelled predictions (a rare version), else the model's outcomes (a version with many predictions and
 * few or no outcomes, which walking its predictions would read to the end before the first row).
 */
export async function chooseLabelledWalk(db: TDb, input: { modelId: string; versionId: string; from?: Date; to?: Date }) {
  const [row] = await db.execute<{ version_predictions: number; model_labelled: number }>(sql`
    select coalesce(sum(h.predictions) filter (where h.model_version_id = ${input.versionId}), 0)::float8 as version_predictions,
           coalesce(sum(h.labelled), 0)::float8 as model_labelled
    from prediction_hours h
    where h.model_id = ${input.modelId} and h.role <> 'shadow'
      ${input.from ? sql`and h.hour >= date_trunc('hour', ${input.from.toISOString()}::timestamptz, 'UTC')` : sql``}
      ${input.to ? sql`and h.hour < ${input.to.toISOString()}::timestamptz` : sql``}`);
  const walk: TLabelledWalk = row && row.version_predictions < row.model_labelled ? "version" : "outcomes";
  return walk;
}

/**
 * Predictions with a true label (from the calling application or a review decision), for retraining:
 * one page of `limit` outcomes after `after`, oldest prediction first (by time, then id). The page
 * is taken from the outcomes index alone (or, for one version, from that version's predictions when
 * chooseLabelledWalk says so), then
 * the rest is looked up by key, so a page costs its own rows whatever the history. Rows not exported
 * (shadow answers, other versions, predictions without an outcome) are dropped from the page, so it
 * can hold fewer rows than `limit`, none even; `next` is null when nothing follows.
 */
export async function listLabelledPredictions(
  db: TDb,
  input: {
    modelId: string;
    versionId?: string;
    /** For a version: the walk chooseLabelledWalk picked (the model's outcomes when absent). */
    walk?: TLabelledWalk;
    from?: Date;
    to?: Date;
    after?: TLabelledCursor;
    limit: number;
  },
) {
  // A page is a few thousand reads by key: JIT compiling it would cost more than running it (quick-reads.ts).
  const rows = await withQuickPlan(db, (tx) =>
    tx.execute<{
      prediction_id: string;
      created_at: string;
      cursor_at: string;
      version: string | null;
      /** Null for an outcome whose prediction is not exported (a shadow answer, another version, purged). */
      role: string | null;
      features: number[];
      attributes: Record<string, unknown>;
      probability: number;
      model_label: string;
      /** Null for a prediction without an outcome (a version's page reads those too). */
      true_label: string | null;
      label_value: number;
      source: string;
      input_schema: { features?: Array<{ name: string; modelInput?: boolean }> } | null;
    }>(sql`
    with page as materialized (${input.versionId && input.walk === "version" ? versionPage(input, input.versionId) : modelPage(input)})
    select o.prediction_id, o.prediction_created_at as created_at, o.prediction_created_at::text as cursor_at, v.version,
           p.role, p.features, p.attributes, p.probability, p.label as model_label,
           o.label as true_label, o.label_value, o.source, v.input_schema
    from page o
    -- A left join, so the page's last key is known even when its last rows are not exported (role null).
    left join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at and p.role <> 'shadow'
      ${input.versionId ? sql`and p.model_version_id = ${input.versionId}` : sql``}
    left join model_versions v on v.id = p.model_version_id
    order by o.prediction_created_at, o.prediction_id`),
  );
  const last = rows.at(-1);
  return {
    rows: rows.filter((row): row is typeof row & { role: string; true_label: string } => row.role !== null && row.true_label !== null),
    next: rows.length === input.limit && last ? { createdAt: last.cursor_at, id: last.prediction_id } : null,
  };
}

/**
 * Business values of the two arms of a canary or A/B split, in the order their outcomes arrived
 * (the order an always-valid p-value looks in): the champion's answers (control) and the
 * challenger's (treatment), last `days` days, outcomes with a value only.
 */
export async function listArmValues(
  db: TDb,
  input: { modelId: string; controlVersionId: string; treatmentVersionId: string; days: number; limit: number },
) {
  const rows = await db.execute<{ arm: "control" | "treatment"; value: number }>(sql`
    select case when p.model_version_id = ${input.treatmentVersionId} then 'treatment' else 'control' end as arm, o.value
    from outcomes o
    join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
    where o.model_id = ${input.modelId} and o.value is not null
      and p.created_at > now() - make_interval(days => ${input.days})
      and ((p.role = 'champion' and p.model_version_id = ${input.controlVersionId})
        or (p.role = 'challenger' and p.model_version_id = ${input.treatmentVersionId}))
    order by o.created_at, o.prediction_id
    limit ${input.limit}`);
  return rows.map((row) => ({ arm: row.arm, value: Number(row.value) }));
}
