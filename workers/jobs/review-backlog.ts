import { and, eq, inArray, sql } from "drizzle-orm";
import type { TDatabase } from "@/db/connection";
import { alertRules, alerts } from "@/db/schema";
import { nextAlertState } from "@/lib/review/backlog-alert";

const DEFAULT_THRESHOLD = 10;

/**
 * Fires an alert when a model's overdue review items pass its threshold (reviewSettings
 * .overdueAlertThreshold, default 10) and resolves it once they fall to half of it. Returns the
 * number of alerts fired and resolved.
 */
export async function checkReviewBacklog(db: TDatabase): Promise<{ fired: number; resolved: number }> {
  const rows = await db.execute<{ model_id: string; slug: string; overdue: number; settings: { overdueAlertThreshold?: number } }>(sql`
    select m.id as model_id, m.slug, m.review_settings as settings,
           (select count(*)::int from review_items r where r.model_id = m.id and r.status <> 'decided' and r.due_at <= now()) as overdue
    from models m`);
  let fired = 0;
  let resolved = 0;
  for (const row of rows) {
    const threshold = row.settings?.overdueAlertThreshold ?? DEFAULT_THRESHOLD;
    const resolveAt = Math.floor(threshold / 2);
    await db.transaction(async (tx) => {
      let [rule] = await tx.select().from(alertRules).where(and(eq(alertRules.modelId, row.model_id), eq(alertRules.metric, "review_overdue")));
      if (!rule) {
        [rule] = await tx.insert(alertRules).values({ modelId: row.model_id, name: "Review items past their SLA", metric: "review_overdue", comparison: "gt", threshold, resolveThreshold: resolveAt, severity: "warning" }).returning();
      }
      const open = await tx.select().from(alerts).where(and(eq(alerts.ruleId, rule.id), inArray(alerts.status, ["firing", "acknowledged"]))).for("update");
      const state = nextAlertState({ overdue: row.overdue, threshold, resolveAt, firing: open.length > 0 });
      if (state === "fire") {
        await tx.insert(alerts).values({ ruleId: rule.id, modelId: row.model_id, severity: "warning", value: row.overdue, title: `${row.overdue} review items of ${row.slug} are past their SLA`, message: `More than ${threshold} items are overdue in the review queue; it resolves at ${resolveAt} or fewer.` });
        fired += 1;
      } else if (state === "resolve") {
        await tx.update(alerts).set({ status: "resolved", resolvedAt: sql`now()`, value: row.overdue, lastEvaluatedAt: sql`now()` }).where(inArray(alerts.id, open.map((alert) => alert.id)));
        resolved += 1;
      } else if (open.length) {
        await tx.update(alerts).set({ value: row.overdue, lastEvaluatedAt: sql`now()` }).where(inArray(alerts.id, open.map((alert) => alert.id)));
      }
    });
  }
  return { fired, resolved };
}

