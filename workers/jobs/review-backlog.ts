import type { TDatabase } from "@/db/connection";
import { ensureReviewBacklogRule, listReviewBacklogs, lockOpenAlert } from "@/db/queries/alert-rules";
import { fireAlert, keepAlert, resolveAlert } from "@/db/writes/alerts";
import { incidentCause } from "@/lib/monitoring/incidents";
import { nextAlertState } from "@/lib/review/backlog-alert";

const DEFAULT_THRESHOLD = 10;

/**
 * Fires an alert when a model's overdue review items pass its threshold (reviewSettings
 * .overdueAlertThreshold, default 10) and resolves it once they fall to half of it; the alert's
 * webhook deliveries are queued with it. Returns the number of alerts fired and resolved.
 */
export async function checkReviewBacklog(db: TDatabase): Promise<{ fired: number; resolved: number }> {
  const rows = await listReviewBacklogs(db);
  let fired = 0;
  let resolved = 0;
  for (const row of rows) {
    const threshold = row.overdueAlertThreshold ?? DEFAULT_THRESHOLD;
    const resolveAt = Math.floor(threshold / 2);
    await db.transaction(async (tx) => {
      const rule = await ensureReviewBacklogRule(tx, { modelId: row.modelId, threshold, resolveThreshold: resolveAt });
      const open = await lockOpenAlert(tx, rule.id);
      const state = nextAlertState({ overdue: row.overdue, threshold, resolveAt, firing: open !== null });
      if (state === "fire") {
        await fireAlert(tx, {
          modelId: row.modelId,
          ruleId: rule.id,
          severity: "warning",
          value: row.overdue,
          title: `${row.overdue} review items of ${row.slug} are past their SLA`,
          message: `More than ${threshold} items are overdue in the review queue; it resolves at ${resolveAt} or fewer.`,
          cause: incidentCause({ source: "review_backlog" }),
        });
        fired += 1;
      } else if (state === "resolve" && open) {
        await resolveAlert(tx, { alertId: open.id, modelId: row.modelId, value: row.overdue });
        resolved += 1;
      } else if (open) {
        await keepAlert(tx, { alertId: open.id, value: row.overdue });
      }
    });
  }
  return { fired, resolved };
}
