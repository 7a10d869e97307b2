import type { FastifyBaseLogger } from "fastify";
import type { TDatabase } from "@/db/connection";
import { workerConfig } from "../config";
import { startAuditAnchoring } from "./audit-anchor";
import { runCanaryGuard } from "./canary-guard";
import { checkReviewBacklog } from "./review-backlog";
import { deliverAlerts } from "./alert-rules";
import { runMonitorWindows } from "./monitor-windows";
import { runRetention } from "./retention";
import { startTrafficImportance } from "./global-importance";
import { runNextValidation } from "./validate-version";
import { startReviewCountCompaction } from "./review-counts";
import { startSummaryRefresh } from "./summaries";
import { startBaselineValueRefresh } from "./baseline-value";

// A NOTIFY wakes the runner at once; the poll only covers a notification sent while it was down.
const POLL_MS = 10_000;
const BACKLOG_MS = 60_000;
const DELIVERY_MS = 10_000;

/**
 * The worker's job runner. Jobs live in PostgreSQL (validation_runs is the queue: a row per
 * run, claimed with SKIP LOCKED), so several workers share them and a crash loses nothing.
 */
export async function startJobRunner(options: { db: TDatabase; log: FastifyBaseLogger }) {
  const config = workerConfig();
  let running = false;
  let again = false;
  let stopped = false;
  const drain = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        while (!stopped && (await runNextValidation(options.db))) options.log.info("validation run finished");
      } while (again && !stopped);
    } catch (error) {
      options.log.error({ err: error }, "job runner failed; retrying at the next poll");
    } finally {
      running = false;
    }
  };
  const subscription = await options.db.$client.listen(
    "validation_queued",
    () => void drain(),
    () => void drain(),
  );
  const poll = setInterval(() => void drain(), POLL_MS);
  const guard = setInterval(() => {
    runCanaryGuard(options.db)
      .then((withdrawn) => withdrawn && options.log.warn({ withdrawn }, "canary guard withdrew canaries"))
      .catch((error) => options.log.error({ err: error }, "canary guard failed"));
  }, config.canaryGuardIntervalMs);
  const backlog = setInterval(() => {
    checkReviewBacklog(options.db).catch((error) => options.log.error({ err: error }, "review backlog check failed"));
  }, BACKLOG_MS);
  let monitorSince: Date | null = null;
  let monitoring = false;
  const monitorPass = () => {
    if (monitoring || stopped) return;
    monitoring = true;
    const started = new Date();
    runMonitorWindows(options.db, { since: monitorSince, now: started, settledMs: config.monitorSettledMs })
      .then((result) => {
        monitorSince = started;
        if (result.fired || result.resolved) options.log.warn(result, "monitoring alerts changed");
      })
      .catch((error) => options.log.error({ err: error }, "monitor windows failed"))
      .finally(() => {
        monitoring = false;
      });
  };
  // The first pass soon after start (it fills windows missed while down), then one per interval.
  const firstMonitorPass = setTimeout(monitorPass, Math.min(config.monitorIntervalMs, 5_000));
  const monitor = setInterval(monitorPass, config.monitorIntervalMs);
  const delivery = setInterval(() => {
    deliverAlerts(options.db, { consoleUrl: config.consoleUrl })
      .then((result) => result.failed && options.log.warn(result, "some alert deliveries failed; they will be retried"))
      .catch((error) => options.log.error({ err: error }, "alert delivery failed"));
  }, DELIVERY_MS);
  // Retention: archive, then drop or purge, whatever the models' policies no longer keep. Runs rarely; a month is its unit.
  let retaining = false;
  const retentionPass = () => {
    if (retaining || stopped) return;
    retaining = true;
    runRetention(options.db, { archiveDir: config.retention.archiveDir })
      .then(({ results }) => {
        for (const result of results)
          if (result.status === "done")
            options.log.warn({ partition: result.step.partition, archive: result.archive }, "retention applied");
          else if (result.status === "failed")
            options.log.error({ partition: result.step.partition, error: result.error }, "retention step failed");
          else options.log.info({ partition: result.step.partition, reason: result.reason }, "retention step held");
      })
      .catch((error) => options.log.error({ err: error }, "retention failed"))
      .finally(() => {
        retaining = false;
      });
  };
  const firstRetentionPass = setTimeout(retentionPass, 60_000);
  const retention = setInterval(retentionPass, config.retention.intervalMs);
  const summaries = startSummaryRefresh({ db: options.db, log: options.log });
  const reviewCounts = startReviewCountCompaction({ db: options.db, log: options.log });
  const baselines = startBaselineValueRefresh({ db: options.db, log: options.log });
  const trafficImportance = startTrafficImportance({ db: options.db, log: options.log });
  const anchoring = config.auditAnchor ? startAuditAnchoring({ db: options.db, log: options.log, ...config.auditAnchor }) : null;
  if (!anchoring)
    options.log.warn(
      "AUDIT_ANCHOR_KEY is not set: the audit chain is not anchored, so `audit verify` cannot detect a shortened or re-hashed chain",
    );
  return {
    stop: async () => {
      await anchoring?.stop();
      await summaries.stop();
      await reviewCounts.stop();
      await baselines.stop();
      await trafficImportance.stop();
      clearTimeout(firstMonitorPass);
      clearTimeout(firstRetentionPass);
      clearInterval(retention);
      clearInterval(monitor);
      clearInterval(delivery);
      stopped = true;
      clearInterval(poll);
      clearInterval(guard);
      clearInterval(backlog);
      await subscription.unlisten().catch(() => {});
      while (running || monitoring || retaining) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}
