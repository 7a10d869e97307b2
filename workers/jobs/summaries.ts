import type { FastifyBaseLogger } from "fastify";
import type { TDatabase } from "@/db/connection";
import { refreshPredictionSummaries } from "@/db/queries/summaries-refresh";
import { startPeriodicPass } from "./periodic";

// Pages read raw rows past the summaries, so this period bounds their work, not their freshness.
const SUMMARY_INTERVAL_MS = 5 * 60_000;

/**
 * Keeps the hourly prediction summaries (migration 0017) current: a pass soon after start (it
 * catches up whatever was made while the worker was down), then one per interval, never two at once
 * in this process (other workers wait on each model's state row).
 */
export function startSummaryRefresh(options: { db: TDatabase; log: FastifyBaseLogger; intervalMs?: number }) {
  return startPeriodicPass({
    name: "prediction summaries",
    log: options.log,
    firstDelayMs: 10_000,
    intervalMs: options.intervalMs ?? SUMMARY_INTERVAL_MS,
    pass: async () =>
      options.log.debug({ models: (await refreshPredictionSummaries(options.db)).length }, "prediction summaries refreshed"),
  });
}
