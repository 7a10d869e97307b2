import { sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { predictions, reviewItems } from "../schema";

export type TPredictionRecord = typeof predictions.$inferInsert & { id: string; createdAt: Date };
export type TReviewRecord = typeof reviewItems.$inferInsert;

/**
 * Writes a batch of predictions and the review items they raised in one transaction: one multi-row
 * INSERT per table (the worker's group commit), so a prediction is never stored without its review item.
 */
export async function insertPredictionBatch(db: TDb, batch: { predictions: TPredictionRecord[]; reviews: TReviewRecord[] }): Promise<void> {
  await db.transaction(async (tx) => {
    if (batch.predictions.length) await tx.insert(predictions).values(batch.predictions);
    if (batch.reviews.length) await tx.insert(reviewItems).values(batch.reviews);
  });
}

/** Creates the current month's partition of `predictions` and `monthsAhead` more (a no-op for those that exist). */
export async function ensurePredictionPartitions(db: TDb, monthsAhead: number): Promise<void> {
  await db.execute(sql`select oversight_ensure_prediction_partitions(${monthsAhead})`);
}
