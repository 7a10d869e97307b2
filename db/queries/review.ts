import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError } from "@/lib/errors";
import { markUnusual, summarizeReference } from "@/lib/explain/reference";
import type { TReviewItemDetail, TReviewQueueItem, TReviewReasonCode, TSimilarCase } from "@/lib/types/review";
import type { TDb } from "../connection";
import { modelVersions, models, outcomes, predictions, reviewItems, users } from "../schema";

export type TQueueFilter = {
  modelSlug?: string;
  reason?: TReviewReasonCode;
  sla?: "overdue" | "due_soon" | "on_track";
  minAgeHours?: number;
  includeDecided?: boolean;
};

const claimedBy = alias(users, "claimed_by_user");
const decidedBy = alias(users, "decided_by_user");

// An item whose claim expired is back in the queue, whatever its status column says.
const isAvailable = sql`(${reviewItems.status} = 'open' or (${reviewItems.status} = 'claimed' and ${reviewItems.claimExpiresAt} < now()))`;

function queueConditions(filter: TQueueFilter): SQL | undefined {
  const parts: SQL[] = [];
  if (!filter.includeDecided) parts.push(sql`${reviewItems.status} <> 'decided'`);
  if (filter.modelSlug) parts.push(eq(models.slug, filter.modelSlug));
  if (filter.reason) parts.push(eq(reviewItems.reason, filter.reason));
  if (filter.minAgeHours) parts.push(sql`${reviewItems.createdAt} < now() - make_interval(hours => ${filter.minAgeHours})`);
  if (filter.sla === "overdue") parts.push(sql`${reviewItems.dueAt} <= now()`);
  if (filter.sla === "due_soon")
    parts.push(
      sql`${reviewItems.dueAt} > now() and ${reviewItems.dueAt} - now() <= (${reviewItems.dueAt} - ${reviewItems.createdAt}) * 0.25`,
    );
  if (filter.sla === "on_track") parts.push(sql`${reviewItems.dueAt} - now() > (${reviewItems.dueAt} - ${reviewItems.createdAt}) * 0.25`);
  return parts.length ? and(...parts) : undefined;
}

/** The queue, soonest due first. */
export async function listReviewQueue(db: TDb, filter: TQueueFilter, limit = 200): Promise<TReviewQueueItem[]> {
  const rows = await db
    .select({
      id: reviewItems.id,
      modelSlug: models.slug,
      modelName: models.displayName,
      reason: reviewItems.reason,
      status: reviewItems.status,
      claimedByName: claimedBy.name,
      claimExpiresAt: reviewItems.claimExpiresAt,
      dueAt: reviewItems.dueAt,
      createdAt: reviewItems.createdAt,
      probability: predictions.probability,
      label: predictions.label,
    })
    .from(reviewItems)
    .innerJoin(models, eq(models.id, reviewItems.modelId))
    .innerJoin(predictions, and(eq(predictions.id, reviewItems.predictionId), eq(predictions.createdAt, reviewItems.predictionCreatedAt)))
    .leftJoin(claimedBy, eq(claimedBy.id, reviewItems.claimedBy))
    .where(queueConditions(filter))
    .orderBy(asc(reviewItems.dueAt))
    .limit(limit);
  // An expired claim shows as open: anyone may take it.
  return rows.map((row) =>
    row.status === "claimed" && row.claimExpiresAt && row.claimExpiresAt < new Date()
      ? { ...row, status: "open", claimedByName: null }
      : row,
  );
}

/**
 * Claims the next available item (soonest due) for a user, or returns the item the user already
 * holds. SKIP LOCKED lets concurrent claimers pass over rows another transaction is taking.
 */
export async function claimNextReviewItem(
  db: TDb,
  input: { userId: string; claimMinutes: number; modelSlug?: string },
): Promise<string | null> {
  const held = await db.execute<{ id: string }>(sql`
    select id from review_items where status = 'claimed' and claimed_by = ${input.userId} and claim_expires_at > now() order by due_at limit 1`);
  if (held[0]) return held[0].id;
  const modelCondition = input.modelSlug ? sql`and model_id = (select id from models where slug = ${input.modelSlug})` : sql``;
  const claimed = await db.execute<{ id: string }>(sql`
    update review_items set status = 'claimed', claimed_by = ${input.userId}, claim_expires_at = now() + make_interval(mins => ${input.claimMinutes})
    where id = (
      select id from review_items
      where (status = 'open' or (status = 'claimed' and claim_expires_at < now())) ${modelCondition}
      order by due_at limit 1
      for update skip locked)
    returning id`);
  return claimed[0]?.id ?? null;
}

/** Claims one chosen item; refused while someone else holds an unexpired claim on it. */
export async function claimReviewItem(db: TDb, input: { id: string; userId: string; claimMinutes: number }): Promise<void> {
  const claimed = await db
    .update(reviewItems)
    .set({ status: "claimed", claimedBy: input.userId, claimExpiresAt: sql`now() + make_interval(mins => ${input.claimMinutes})` })
    .where(
      and(
        eq(reviewItems.id, input.id),
        sql`(${isAvailable} or (${reviewItems.status} = 'claimed' and ${reviewItems.claimedBy} = ${input.userId}))`,
      ),
    )
    .returning({ id: reviewItems.id });
  if (claimed.length === 0) {
    const [item] = await db.select({ status: reviewItems.status }).from(reviewItems).where(eq(reviewItems.id, input.id));
    if (!item) throw new DomainError("review_item_not_found", "That review item does not exist.", 404);
    throw new DomainError(
      item.status === "decided" ? "review_item_decided" : "review_item_claimed",
      item.status === "decided" ? "This item has already been decided." : "Another analyst is working on this item.",
      409,
    );
  }
}

/**
 * Records a decision: only the analyst holding the claim may decide, once. The decision becomes
 * the prediction's outcome (a label for monitoring and retraining) in the same transaction.
 */
export async function decideReviewItem(
  db: TDb,
  input: {
    id: string;
    userId: string;
    decision: "accept" | "override";
    finalLabel: string;
    labelValue: 0 | 1;
    reasonCode: string | null;
    comment: string | null;
  },
) {
  const [item] = await db.select().from(reviewItems).where(eq(reviewItems.id, input.id)).for("update");
  if (!item) throw new DomainError("review_item_not_found", "That review item does not exist.", 404);
  if (item.status === "decided") throw new DomainError("review_item_decided", "This item has already been decided.", 409);
  if (item.status !== "claimed" || item.claimedBy !== input.userId) {
    throw new DomainError(
      "review_item_not_claimed",
      "Claim this item before deciding it (your claim may have expired and been taken).",
      409,
    );
  }
  const [decided] = await db
    .update(reviewItems)
    .set({
      status: "decided",
      decision: input.decision,
      finalLabel: input.finalLabel,
      reasonCode: input.reasonCode,
      comment: input.comment,
      decidedBy: input.userId,
      decidedAt: sql`now()`,
    })
    .where(eq(reviewItems.id, input.id))
    .returning();
  await db
    .insert(outcomes)
    .values({
      predictionId: item.predictionId,
      predictionCreatedAt: item.predictionCreatedAt,
      modelId: item.modelId,
      label: input.finalLabel,
      labelValue: input.labelValue,
      source: "review",
      recordedBy: input.userId,
    })
    .onConflictDoNothing({ target: outcomes.predictionId });
  return decided;
}

/** Everything the item view shows. */
export async function getReviewItemDetail(db: TDb, id: string): Promise<TReviewItemDetail | null> {
  const [row] = await db
    .select({
      item: reviewItems,
      modelSlug: models.slug,
      modelName: models.displayName,
      prediction: predictions,
      modelVersion: modelVersions.version,
      inputSchema: modelVersions.inputSchema,
      outputSchema: modelVersions.outputSchema,
      // Only the columns: the rest of the profile (labels, counts) is not needed here.
      referenceColumns: sql<Record<string, Array<number | string>> | null>`${modelVersions.referenceProfile}->'columns'`,
      claimedByName: claimedBy.name,
      decidedByName: decidedBy.name,
    })
    .from(reviewItems)
    .innerJoin(models, eq(models.id, reviewItems.modelId))
    .innerJoin(predictions, and(eq(predictions.id, reviewItems.predictionId), eq(predictions.createdAt, reviewItems.predictionCreatedAt)))
    .leftJoin(modelVersions, eq(modelVersions.id, predictions.modelVersionId))
    .leftJoin(claimedBy, eq(claimedBy.id, reviewItems.claimedBy))
    .leftJoin(decidedBy, eq(decidedBy.id, reviewItems.decidedBy))
    .where(eq(reviewItems.id, id))
    .limit(1);
  if (!row) return null;
  const schema = (row.inputSchema ?? { features: [] }) as {
    features?: Array<{ name: string; modelInput?: boolean; min?: number; max?: number }>;
  };
  const inputs = (schema.features ?? []).filter((feature) => feature.modelInput);
  const output = (row.outputSchema ?? {}) as { positiveLabel?: string; negativeLabel?: string };
  const expired = row.item.status === "claimed" && row.item.claimExpiresAt !== null && row.item.claimExpiresAt < new Date();
  const reference = summarizeReference(
    row.referenceColumns ?? {},
    inputs.map((feature) => feature.name),
  );
  return {
    id: row.item.id,
    predictionId: row.item.predictionId,
    modelVersionId: row.item.modelVersionId,
    modelSlug: row.modelSlug,
    modelName: row.modelName,
    modelVersion: row.modelVersion,
    role: row.prediction.role,
    reason: row.item.reason,
    status: expired ? "open" : row.item.status,
    claimedBy: expired ? null : row.item.claimedBy,
    claimedByName: expired ? null : row.claimedByName,
    claimExpiresAt: row.item.claimExpiresAt,
    dueAt: row.item.dueAt,
    createdAt: row.item.createdAt,
    probability: row.prediction.probability,
    label: row.prediction.label,
    confidence: row.prediction.confidence,
    features: inputs.map((feature, index) => {
      const value = row.prediction.features[index] ?? null;
      const outOfRange =
        value !== null && ((feature.min !== undefined && value < feature.min) || (feature.max !== undefined && value > feature.max));
      return {
        name: feature.name,
        value,
        min: feature.min,
        max: feature.max,
        outOfRange,
        reference: reference[feature.name] ?? null,
        unusual: markUnusual(value, reference[feature.name]),
      };
    }),
    attributes: row.prediction.attributes,
    positiveLabel: output.positiveLabel ?? "positive",
    negativeLabel: output.negativeLabel ?? "negative",
    decision: row.item.decision,
    finalLabel: row.item.finalLabel,
    reasonCode: row.item.reasonCode,
    comment: row.item.comment,
    decidedByName: row.decidedByName,
    decidedAt: row.item.decidedAt,
  };
}

// Bounds the cost of a similar-cases lookup on a version with a long history.
const SIMILAR_CANDIDATES = 5_000;

/**
 * The `limit` decided items of the same version nearest to `features` by standardized Euclidean
 * distance, √Σ((x_i − y_i)/s_i)², with s_i the reference std of input i (standardizing both rows
 * with the reference mean and std gives the same distance: the means cancel). Computed in SQL
 * over the version's most recently decided ≤ 5,000 items, so only the nearest rows leave the
 * database.
 */
export async function listSimilarDecidedItems(
  db: TDb,
  input: {
    excludeItemId: string;
    modelVersionId: string;
    features: number[];
    scales: number[];
    limit?: number;
  },
): Promise<TSimilarCase[]> {
  // The item's inputs went through real[] like every candidate's: compare them at the same precision.
  const target = sql`${`{${input.features.join(",")}}`}::real[]::float8[]`;
  const scales = sql`${`{${input.scales.join(",")}}`}::float8[]`;
  const rows = await db.execute<{
    id: string;
    distance: number;
    probability: number;
    label: string;
    decision: "accept" | "override";
    final_label: string;
    reason_code: string | null;
    decided_at: string;
  }>(sql`
    with candidates as (
      select r.id, r.decision, r.final_label, r.reason_code, r.decided_at, p.probability, p.label, p.features
      from review_items r
      join predictions p on p.id = r.prediction_id and p.created_at = r.prediction_created_at
      where r.model_version_id = ${input.modelVersionId} and r.status = 'decided' and r.id <> ${input.excludeItemId}
      order by r.decided_at desc nulls last
      limit ${SIMILAR_CANDIDATES})
    select c.id, c.decision, c.final_label, c.reason_code, c.decided_at, c.probability, c.label,
      (select sqrt(sum(((u.value - u.target) / u.scale) ^ 2)) from unnest(c.features::float8[], ${target}, ${scales}) as u(value, target, scale)) as distance
    from candidates c
    order by distance, c.decided_at desc
    limit ${input.limit ?? 5}`);
  return rows.map((row) => ({
    id: row.id,
    distance: Number(row.distance),
    probability: Number(row.probability),
    label: row.label,
    decision: row.decision,
    finalLabel: row.final_label,
    reasonCode: row.reason_code,
    decidedAt: new Date(row.decided_at),
  }));
}
