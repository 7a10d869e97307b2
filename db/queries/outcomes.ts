import { eq, inArray, sql } from "drizzle-orm";
import type { TDb } from "../connection";
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

/** Predictions with a true label (from the calling application or a review decision), for retraining. */
export async function listLabelledPredictions(
  db: TDb,
  input: { modelId: string; versionId?: string; from?: Date; to?: Date; limit: number },
) {
  return db.execute<{
    prediction_id: string;
    created_at: string;
    version: string | null;
    role: string;
    features: number[];
    attributes: Record<string, unknown>;
    probability: number;
    model_label: string;
    true_label: string;
    label_value: number;
    source: string;
    input_schema: { features?: Array<{ name: string; modelInput?: boolean }> } | null;
  }>(sql`
    select p.id as prediction_id, p.created_at, v.version, p.role, p.features, p.attributes, p.probability, p.label as model_label,
           o.label as true_label, o.label_value, o.source, v.input_schema
    from outcomes o
    join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
    left join model_versions v on v.id = p.model_version_id
    where o.model_id = ${input.modelId} and p.role <> 'shadow'
      ${input.versionId ? sql`and p.model_version_id = ${input.versionId}` : sql``}
      ${input.from ? sql`and p.created_at >= ${input.from.toISOString()}` : sql``}
      ${input.to ? sql`and p.created_at < ${input.to.toISOString()}` : sql``}
    order by p.created_at
    limit ${input.limit}`);
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
