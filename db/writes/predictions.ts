import { and, asc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { modelVersions, predictions, reviewItems } from "../schema";

export type TPredictionRecord = typeof predictions.$inferInsert & { id: string; createdAt: Date };
export type TReviewRecord = typeof reviewItems.$inferInsert;

/** A `requestId` seen again within this window is answered with its first answer and stores nothing new (see db/README.md). */
const IDEMPOTENCY_WINDOW_HOURS = 24;

/** The first answer given to a request id of a model: what a retry of it gets back. */
export type TFirstAnswer = { modelId: string; answer: TStoredAnswer };
export type TStoredAnswer = {
  requestId: string;
  predictionId: string;
  probability: number;
  label: string;
  modelVersion: string | null;
  role: "champion" | "challenger" | "fallback";
  sentToReview: boolean;
  reviewReason: NonNullable<TReviewRecord["reason"]> | null;
};

/**
 * Writes a batch of predictions and the review items they raised in one transaction: one multi-row
 * INSERT per table (the worker's group commit), so a prediction is never stored without its review item.
 *
 * Idempotent per (model, requestId) within IDEMPOTENCY_WINDOW_HOURS: a request id already answered is not
 * stored again (nor its shadow row or review item), and its first answer is returned instead. A
 * transaction-scoped advisory lock per key makes concurrent retries (other flushes, other workers)
 * wait for the first to commit, with no unique index (a partitioned table's would need created_at in it).
 * Each (model, requestId) must appear at most once per call among the answered (non-shadow) rows.
 */
export async function insertPredictionBatch(
  db: TDb,
  batch: { predictions: TPredictionRecord[]; reviews: TReviewRecord[] },
): Promise<{ firstAnswers: TFirstAnswer[] }> {
  const keyOf = (row: { modelId: string; requestId: string }) => `${row.modelId}\u0000${row.requestId}`;
  return db.transaction(async (tx) => {
    const answered = batch.predictions.filter((row) => row.role !== "shadow");
    if (answered.length === 0) {
      if (batch.predictions.length) await tx.insert(predictions).values(batch.predictions);
      return { firstAnswers: [] };
    }
    const keys = answered.map((row) => sql`(${row.modelId}::uuid, ${row.requestId}::text)`);
    // Locks taken in key order, so two flushes holding common keys cannot deadlock.
    await tx.execute(
      sql`select pg_advisory_xact_lock(key) from (select distinct hashtextextended(model_id::text || ':' || request_id, 0) as key
        from (values ${sql.join(keys, sql`, `)}) as batch(model_id, request_id) order by key) as keys`,
    );
    const wanted = new Set(answered.map(keyOf));
    const earlier = await tx
      .select({
        modelId: predictions.modelId,
        requestId: predictions.requestId,
        predictionId: predictions.id,
        probability: predictions.probability,
        label: predictions.label,
        modelVersion: modelVersions.version,
        role: predictions.role,
        sentToReview: predictions.sentToReview,
        reviewReason: reviewItems.reason,
      })
      .from(predictions)
      .leftJoin(modelVersions, eq(modelVersions.id, predictions.modelVersionId))
      .leftJoin(reviewItems, eq(reviewItems.predictionId, predictions.id))
      .where(
        and(
          // request_id first: its index finds the few candidate rows; the model is checked below.
          inArray(predictions.requestId, [...new Set(answered.map((row) => row.requestId))]),
          // A bound parameter, not now() - …: PostgreSQL then prunes partitions when planning and locks ~10 relations,
          // not every partition and index (126 at 30 partitions, past the fast-path slots; `npm run bench:partitions`).
          gt(predictions.createdAt, new Date(Date.now() - IDEMPOTENCY_WINDOW_HOURS * 3_600_000)),
          ne(predictions.role, "shadow"),
        ),
      )
      .orderBy(asc(predictions.createdAt));
    const firstByKey = new Map<string, TFirstAnswer>();
    for (const row of earlier) {
      const key = keyOf(row);
      const { modelId, role, ...answer } = row;
      if (wanted.has(key) && !firstByKey.has(key))
        firstByKey.set(key, { modelId, answer: { ...answer, role: role as TStoredAnswer["role"] } });
    }

    const fresh = batch.predictions.filter((row) => !firstByKey.has(keyOf(row)));
    const freshIds = new Set(fresh.map((row) => row.id));
    const freshReviews = batch.reviews.filter((review) => freshIds.has(review.predictionId));
    if (fresh.length) await tx.insert(predictions).values(fresh);
    if (freshReviews.length) await tx.insert(reviewItems).values(freshReviews);
    return { firstAnswers: [...firstByKey.values()] };
  });
}

/** Creates the current month's partition of `predictions` and `monthsAhead` more (a no-op for those that exist). */
export async function ensurePredictionPartitions(db: TDb, monthsAhead: number): Promise<void> {
  await db.execute(sql`select oversight_ensure_prediction_partitions(${monthsAhead})`);
}

/** The answered (non-shadow) predictions stored under these request ids, for checking acknowledgements (`npm run chaos`). */
export async function findAnsweredPredictions(db: TDb, requestIds: string[]): Promise<Array<{ id: string; requestId: string }>> {
  if (requestIds.length === 0) return [];
  return db
    .select({ id: predictions.id, requestId: predictions.requestId })
    .from(predictions)
    .where(and(inArray(predictions.requestId, requestIds), ne(predictions.role, "shadow")));
}
