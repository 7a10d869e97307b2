import type { FastifyBaseLogger } from "fastify";
import type { TDatabase } from "@/db/connection";
import { compactReviewQueueCounts } from "@/db/queries/review-counts";
import { compactReviewReportDays } from "@/db/queries/transparency";
import { startPeriodicPass } from "./periodic";

/**
 * Folds the review queue's appended count rows (migration 0018) into one per bucket every minute,
 * so a count reads a few rows per hour of backlog however many items came and went; and the
 * transparency report's daily rows (migration 0022) likewise.
 */
export function startReviewCountCompaction(options: { db: TDatabase; log: FastifyBaseLogger; intervalMs?: number }) {
  return startPeriodicPass({
    name: "review queue count compaction",
    log: options.log,
    firstDelayMs: 5_000,
    intervalMs: options.intervalMs ?? 60_000,
    pass: async () => {
      options.log.debug(await compactReviewQueueCounts(options.db), "review queue counts compacted");
      options.log.debug(await compactReviewReportDays(options.db), "review report days compacted");
    },
  });
}
