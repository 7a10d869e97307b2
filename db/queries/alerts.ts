import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { alerts, models } from "../schema";

/** Alerts, unresolved first, newest first. */
export async function listAlerts(db: TDb, limit = 200) {
  return db
    .select({
      id: alerts.id,
      modelSlug: models.slug,
      modelName: models.displayName,
      status: alerts.status,
      severity: alerts.severity,
      title: alerts.title,
      message: alerts.message,
      firedAt: alerts.firedAt,
      resolvedAt: alerts.resolvedAt,
    })
    .from(alerts)
    .innerJoin(models, eq(models.id, alerts.modelId))
    .orderBy(sql`${alerts.status} = 'resolved'`, desc(alerts.firedAt))
    .limit(limit);
}

/** A model's unresolved alerts, newest first (for its model page). */
export async function listOpenAlerts(db: TDb, modelId: string, limit = 20) {
  return db
    .select({
      id: alerts.id,
      status: alerts.status,
      severity: alerts.severity,
      title: alerts.title,
      message: alerts.message,
      firedAt: alerts.firedAt,
    })
    .from(alerts)
    .where(and(eq(alerts.modelId, modelId), inArray(alerts.status, ["firing", "acknowledged"])))
    .orderBy(desc(alerts.firedAt))
    .limit(limit);
}
