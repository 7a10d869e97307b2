import type { FastifyBaseLogger } from "fastify";
import type { TDatabase } from "@/db/connection";
import { compactReviewQueueCounts } from "@/db/queries/review-counts";
import { startPeriodicPass } from "./periodic";

/**
 * Folds the review queue's appended count rows (migration 0018) into one per bucket every minute,
 * so a count reads a few rows per hour of backlog however many items came and went.
 */
export function startReviewCountCompaction(options: { db: TDatabase; log: FastifyBaseLogger; intervalMs?: number }) {
  return startPeriodicPass({
    name: "review queue count compaction",
    log: options.log,
    firstDelayMs: 5_000,
    intervalMs: options.intervalMs ?? 60_000,
    pass: async () => options.log.debug(await compactReviewQueueCounts(options.db), "review queue counts compacted"),
  });
}
